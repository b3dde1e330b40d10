"""The attempt state machine: one table of (status, action, actor) → next status.

`exams.services.attempts.apply_action` is the only code that applies it. An exam "kind" restricts a
row to timed exams or to proctored-ish ones (proctored, practice, onboarding).
"""

from dataclasses import dataclass
from enum import StrEnum

from exams import statuses as s


class Actor(StrEnum):
    LEARNER = "learner"  # the attempt's owner
    STAFF = "staff"  # global staff or course staff of the exam's course
    TOOL = "tool"  # the proctoring tool (LTI start assessment, ACS), or a live proctor
    SYSTEM = "system"  # timers


class Action(StrEnum):
    # learner (REST PUT actions, exact strings the MFE sends)
    START = "start"
    STOP = "stop"
    SUBMIT = "submit"
    CLICK_DOWNLOAD_SOFTWARE = "click_download_software"
    ERROR = "error"
    # learner, through the LTI routes
    LAUNCH_PROCTORING = "launch_proctoring"
    END_ASSESSMENT = "end_assessment"
    # staff (REST PUT actions)
    VERIFY = "verify"
    REJECT = "reject"
    # proctoring tool
    ASSESSMENT_STARTED = "assessment_started"
    REVIEW_PASSED = "review_passed"
    REVIEW_NEEDS_SECOND_LOOK = "review_needs_second_look"
    REVIEW_ERRORED = "review_errored"
    # a live proctor (course staff on the monitoring dashboard)
    PROCTOR_TERMINATE = "proctor_terminate"
    # timers
    EXPIRE = "expire"


ANY, TIMED, PROCTORED = "any", "timed", "proctored"
LEARNER_REST_ACTIONS = frozenset(
    {Action.START, Action.STOP, Action.SUBMIT, Action.CLICK_DOWNLOAD_SOFTWARE, Action.ERROR}
)
STAFF_REST_ACTIONS = frozenset({Action.VERIFY, Action.REJECT})
REVIEWABLE = (s.SUBMITTED, s.SECOND_REVIEW_REQUIRED, s.ERROR, s.VERIFIED, s.REJECTED, s.TIMED_OUT)
TOOL_REVIEWABLE = (s.READY_TO_START, s.STARTED, s.READY_TO_SUBMIT, s.TIMED_OUT, s.SUBMITTED)


@dataclass(frozen=True)
class Rule:
    to_status: str
    kind: str = ANY


