"""Top-level URL routing."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from exams.rest.views.platform import CsrfTokenView, HealthView
from exams_service import pages

# API v1 first: the MFE's polls are most of the traffic, and no pattern above it could match an `api/v1/` path.
urlpatterns = [
    path("api/v1/", include("exams.rest.urls")),
    path("", pages.home, name="home"),
    path("dev/login/<str:username>", pages.dev_login, name="dev-login"),  # 404 unless DEV_TOOLS_ENABLED
    path("admin/", admin.site.urls),
    path("health/", HealthView.as_view(), name="health"),
    path("csrf/api/v1/token", CsrfTokenView.as_view(), name="csrf-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api-docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api-docs/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs-redoc"),
    path("legacy_router/", include("legacy_router.urls")),
    path("xqueue/", include("xqueue.urls")),
    path("", include("monitoring.urls")),  # live proctoring sessions (monitoring app)
]

# Unknown URLs answer JSON `{"detail": "Not found."}` instead of Django's HTML page.
handler404 = "exams.rest.errors.not_found"
# Refusals Django makes before a view runs (oversized, malformed bodies) answer JSON, not an HTML page.
handler400 = "exams.rest.errors.bad_request"

# --- lti: LTI 1.3 proctoring platform (docs/lti.md) ---
urlpatterns.append(path("lti/", include("lti.urls")))

# --- acs: Assessment Control Service, POST /lti/<lti_config_id>/acs (docs/acs.md) ---
urlpatterns.append(path("lti/", include("acs.urls")))
