"""Operators see the outbox backlog in the admin and replay from there."""

import pytest
from django.test import Client
from django.urls import reverse

from events.models import OutboxEvent
from tests.events.conftest import proctored_attempt_started, submit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client_(site_admin):
    client = Client()
    client.force_login(site_admin)
    return client


def test_backlog_is_listed_and_filterable(admin_client_, learner, proctored_exam):
    submit(proctored_attempt_started(learner, proctored_exam), learner)
    OutboxEvent.objects.update(status="pending", last_error="ConnectionError: Redis down")
    url = reverse("admin:events_outboxevent_changelist")

    page = admin_client_.get(url, {"status__exact": "pending"})

    assert page.status_code == 200
    assert str(OutboxEvent.objects.get().id) in page.content.decode()
    assert "Replay selected events now" in page.content.decode()
    assert str(OutboxEvent.objects.get().id) not in admin_client_.get(url, {"status__exact": "sent"}).content.decode()


def test_replay_action_through_the_admin_publishes_again(admin_client_, captured, learner, proctored_exam):
    submit(proctored_attempt_started(learner, proctored_exam), learner)
    row = OutboxEvent.objects.get()

    response = admin_client_.post(
        reverse("admin:events_outboxevent_changelist"),
        {"action": "replay", "_selected_action": [str(row.id)]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 event(s) queued for publishing." in response.content.decode()
    assert captured.types == ["submitted", "submitted"]
    assert captured.events[0][2].id == captured.events[1][2].id == row.id
