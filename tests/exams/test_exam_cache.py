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


def fields_of(exam) -> dict:
    return {field.attname: getattr(exam, field.attname) for field in type(exam)._meta.concrete_fields}


@pytest.mark.django_db
def test_a_reload_builds_the_row_the_orm_builds_with_its_provider_loaded(settings, proctored_exam):
    settings.EXAM_CACHE_SECONDS = 5
    by_content = exam_cache.active_exam_for_content(proctored_exam.content_id)
    by_id = exam_cache.exam_by_id(proctored_exam.pk)
    expected = fields_of(type(proctored_exam).objects.get(pk=proctored_exam.pk))
    assert fields_of(by_content) == expected and fields_of(by_id) == expected
    with CaptureQueriesContext(connection) as queries:
        assert by_content.provider.name == proctored_exam.provider.name  # loaded, as select_related left it
        assert by_id.provider.pk == proctored_exam.provider_id
    assert len(queries) == 0


@pytest.mark.django_db
def test_an_exam_without_a_provider_reads_none_without_a_query(settings, timed_exam):
    settings.EXAM_CACHE_SECONDS = 5
    exam = exam_cache.exam_by_id(timed_exam.pk)
    with CaptureQueriesContext(connection) as queries:
        assert exam.provider is None
    assert len(queries) == 0


@pytest.mark.django_db
def test_only_the_active_exam_of_the_keys_own_course_is_found(settings, timed_exam):
    settings.EXAM_CACHE_SECONDS = 0
    other_course = "course-v1:OtherX+Other+2026"
    type(timed_exam).objects.create(
        course_id=other_course,
        content_id=timed_exam.content_id,  # the same usage key string stored under another course: never found
        exam_name="Elsewhere",
        exam_type="timed",
        time_limit_mins=30,
        is_active=True,
    )
    assert exam_cache.active_exam_for_content(timed_exam.content_id).pk == timed_exam.pk
    timed_exam.is_active = False
    timed_exam.save()
    assert exam_cache.active_exam_for_content(timed_exam.content_id) is None
    assert exam_cache.exam_by_id(timed_exam.pk).pk == timed_exam.pk  # by id, active or not
