"""ACS fixtures: the LTI test registration (tests/lti), a tool-side ACS client, attempts in any status."""

import pytest

from exams.models import ExamAttempt
from exams.services.attempts import apply_action
from exams.state_machine import Action, Actor
from tests.acs.client import AcsTool
from tests.lti import conftest as lti_fixtures

# fixtures shared with the LTI tests: a PEM-registered tool (LTI_API_BASE http://testserver), its key, an attempt,
# and a second registration with its own key
pem_config, tool_key, attempt = lti_fixtures.pem_config, lti_fixtures.tool_key, lti_fixtures.attempt
other_acs_tool = lti_fixtures.other_acs_tool

# how a test attempt reaches each status through the state machine
_PATH = {
    "download_software_clicked": [(Action.LAUNCH_PROCTORING, Actor.LEARNER)],
    "ready_to_start": [(Action.ASSESSMENT_STARTED, Actor.TOOL)],
    "started": [(Action.START, Actor.LEARNER)],
    "ready_to_submit": [(Action.STOP, Actor.LEARNER)],
    "submitted": [(Action.SUBMIT, Actor.LEARNER)],
}
_ORDER = list(_PATH)


def move_to(attempt: ExamAttempt, status: str) -> ExamAttempt:
    """Drive a new attempt to `status`; statuses off the learner's path are set directly (test data)."""
    steps = _ORDER[: _ORDER.index(status) + 1] if status in _PATH else _ORDER
    if status != "created":
        for step in steps:
            for action, actor in _PATH[step]:
                requesting_user = attempt.user if actor == Actor.LEARNER else None
                apply_action(attempt_id=attempt.pk, action=action, actor=actor, requesting_user=requesting_user)
    if status not in _PATH and status != "created":
        ExamAttempt.objects.filter(pk=attempt.pk).update(status=status)
    return ExamAttempt.objects.get(pk=attempt.pk)


@pytest.fixture
def acs_tool(pem_config, tool_key):
    return AcsTool(config=pem_config, key=tool_key)


@pytest.fixture
def started_attempt(attempt):
    return move_to(attempt, "started")
