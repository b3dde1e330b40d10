"""System checks for the database connection settings (run by every manage.py command and at server start)."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_database_connections(app_configs, **kwargs) -> list[Error]:
    """A psycopg pool with persistent connections fails at the first query: refuse it before then."""
    errors = []
    for alias, config in settings.DATABASES.items():
        pool = config.get("OPTIONS", {}).get("pool")
        if not pool:
            continue
        if config.get("CONN_MAX_AGE", 0) != 0:
            errors.append(
                Error(
                    f"DATABASES[{alias!r}] has a connection pool and CONN_MAX_AGE={config.get('CONN_MAX_AGE')!r}.",
                    hint="A pool replaces persistent connections: build DATABASES with settings.database "
                    "(DATABASE_POOL=true ignores DATABASE_CONN_MAX_AGE).",
                    id="exams_service.E101",
                )
            )
        if isinstance(pool, dict) and pool.get("min_size", 0) > pool.get("max_size", pool.get("min_size", 0)):
            errors.append(
                Error(
                    f"DATABASES[{alias!r}] pool min_size exceeds max_size.",
                    hint="Raise DATABASE_POOL_MAX_SIZE.",
                    id="exams_service.E102",
                )
            )
    return errors
