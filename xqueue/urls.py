"""Routes under /xqueue/ (trailing slashes are part of the protocol)."""

from django.urls import path

from xqueue import views

app_name = "xqueue"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("status/", views.status_view, name="status"),
    path("get_queuelen/", views.get_queuelen_view, name="get_queuelen"),
    path("get_submission/", views.get_submission_view, name="get_submission"),
    path("put_result/", views.put_result_view, name="put_result"),
    path("submit/", views.submit_view, name="submit"),
    path("files/<str:token>/", views.file_view, name="file"),
]
