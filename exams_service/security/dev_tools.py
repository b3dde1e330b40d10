"""Development-only tools (demo data, dev JWTs, the demo LTI tool's routes) exist only where DEV_TOOLS_ENABLED."""

from functools import wraps

from django.conf import settings
from django.http import Http404

DISABLED = "Development tools are disabled (DEV_TOOLS_ENABLED is off)."


def dev_tools_enabled() -> bool:
    return bool(getattr(settings, "DEV_TOOLS_ENABLED", False))


def dev_only(view):
    """A development-only route: 404 unless DEV_TOOLS_ENABLED, whatever URLconf includes it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not dev_tools_enabled():
            raise Http404(DISABLED)
        return view(request, *args, **kwargs)

    return wrapper
