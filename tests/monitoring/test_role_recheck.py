"""Dashboard commands re-check the proctor's course staff role (cached for seconds, not the socket's life)."""

import pytest

from exams.models import CourseStaffRole, ExamAttempt
from tests.monitoring.conftest import connect_dashboard, dashboard_ticket, receive_until, run, send

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_revoked_proctor_can_no_longer_command(clients, course_staff, session, attempt, settings):
    settings.MONITORING_ROLE_RECHECK_SECONDS = 0.2
    ticket = dashboard_ticket(clients, course_staff, session.exam_id)

    async def scenario():
        import asyncio

        from channels.db import database_sync_to_async

        dashboard, _ = await connect_dashboard(session.exam_id, ticket)
        await database_sync_to_async(CourseStaffRole.objects.filter(user=course_staff).delete)()
        await asyncio.sleep(0.3)  # past the re-check cache
        await send(dashboard, "command", session_id=str(session.pk), action="pause")
        refused = await receive_until(dashboard, "command_result")
        await dashboard.disconnect()
        return refused

    refused = run(scenario)
    assert refused["data"]["ok"] is False and "course staff" in refused["data"]["detail"]
    assert ExamAttempt.objects.get(pk=attempt.pk).paused_at is None
