"""Deploy checks (Django system checks, tag `exams_deploy`): production refuses configuration known to be unsafe.

`manage.py check --deploy` reports them; with REFUSE_UNSAFE_CONFIGURATION (settings.production) the WSGI/ASGI
entry points and `run_asgi` refuse to start on any of them. Each check has one id (docs/security.md):

- exams.E001 a known (development/test) secret, or a secret shorter than 32 bytes (JWT issuers, SECRET_KEY)
- exams.E002 HS256 enabled for an issuer with no secret
- exams.E003 the development exam-access-token key (settings.local's generated key), or a weak one
- exams.E004 DEBUG
- exams.E005 ALLOWED_HOSTS empty or `*`
- exams.E006 cookies without Secure / HttpOnly
- exams.E007 several WebSocket workers, or a channel layer shared across hosts, without a shared ticket store
- exams.E008 development tools enabled
- exams.E009 the service-secret hasher first in PASSWORD_HASHERS (human passwords would get a fast hash)
"""

import json
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from exams_service.security import service_secrets

TAG = "exams_deploy"
MIN_SECRET_BYTES = 32
KNOWN_SECRETS = frozenset(
    {
        "lms-secret-for-local-development-only-32b",  # settings.base's development default
        "test-secret-key-that-is-long-enough-for-hs256",  # settings.test
        "insecure-dev-only-secret-key-change-me",  # settings.base's Django SECRET_KEY default
    }
)
PROCESS_LOCAL_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    }
)


def register(function):
    return checks.register(checks.Tags.security, TAG, deploy=True)(function)


def _secret_problem(secret: str) -> str | None:
    if secret in KNOWN_SECRETS:
        return "is a published development/test value"
    if len(secret.encode()) < MIN_SECRET_BYTES:
        return f"is shorter than {MIN_SECRET_BYTES} bytes"
    return None


@register
def check_secrets(app_configs=None, **kwargs):
    errors = []
    problem = _secret_problem(settings.SECRET_KEY)
    if problem:
        errors.append(checks.Error(f"DJANGO_SECRET_KEY {problem}.", hint="Set a random value.", id="exams.E001"))
    problem = settings.SERVICE_SECRET_HASH_KEY and _secret_problem(settings.SERVICE_SECRET_HASH_KEY)
    if problem:
        errors.append(checks.Error(f"SERVICE_SECRET_HASH_KEY {problem}.", hint="Set a random value.", id="exams.E001"))
    for issuer in settings.JWT_AUTH["JWT_ISSUERS"]:
        secret = issuer.get("SECRET_KEY") or ""
        problem = secret and _secret_problem(secret)
        if problem:
            errors.append(
                checks.Error(
                    f"The JWT secret of issuer {issuer.get('ISSUER')!r} {problem}.",
                    hint="Set JWT_SECRET_KEY (or JWT_ISSUERS) to the LMS's real secret, 32 bytes or more.",
                    id="exams.E001",
                )
            )
    return errors


@register
def check_hs256_has_a_secret(app_configs=None, **kwargs):
    if "HS256" not in settings.JWT_AUTH["JWT_ALGORITHMS"]:
        return []
    return [
        checks.Error(
            f"HS256 is enabled but issuer {issuer.get('ISSUER')!r} has no secret.",
            hint="Set JWT_SECRET_KEY, or JWT_ALGORITHMS=RS256,RS512 for an RS-only deployment.",
            id="exams.E002",
        )
        for issuer in settings.JWT_AUTH["JWT_ISSUERS"]
        if not issuer.get("SECRET_KEY")
    ]


def _modulus(jwk_json: str) -> str | None:
    try:
        return json.loads(jwk_json).get("n")
    except (ValueError, AttributeError):
        return None


