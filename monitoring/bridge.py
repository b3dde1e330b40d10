"""Attempt state machine → live streams: log the change with the attempt, fan it out after commit.

Receivers run inside the attempt's transaction. A status change and its log entry commit together (one
statement on PostgreSQL); dashboards hear of it only after the commit. Clock changes and resets are logged
and sent after commit.
"""

import logging
from functools import partial

from django.db import transaction
from django.dispatch import receiver

from exams.api import attempt_clock_changed, attempt_reset, attempt_status_changed, statuses
from monitoring import fanout, selectors, services
from monitoring.models import CLOCK, STATUS, ProctoringSession, SessionEvent

log = logging.getLogger(__name__)


@receiver(attempt_status_changed, dispatch_uid="monitoring.status")
def on_status_changed(sender, attempt, from_status, to_status, action, actor, requesting_user=None, **kwargs):
    data = {"from": from_status, "action": str(action), "actor": str(actor)}
    event = services.record_attempt_event(
        attempt=attempt,
        create_session=to_status in statuses.IN_PROGRESS,  # the session starts with the attempt
        type=STATUS,
        kind=to_status,
        data=data,
        actor_id=getattr(requesting_user, "pk", None),
    )
    if event is not None:
        transaction.on_commit(partial(status_committed, event, from_status, to_status, str(action)), robust=True)


@receiver(attempt_clock_changed, dispatch_uid="monitoring.clock")
def on_clock_changed(sender, attempt, paused, requesting_user=None, **kwargs):
    transaction.on_commit(
        partial(clock_committed, attempt.pk, paused, getattr(requesting_user, "pk", None)), robust=True
    )


@receiver(attempt_reset, dispatch_uid="monitoring.reset")
def on_reset(sender, attempt, requesting_user=None, **kwargs):
    transaction.on_commit(partial(reset_committed, attempt.pk), robust=True)


def status_committed(event: SessionEvent, from_status, to_status, action) -> None:
    fanout.to_exam_sync(event.exam_id, selectors.envelope(event))
    if from_status in statuses.IN_PROGRESS and to_status not in statuses.IN_PROGRESS:
        if action == "proctor_terminate":
            fanout.to_session_sync(event.session_id, "session.command", action="terminate", data={}, seq=event.seq)
        fanout.to_session_sync(event.session_id, "session.ended", status=to_status, reason=action)


def clock_committed(attempt_id, paused, user_id) -> None:
    session = ProctoringSession.objects.filter(attempt_id=attempt_id).first()
    if session is None:
        return
    kind = "paused" if paused else "resumed"
    last = SessionEvent.objects.filter(session=session, type=CLOCK).order_by("-seq").values_list("kind", flat=True)
    previous = last.first() or "resumed"
    if previous == kind:  # same pause state: extra time was added
        kind = "extended"
    event, _ = services.record_event(
        session_id=session.pk, exam_id=session.exam_id, type=CLOCK, kind=kind, data={}, actor_id=user_id
    )
    fanout.to_exam_sync(session.exam_id, selectors.envelope(event))
    if kind == "extended":
        return
    action = "pause" if paused else "resume"
    fanout.to_session_sync(session.pk, "session.command", action=action, data={}, seq=event.seq)


def reset_committed(attempt_id) -> None:
    session = ProctoringSession.objects.filter(attempt_id=attempt_id).first()
    if session is not None:
        fanout.to_session_sync(session.pk, "session.ended", status="reset", reason="reset")
