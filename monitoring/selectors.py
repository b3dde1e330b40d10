"""Reads of the monitoring app: session lookups, the event log as envelopes, dashboard snapshots."""

from django.db.models import Max

from exams.api import Exam, statuses
from monitoring.models import ExamStream, ProctoringSession, SessionEvent

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
    """Every current session of the exam (rows of `board.session_rows`), plus the stream's seq."""
    from monitoring import board, risk

    seq = last_seq(exam_id)  # read first: anything newer arrives live and is deduplicated by seq
    data = {
        "exam_id": exam_id,
        "server_time": board.server_time_ms(),
        "risk_half_life_s": risk.half_life(),
        "status_groups": board.status_groups(),
        "sessions": board.session_rows(exam_id, seq),
    }
    return {"v": PROTOCOL_VERSION, "type": "snapshot", "seq": seq, "data": data}