def _rows():
    L, T, ST, SY = Actor.LEARNER, Actor.TOOL, Actor.STAFF, Actor.SYSTEM
    rows = {
        # timed exams start straight from created; proctored ones only after the tool said ready
        (s.CREATED, Action.START, L): Rule(s.STARTED, TIMED),
        (s.READY_TO_START, Action.START, L): Rule(s.STARTED, PROCTORED),
        (s.STARTED, Action.START, L): Rule(s.STARTED),
        (s.READY_TO_SUBMIT, Action.START, L): Rule(s.STARTED),  # resume
        (s.STARTED, Action.STOP, L): Rule(s.READY_TO_SUBMIT),
        (s.READY_TO_SUBMIT, Action.STOP, L): Rule(s.READY_TO_SUBMIT),
        (s.STARTED, Action.SUBMIT, L): Rule(s.SUBMITTED),
        (s.READY_TO_SUBMIT, Action.SUBMIT, L): Rule(s.SUBMITTED),
        (s.SUBMITTED, Action.SUBMIT, L): Rule(s.SUBMITTED),
        (s.CREATED, Action.CLICK_DOWNLOAD_SOFTWARE, L): Rule(s.DOWNLOAD_SOFTWARE_CLICKED, PROCTORED),
        (s.DOWNLOAD_SOFTWARE_CLICKED, Action.CLICK_DOWNLOAD_SOFTWARE, L): Rule(s.DOWNLOAD_SOFTWARE_CLICKED, PROCTORED),
        (s.CREATED, Action.LAUNCH_PROCTORING, L): Rule(s.DOWNLOAD_SOFTWARE_CLICKED, PROCTORED),
        (s.DOWNLOAD_SOFTWARE_CLICKED, Action.LAUNCH_PROCTORING, L): Rule(s.DOWNLOAD_SOFTWARE_CLICKED, PROCTORED),
        (s.READY_TO_START, Action.LAUNCH_PROCTORING, L): Rule(s.READY_TO_START, PROCTORED),
        (s.STARTED, Action.LAUNCH_PROCTORING, L): Rule(s.STARTED, PROCTORED),
        (s.READY_TO_SUBMIT, Action.LAUNCH_PROCTORING, L): Rule(s.READY_TO_SUBMIT, PROCTORED),
        (s.DOWNLOAD_SOFTWARE_CLICKED, Action.ASSESSMENT_STARTED, T): Rule(s.READY_TO_START, PROCTORED),
        (s.READY_TO_START, Action.ASSESSMENT_STARTED, T): Rule(s.READY_TO_START, PROCTORED),
        (s.STARTED, Action.EXPIRE, SY): Rule(s.SUBMITTED),
        (s.READY_TO_SUBMIT, Action.EXPIRE, SY): Rule(s.SUBMITTED),
    }
    for status in (s.CREATED, s.DOWNLOAD_SOFTWARE_CLICKED, s.READY_TO_START, s.STARTED, s.READY_TO_SUBMIT):
        rows[(status, Action.ERROR, L)] = Rule(s.ERROR)
    rows[(s.ERROR, Action.ERROR, L)] = Rule(s.ERROR)
    for status in (s.DOWNLOAD_SOFTWARE_CLICKED, s.READY_TO_START, s.STARTED, s.READY_TO_SUBMIT, s.SUBMITTED):
        rows[(status, Action.END_ASSESSMENT, L)] = Rule(s.SUBMITTED, PROCTORED)
    for status in REVIEWABLE:
        rows[(status, Action.VERIFY, ST)] = Rule(s.VERIFIED)
        rows[(status, Action.REJECT, ST)] = Rule(s.REJECTED)
    for status in (s.READY_TO_START, s.STARTED, s.READY_TO_SUBMIT):
        rows[(status, Action.PROCTOR_TERMINATE, ST)] = Rule(s.ERROR)
    for status in TOOL_REVIEWABLE:
        rows[(status, Action.REVIEW_PASSED, T)] = Rule(s.VERIFIED, PROCTORED)
        rows[(status, Action.REVIEW_NEEDS_SECOND_LOOK, T)] = Rule(s.SECOND_REVIEW_REQUIRED, PROCTORED)
        rows[(status, Action.REVIEW_ERRORED, T)] = Rule(s.ERROR, PROCTORED)
    return rows


TRANSITIONS: dict[tuple[str, Action, Actor], Rule] = _rows()


class TransitionNotAllowed(Exception):
    """No row of the table matches (status, action, actor, exam kind)."""


def target_status(action: Action, actor: Actor) -> str | None:
    """The one status `action` by `actor` leads to, or None when it depends on the current status."""
    targets = {
        rule.to_status
        for (_, row_action, row_actor), rule in TRANSITIONS.items()
        if (row_action, row_actor) == (action, actor)
    }
    return targets.pop() if len(targets) == 1 else None


def exam_kind(exam_type: str) -> str:
    return TIMED if exam_type == "timed" else PROCTORED


def allowed_actions(current: str, actor: Actor, exam_type: str) -> frozenset[Action]:
    """Every action `actor` may take on an attempt in `current` status, read off the table (for UIs that offer
    only what the state machine will accept)."""
    kind = exam_kind(exam_type)
    return frozenset(
        action
        for (status, action, who), rule in TRANSITIONS.items()
        if status == current and who == actor and rule.kind in (ANY, kind)
    )


def next_status(current: str, action: Action, actor: Actor, exam_type: str) -> str:
    """The status after `action`, or TransitionNotAllowed. Equal to `current` means a no-op."""
    rule = TRANSITIONS.get((current, action, actor))
    if rule is None or rule.kind not in (ANY, exam_kind(exam_type)):
        raise TransitionNotAllowed(f"{actor} cannot {action} an attempt in status {current} ({exam_type} exam)")
    return rule.to_status
