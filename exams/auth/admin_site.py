"""The Django admin for local staff accounts only (an LMS identity's session never opens it); throttled logins."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpResponse

from exams_service.security import login_throttle


class LocalAccountsAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "is_local_account", False))

    def login(self, request, extra_context=None):
        if request.method == "POST":
            refused = login_throttle.refusal(request, request.POST.get("username", ""))
            if refused:  # before the form authenticates: no password hash is computed
                response = HttpResponse(refused.message, status=429, content_type="text/plain; charset=utf-8")
                response["Retry-After"] = str(refused.retry_after)
                return response
        return super().login(request, extra_context)


class LocalAccountsAdminConfig(AdminConfig):
    default_site = "exams.auth.admin_site.LocalAccountsAdminSite"
