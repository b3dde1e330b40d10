from django.urls import path

from lti.demo_tool import views

urlpatterns = [
    path("", views.home, name="demo_tool_home"),
    path("begin", views.begin, name="demo_tool_begin"),
    path("reset", views.reset, name="demo_tool_reset"),
    path("start_exam", views.start_exam, name="demo_tool_start_exam"),
    path("jwks", views.jwks, name="demo_tool_jwks"),
    path("login", views.oidc_login, name="demo_tool_login"),
    path("launch", views.launch, name="demo_tool_launch"),
]
