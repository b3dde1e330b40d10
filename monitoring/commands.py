"""Proctor commands: which ones an attempt's state allows, and which command caused a learner frame.

Legality is read off the exams state machine (through `exams.api`), never a table of its own: terminate is
offered when the machine lets staff `proctor_terminate` the attempt, pause/resume when its clock may change,
warn while the learner's socket can be open (the attempt is running).
"""

import contextlib
import contextvars

from exams.api import Action, Actor, allowed_actions, clock_can_change, statuses

WARN, PAUSE, RESUME, TERMINATE = "warn", "pause", "resume", "terminate"
COMMANDS = (WARN, PAUSE, RESUME, TERMINATE)
# The attempt's history keeps "staff:proctor_terminate <reason>" in 100 characters.
TERMINATE_REASON_MAX = 70
MESSAGE_MAX = 500

_current_command_seq: contextvars.ContextVar[int | None] = contextvars.ContextVar("proctor_command", default=None)


def legal_commands(*, status: str, paused: bool, exam_type: str) -> list[str]:
    """The commands a proctor may send to an attempt in `status` (in the order the dashboard shows them)."""
    offered = []
    if status in statuses.IN_PROGRESS:
        offered.append(WARN)
    if clock_can_change(status):
        offered.append(RESUME if paused else PAUSE)
    if Action.PROCTOR_TERMINATE in allowed_actions(status, Actor.STAFF, exam_type):
        offered.append(TERMINATE)
    return offered


@contextlib.contextmanager
def caused_by(command_seq: int):
    """Within this block, attempt changes are the effect of the proctor command logged at `command_seq`
    (the bridge tells the learner's client that seq, so its acknowledgement names the command)."""
    token = _current_command_seq.set(command_seq)
    try:
        yield
    finally:
        _current_command_seq.reset(token)


def current_command_seq() -> int | None:
    return _current_command_seq.get()
