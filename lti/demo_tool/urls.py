"""The demo tool's routes: development only (404 unless DEV_TOOLS_ENABLED)."""

from django.urls import path

from exams_service.security.dev_tools import dev_only
from lti.demo_tool import views

urlpatterns = [
    path("", dev_only(views.home), name="demo_tool_home"),
    path("begin", dev_only(views.begin), name="demo_tool_begin"),
    path("reset", dev_only(views.reset), name="demo_tool_reset"),
    path("start_exam", dev_only(views.start_exam), name="demo_tool_start_exam"),
    path("jwks", dev_only(views.jwks), name="demo_tool_jwks"),
    path("login", dev_only(views.oidc_login), name="demo_tool_login"),
    path("launch", dev_only(views.launch), name="demo_tool_launch"),
]
