"""The Django admin for local staff accounts only: an LMS identity's session never opens it."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class LocalAccountsAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "is_local_account", False))


class LocalAccountsAdminConfig(AdminConfig):
    default_site = "exams.auth.admin_site.LocalAccountsAdminSite"
