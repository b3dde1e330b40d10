"""Reads of the monitoring app: session lookups, the event log as envelopes, dashboard snapshots."""

from django.conf import settings
from django.db.models import Max

from exams.api import Exam, statuses
from monitoring.models import ANOMALY, ExamStream, ProctoringSession, SessionEvent

PROTOCOL_VERSION = 1


def envelope(event: SessionEvent) -> dict:
    """The wire shape of a logged event: `{"v", "type", "sid", "seq", "ts", "data"}`."""
    data = dict(event.data or {})
    data["kind"] = event.kind
    if event.severity is not None:
        data["severity"] = event.severity
    if event.client_seq is not None:
        data["client_seq"] = event.client_seq
    return {
        "v": PROTOCOL_VERSION,
        "type": event.type,
        "sid": str(event.session_id),
        "seq": event.seq,
        "ts": int(event.created.timestamp() * 1000),
        "data": data,
    }


def session_state(session_id) -> dict | None:
    """What the learner socket needs to authorize: owner, exam, attempt status (None if unknown)."""
    row = (
        ProctoringSession.objects.filter(pk=session_id)
        .values("user_id", "exam_id", "presence", "attempt__status", "attempt__reset_at", "attempt__paused_at")
        .first()
    )
    if row is None:
        return None
    running = row["attempt__status"] in statuses.IN_PROGRESS and row["attempt__reset_at"] is None
    return {**row, "running": running}


def resume_point(session_id) -> dict:
    agg = SessionEvent.objects.filter(session_id=session_id).aggregate(
        client_seq=Max("client_seq"), server_seq=Max("seq")
    )
    return {"client_seq": agg["client_seq"] or 0, "server_seq": agg["server_seq"] or 0}


def exam_course_id(exam_id: int) -> str | None:
    return Exam.objects.filter(pk=exam_id).values_list("course_id", flat=True).first()


def last_seq(exam_id: int) -> int:
    return ExamStream.objects.filter(exam_id=exam_id).values_list("last_seq", flat=True).first() or 0


def events_after(exam_id: int, after: int, limit: int, session_id=None, upto: int | None = None) -> list[dict]:
    events = SessionEvent.objects.filter(exam_id=exam_id, seq__gt=after).order_by("seq")
    if upto is not None:
        events = events.filter(seq__lte=upto)
    if session_id is not None:
        events = events.filter(session_id=session_id)
    return [envelope(event) for event in events[:limit]]


def snapshot(exam_id: int) -> dict:
    """Every current session of the exam: presence, attempt status, the last anomalies; plus the stream's seq."""
    seq = last_seq(exam_id)  # read first: anything newer arrives live and is deduplicated by seq
    sessions = (
        ProctoringSession.objects.filter(exam_id=exam_id, attempt__reset_at__isnull=True)
        .select_related("attempt", "user")
        .order_by("created")
    )
    rows = {}
    for session in sessions:
        rows[str(session.pk)] = {
            "sid": str(session.pk),
            "username": session.user.username,
            "full_name": session.user.get_full_name(),
            "attempt_status": session.attempt.status,
            "paused": session.attempt.paused_at is not None,
            "presence": session.presence,
            "flagged": session.flagged,
            "anomalies": [],
        }
    per_session = settings.MONITORING_SNAPSHOT_ANOMALIES
    recent = SessionEvent.objects.filter(exam_id=exam_id, type=ANOMALY, seq__lte=seq).order_by("-seq")
    for event in recent[: min(max(per_session * len(rows), per_session), 10_000)]:
        row = rows.get(str(event.session_id))
        if row is not None and len(row["anomalies"]) < per_session:
            row["anomalies"].append(envelope(event))
    return {
        "v": PROTOCOL_VERSION,
        "type": "snapshot",
        "seq": seq,
        "data": {"exam_id": exam_id, "sessions": list(rows.values())},
    }
