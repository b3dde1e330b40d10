"""The per-process active-exam cache: hits within the TTL, bounded staleness, disabled at 0."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from exams import exam_cache


@pytest.fixture(autouse=True)
def fresh_cache():
    exam_cache.clear()
    yield
    exam_cache.clear()


@pytest.mark.django_db
def test_cached_within_ttl_then_refreshed(settings, timed_exam):
    settings.EXAM_CACHE_SECONDS = 5
    with freeze_time("2026-01-01 10:00:00") as clock:
        assert exam_cache.active_exam_for_content(timed_exam.content_id).pk == timed_exam.pk
        timed_exam.is_active = False
        timed_exam.save()
        with CaptureQueriesContext(connection) as queries:
            assert exam_cache.active_exam_for_content(timed_exam.content_id).pk == timed_exam.pk
        assert len(queries) == 0
        clock.tick(6)
        assert exam_cache.active_exam_for_content(timed_exam.content_id) is None


@pytest.mark.django_db
def test_zero_ttl_always_reads(settings, timed_exam):
    settings.EXAM_CACHE_SECONDS = 0
    exam_cache.active_exam_for_content(timed_exam.content_id)
    with CaptureQueriesContext(connection) as queries:
        exam_cache.active_exam_for_content(timed_exam.content_id)
    assert len(queries) == 1
