"""Embedded defaults for `make run`: SQLite, local-memory cache, eager Celery, console email.

With no broker, `manage.py run_periodic_tasks` (started by `make run`) runs the beat schedule in-process.
"""

from settings.base import *  # noqa: F401,F403
from settings.env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = ["*"]
CORS_ALLOWED_ORIGINS = ["http://localhost:2000", "http://localhost:1996", "http://localhost:2001"]
CSRF_TRUSTED_ORIGINS = CORS_ALLOWED_ORIGINS
DEV_TOOLS_ENABLED = True  # `manage.py mint_dev_jwt`, demo data helpers
# everything runs on this machine: loopback peers are fine here (never in production)
OUTGOING_URLS_ALLOW_PRIVATE_ADDRESSES = env_bool("OUTGOING_URLS_ALLOW_PRIVATE_ADDRESSES", True)

from settings.base import BASE_DIR, EXAM_ACCESS_TOKEN_DEV_KEY_PATH, EXAM_ACCESS_TOKENS  # noqa: E402
from settings.keys import load_or_create_private_jwk  # noqa: E402

if not EXAM_ACCESS_TOKENS["PRIVATE_JWK"]:
    EXAM_ACCESS_TOKENS["PRIVATE_JWK"] = load_or_create_private_jwk(EXAM_ACCESS_TOKEN_DEV_KEY_PATH)

# --- lti: the demo proctoring tool (docs/lti.md), local use only ----------------------------------
INSTALLED_APPS += ["lti.demo_tool"]  # noqa: F405
ROOT_URLCONF = "lti.demo_tool.local_urls"  # the service's URLs + /lti/demo_tool/
LTI_DEMO_TOOL_KEY_PATH = BASE_DIR / ".local" / "lti_demo_tool_key.pem"
# Without a learning MFE running, the tool's "back to your exam" goes to the demo tool's page, not localhost:2000.
LTI_EXAM_RETURN_URL = f"{LTI_API_BASE}/lti/demo_tool/"  # noqa: F405

# --- monitoring: `make run` serves HTTP and WebSocket from one process (daphne's runserver) -----
INSTALLED_APPS = ["daphne", *INSTALLED_APPS]  # noqa: F405
LOGGING["loggers"]["daphne"] = {"level": "WARNING"}  # noqa: F405 - its start-up notes; runserver prints the URL
LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}  # noqa: F405 - eager tasks: one log line per request