@register
def check_exam_access_token_key(app_configs=None, **kwargs):
    private_jwk = settings.EXAM_ACCESS_TOKENS.get("PRIVATE_JWK") or ""
    modulus = _modulus(private_jwk)
    dev_path = Path(getattr(settings, "EXAM_ACCESS_TOKEN_DEV_KEY_PATH", "") or "/nonexistent")
    dev_modulus = _modulus(dev_path.read_text()) if dev_path.is_file() else None
    if modulus is None:
        message = "EXAM_ACCESS_TOKEN_PRIVATE_JWK is missing or not an RSA JWK."
    elif modulus == dev_modulus:
        message = f"EXAM_ACCESS_TOKEN_PRIVATE_JWK is the development key generated in {dev_path}."
    elif len(modulus) < 342:  # base64url of a 2048-bit modulus
        message = "EXAM_ACCESS_TOKEN_PRIVATE_JWK is shorter than 2048 bits."
    else:
        return []
    return [checks.Error(message, hint="Generate a production RSA key (docs/security.md).", id="exams.E003")]


@register
def check_debug(app_configs=None, **kwargs):
    return [checks.Error("DEBUG is on.", hint="Unset DJANGO_DEBUG.", id="exams.E004")] if settings.DEBUG else []


@register
def check_allowed_hosts(app_configs=None, **kwargs):
    hosts = list(settings.ALLOWED_HOSTS)
    if hosts and "*" not in hosts:
        return []
    return [checks.Error("ALLOWED_HOSTS is empty or '*'.", hint="Set DJANGO_ALLOWED_HOSTS.", id="exams.E005")]


@register
def check_cookies(app_configs=None, **kwargs):
    insecure = [
        name
        for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY")
        if not getattr(settings, name, False)
    ]
    if not insecure:
        return []
    return [checks.Error(f"Insecure cookies: {', '.join(insecure)} off.", hint="Serve over HTTPS.", id="exams.E006")]


def ticket_store_is_shared() -> bool:
    """Single-use WebSocket tickets are burned in the default cache: shared only if it is not per process."""
    return settings.CACHES["default"]["BACKEND"] not in PROCESS_LOCAL_CACHES


def channel_layer_spans_processes() -> bool:
    """A channel layer other than the in-memory one lets other processes and hosts serve the same exams."""
    return not settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer")


def ticket_store_error(workers: int) -> checks.Error | None:
    if ticket_store_is_shared() or (workers <= 1 and not channel_layer_spans_processes()):
        return None
    where = f"{workers} WebSocket workers" if workers > 1 else "A channel layer shared across hosts"
    return checks.Error(
        f"{where} but the ticket store (the default cache) is per process: a ticket could be used once per "
        "process or host.",
        hint="Set REDIS_URL (shared cache), or run one ASGI worker on one host with the in-memory channel layer.",
        id="exams.E007",
    )


@register
def check_ticket_store(app_configs=None, **kwargs):
    error = ticket_store_error(settings.ASGI_WORKERS)
    return [error] if error else []


@register
def check_dev_tools(app_configs=None, **kwargs):
    if not getattr(settings, "DEV_TOOLS_ENABLED", False):
        return []
    return [checks.Error("DEV_TOOLS_ENABLED is on.", hint="Use settings.production.", id="exams.E008")]


@register
def check_password_hashers(app_configs=None, **kwargs):
    if not settings.PASSWORD_HASHERS or settings.PASSWORD_HASHERS[0] != service_secrets.HASHER:
        return []
    return [
        checks.Error(
            "The service-secret hasher is first in PASSWORD_HASHERS: human passwords would get an unstretched hash.",
            hint="Keep Django's default hasher first; the service-secret hasher is for generated secrets only.",
            id="exams.E009",
        )
    ]


def refuse_unsafe_configuration() -> None:
    """Raise ImproperlyConfigured listing every deploy error, when REFUSE_UNSAFE_CONFIGURATION is set."""
    if not getattr(settings, "REFUSE_UNSAFE_CONFIGURATION", False):
        return
    errors = [m for m in checks.run_checks(include_deployment_checks=True, tags=[TAG]) if m.is_serious()]
    if errors:
        listed = "\n".join(f"  {error.id}: {error.msg} ({error.hint})" for error in errors)
        raise ImproperlyConfigured(f"Refusing to start with unsafe configuration:\n{listed}")
