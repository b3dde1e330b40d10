"""Admin (badges, actions) and management commands for operators."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from tests.xqueue.conftest import GOOD_RESULT, PASSWORD, QUEUE, lms_header, pull, put_result, submit
from xqueue import selectors
from xqueue.constants import FAILURE_REPLY, GRADER_GROUP
from xqueue.models import DeliveryState, Queue, Submission, SubmissionState

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="admin", password=PASSWORD, email="a@example.com")
    client.force_login(user)
    return client


def _action(admin_client, action: str, ids: list[int]):
    return admin_client.post(
        "/admin/xqueue/submission/", {"action": action, "_selected_action": [str(i) for i in ids]}, follow=True
    )


def test_submission_changelist_shows_state_badges(admin_client, grader, lms, queue):
    submit(lms)
    submit(lms)
    pull(grader)
    page = admin_client.get("/admin/xqueue/submission/").content.decode()
    assert "in flight" in page and "waiting" in page


def test_queue_changelist_shows_metrics(admin_client, grader, lms, queue):
    for _ in range(3):
        submit(lms)
    pull(grader)
    response = admin_client.get("/admin/xqueue/queue/")
    assert response.status_code == 200
    assert QUEUE in response.content.decode()


def test_admin_actions_requeue_fail_and_retry_delivery(
    admin_client, grader, lms, queue, httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/cb", method="POST").respond_with_data("", status=500)
    submit(lms, lms_header(callback_url=httpserver.url_for("/cb")))
    first = json.loads(pull(grader)["xqueue_header"])
    submission = Submission.objects.get()

    _action(admin_client, "requeue", [submission.id])
    submission.refresh_from_db()
    assert (submission.state, submission.attempts, submission.pull_key) == (SubmissionState.PENDING, 0, "")
    assert put_result(grader, json.dumps(first), GOOD_RESULT)["content"] == "Incorrect key for submission"

    with django_capture_on_commit_callbacks(execute=True):
        _action(admin_client, "fail", [submission.id])
    submission.refresh_from_db()
    assert submission.state == SubmissionState.FAILED
    assert submission.grader_reply == FAILURE_REPLY
    assert submission.delivery_error == "LMS answered HTTP 500"  # LMS down: visible in the admin
    assert "retrying" in admin_client.get("/admin/xqueue/submission/").content.decode()

    httpserver.clear()
    httpserver.expect_request("/cb", method="POST").respond_with_data("")
    with django_capture_on_commit_callbacks(execute=True):
        _action(admin_client, "retry_delivery", [submission.id])
    submission.refresh_from_db()
    assert submission.delivery_state == DeliveryState.DELIVERED
    assert len(httpserver.log) == 1


def test_create_account_command_puts_the_user_in_the_group(django_user_model):
    out = StringIO()
    call_command("xqueue_create_account", "grader", "watcher-1", "--password", PASSWORD, stdout=out)
    assert "Created grader account" in out.getvalue()
    user = django_user_model.objects.get(username="watcher-1")
    assert user.check_password(PASSWORD)
    assert user.groups.filter(pk=Group.objects.get(name=GRADER_GROUP).pk).exists()


def test_ensure_queue_and_queue_length_commands(grader, lms):
    call_command("xqueue_ensure_queue", QUEUE, "--visibility-timeout", "30", "--max-attempts", "2", stdout=StringIO())
    queue = Queue.objects.get(name=QUEUE)
    assert (queue.visibility_timeout, queue.max_attempts) == (30, 2)
    submit(lms)
    submit(lms)
    pull(grader)
    out = StringIO()
    call_command("xqueue_queue_length", "--json", stdout=out)
    metric = json.loads(out.getvalue())
    assert (metric["name"], metric["length"], metric["in_flight"]) == (QUEUE, 1, 1)
    assert metric["oldest_age_seconds"] >= 0


def test_retire_and_delete_old_submissions(grader, lms, queue, django_capture_on_commit_callbacks):
    submit(lms)
    submit(lms)
    old, recent = Submission.objects.order_by("id")
    Submission.objects.filter(pk=old.pk).update(arrival_time=timezone.now() - timedelta(days=10))
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("xqueue_retire_old", "--older-than-hours", "24", stdout=StringIO())
    assert len(callbacks) == 1  # the learner is told
    assert Submission.objects.get(pk=old.pk).state == SubmissionState.FAILED
    assert Submission.objects.get(pk=recent.pk).state == SubmissionState.PENDING
    Submission.objects.filter(pk=old.pk).update(delivery_state=DeliveryState.DELIVERED)
    call_command("xqueue_delete_old", "--days", "7", stdout=StringIO())
    assert list(Submission.objects.values_list("id", flat=True)) == [recent.id]


def test_metrics_selector_counts_waiting_and_in_flight(grader, lms, queue):
    assert selectors.queue_metrics()[0].oldest_age_seconds is None
    submit(lms)
    pull(grader)
    metric = selectors.queue_metrics()[0]
    assert (metric.length, metric.in_flight) == (0, 1)
