"""The dashboard's read model: one row per session with everything a proctor sorts and filters by.

Business rules live here and in `commands`/`risk`, not in the page: time remaining (the attempt clock),
the commands legal now, the risk score, the state of each session's last command.
"""

import time
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from exams.api import Exam, statuses, time_remaining_seconds
from monitoring import commands, risk
from monitoring.models import ANOMALY, COMMAND, RECEIPT, ProctoringSession, SessionEvent

RECEIPT_RANK = {"sent": 0, "delivered": 1, "acknowledged": 2, "failed": 3}
COUNT_LABELS = [
    ("online", "Online"),
    ("stale", "Stale"),
    ("offline", "Offline"),
    ("flagged", "Flagged"),
    ("paused", "Paused"),
    ("submitted", "Submitted"),
    ("error", "Ended with error"),
]
FINISHED = sorted(statuses.COMPLETED - {statuses.ERROR})  # counted as "submitted" on the dashboard


def status_groups() -> dict:
    return {"running": sorted(statuses.IN_PROGRESS), "submitted": FINISHED, "error": [statuses.ERROR]}


def session_rows(exam_id: int, upto_seq: int, session_id=None) -> list[dict]:
    """Rows of the exam's current sessions (or of one), consistent with the log up to `upto_seq`."""
    now = timezone.now()
    exam_type = Exam.objects.filter(pk=exam_id).values_list("exam_type", flat=True).first() or ""
    sessions = ProctoringSession.objects.filter(exam_id=exam_id, attempt__reset_at__isnull=True)
    if session_id is not None:
        sessions = sessions.filter(pk=session_id)
    rows = {}
    for session in sessions.select_related("attempt", "user").order_by("created"):
        attempt = session.attempt
        rows[str(session.pk)] = {
            "sid": str(session.pk),
            "username": session.user.username,
            "full_name": session.user.get_full_name(),
            "attempt_status": attempt.status,
            "paused": attempt.is_paused,
            "remaining_s": round(time_remaining_seconds(attempt, now)),
            "commands": commands.legal_commands(status=attempt.status, paused=attempt.is_paused, exam_type=exam_type),
            "presence": session.presence,
            "presence_since": _ms(session.presence_changed),
            "flagged": session.flagged,
            "risk": 0.0,
            "anomalies": [],
            "last_command": None,
        }
    events = SessionEvent.objects.filter(exam_id=exam_id, seq__lte=upto_seq)
    if session_id is not None:
        events = events.filter(session_id=session_id)
    _add_anomalies(rows, events, now)
    _add_last_commands(rows, events)
    return list(rows.values())


def _add_anomalies(rows: dict, events, now: datetime) -> None:
    from monitoring.selectors import envelope

    per_session = settings.MONITORING_SNAPSHOT_ANOMALIES
    anomalies = events.filter(type=ANOMALY)
    for event in anomalies.order_by("-seq")[: min(max(per_session * len(rows), per_session), 10_000)]:
        row = rows.get(str(event.session_id))
        if row is not None and len(row["anomalies"]) < per_session:
            row["anomalies"].append(envelope(event))
    since = now.timestamp() - risk.window_seconds()
    recent = anomalies.filter(created__gte=datetime.fromtimestamp(since, tz=UTC))
    weighted: dict[str, list] = {}
    for sid, severity, created in recent.values_list("session_id", "severity", "created"):
        weighted.setdefault(str(sid), []).append((severity or 0.0, created.timestamp()))
    for sid, items in weighted.items():
        if sid in rows:
            rows[sid]["risk"] = risk.score(items, now.timestamp())


def _add_last_commands(rows: dict, events) -> None:
    latest = events.filter(type=COMMAND).values("session_id").annotate(seq=Max("seq"))
    last_seqs = [item["seq"] for item in latest]
    if not last_seqs:
        return
    by_seq = {}
    for event in events.filter(type=COMMAND, seq__in=last_seqs):
        state = {"seq": event.seq, "action": event.kind, "state": "sent", "ts": _ms(event.created)}
        by_seq[event.seq] = state
        if str(event.session_id) in rows:
            rows[str(event.session_id)]["last_command"] = state
    for kind, data in events.filter(type=RECEIPT, seq__gt=min(last_seqs)).values_list("kind", "data"):
        state = by_seq.get((data or {}).get("command_seq"))
        if state is not None and RECEIPT_RANK.get(kind, 0) > RECEIPT_RANK[state["state"]]:
            state["state"] = kind
            if data.get("detail"):
                state["detail"] = data["detail"]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def server_time_ms() -> int:
    return int(time.time() * 1000)
