"""The one place that decides how the service holds database connections (persistent or pooled).

A psycopg pool (DATABASE_POOL, PostgreSQL only) and persistent connections (CONN_MAX_AGE) exclude each other:
Django refuses the pair at the first query. Every settings module builds DATABASES here, so none can
set one after the other; `exams_service.db_checks` refuses a configuration that contradicts it anyway.
"""

import dj_database_url

from settings.env import env_bool, env_int


def use_mysql_driver() -> str:
    """mysqlclient (C, what Django recommends; the image installs it) when importable, else PyMySQL (pure Python,
    a wheel: no system headers on a developer's machine). Returns the driver's name."""
    try:
        import MySQLdb  # noqa: F401

        return "pymysql" if MySQLdb.__name__ == "pymysql" else "mysqlclient"
    except ImportError:
        import pymysql

        pymysql.install_as_MySQLdb()
        return "pymysql"


def database_from_url(url: str, *, default_conn_max_age: int = 0) -> dict:
    """Parse DATABASE_URL (MySQL/MariaDB: `use_mysql_driver`)."""
    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.mysql":
        use_mysql_driver()
        config.setdefault("OPTIONS", {}).update({"charset": "utf8mb4", "isolation_level": "read committed"})
    # ASGI runs sync code in short-lived threads, so persistent connections leak one per thread: under
    # `run_asgi` on PostgreSQL set DATABASE_POOL=true (psycopg pool per process, DATABASE_POOL_MAX_SIZE each).
    if env_bool("DATABASE_POOL", False) and config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
        _prepared_statements(config)
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, env_int("DATABASE_POOL_MAX_SIZE", 10)),
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10),
            "timeout": 10,
        }
        return config
    _prepared_statements(config)
    config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", default_conn_max_age)
    config["CONN_HEALTH_CHECKS"] = config["CONN_MAX_AGE"] != 0
    return config


def _prepared_statements(config: dict) -> None:
    """PostgreSQL: let `exams_service.prepared_sql` prepare the hot statements (Django's queries never are:
    they bind client-side). DATABASE_PREPARED_STATEMENTS=false for a pooler that cannot keep them."""
    if config["ENGINE"] == "django.db.backends.postgresql":
        enabled = env_bool("DATABASE_PREPARED_STATEMENTS", True)
        config.setdefault("OPTIONS", {})["prepare_threshold"] = 5 if enabled else None
