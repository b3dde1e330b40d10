"""Limit/offset pagination with a ceiling: `?limit=` never asks for more than API_MAX_PAGE_LIMIT rows."""

from django.conf import settings
from rest_framework.pagination import LimitOffsetPagination


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    @property
    def max_limit(self) -> int:
        return settings.API_MAX_PAGE_LIMIT
