"""Every (status × action × actor × exam kind) against the rules the issue states, written out by hand."""

from datetime import timedelta

import pytest
from django.test.utils import CaptureQueriesContext  # noqa: F401 - keeps django import order stable

from exams import exceptions, signals
from exams import statuses as s
from exams.services.attempts import apply_action
from exams.state_machine import Action, Actor
from tests.exams.factories import attempt_in_status

L, ST, T, SY = Actor.LEARNER, Actor.STAFF, Actor.TOOL, Actor.SYSTEM

# The specification: "status --action/actor--> status", for "timed" (t), "proctored" (p) or both (tp).
ALLOWED = """
created --start/learner--> started : t
ready_to_start --start/learner--> started : p
started --start/learner--> started : tp
ready_to_submit --start/learner--> started : tp
started --stop/learner--> ready_to_submit : tp
ready_to_submit --stop/learner--> ready_to_submit : tp
started --submit/learner--> submitted : tp
ready_to_submit --submit/learner--> submitted : tp
submitted --submit/learner--> submitted : tp
created --click_download_software/learner--> download_software_clicked : p
download_software_clicked --click_download_software/learner--> download_software_clicked : p
created --launch_proctoring/learner--> download_software_clicked : p
download_software_clicked --launch_proctoring/learner--> download_software_clicked : p
ready_to_start --launch_proctoring/learner--> ready_to_start : p
started --launch_proctoring/learner--> started : p
ready_to_submit --launch_proctoring/learner--> ready_to_submit : p
download_software_clicked --assessment_started/tool--> ready_to_start : p
ready_to_start --assessment_started/tool--> ready_to_start : p
started --expire/system--> submitted : tp
ready_to_submit --expire/system--> submitted : tp
created --error/learner--> error : tp
download_software_clicked --error/learner--> error : tp
ready_to_start --error/learner--> error : tp
started --error/learner--> error : tp
ready_to_submit --error/learner--> error : tp
error --error/learner--> error : tp
download_software_clicked --end_assessment/learner--> submitted : p
ready_to_start --end_assessment/learner--> submitted : p
started --end_assessment/learner--> submitted : p
ready_to_submit --end_assessment/learner--> submitted : p
submitted --end_assessment/learner--> submitted : p
"""
for _status in ("submitted", "second_review_required", "error", "verified", "rejected", "timed_out"):
    ALLOWED += f"{_status} --verify/staff--> verified : tp\n{_status} --reject/staff--> rejected : tp\n"
for _status in ("ready_to_start", "started", "ready_to_submit"):
    ALLOWED += f"{_status} --proctor_terminate/staff--> error : tp\n"
for _status in ("ready_to_start", "started", "ready_to_submit", "timed_out", "submitted"):
    ALLOWED += (
        f"{_status} --review_passed/tool--> verified : p\n"
        f"{_status} --review_needs_second_look/tool--> second_review_required : p\n"
        f"{_status} --review_errored/tool--> error : p\n"
    )


def parse_spec():
    spec = {}
    for line in ALLOWED.strip().splitlines():
        transition, kinds = line.split(" : ")
        source, rest = transition.split(" --")
        label, target = rest.split("--> ")
        action, actor = label.split("/")
        for kind in kinds:
            spec[(source, action, actor, {"t": "timed", "p": "proctored"}[kind])] = target
    return spec


SPEC = parse_spec()


@pytest.fixture
def exams_by_kind(timed_exam, proctored_exam):
    return {"timed": timed_exam, "proctored": proctored_exam}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["timed", "proctored"])
@pytest.mark.parametrize("status", s.ALL)
def test_every_action_and_actor_from_status(status, kind, learner, exams_by_kind):
    exam = exams_by_kind[kind]
    changes = []

    def record(sender, **kwargs):
        changes.append((kwargs["from_status"], kwargs["to_status"]))

    signals.attempt_status_changed.connect(record)
    try:
        for action in Action:
            for actor in Actor:
                minutes_left = -1 if action == Action.EXPIRE else 30  # the timer only fires at the deadline
                attempt = attempt_in_status(learner, exam, status, minutes_left=minutes_left)
                expected = SPEC.get((status, action.value, actor.value, kind))
                changes.clear()
                if expected is None:
                    with pytest.raises(exceptions.IllegalStatusTransition):
                        apply_action(attempt_id=attempt.pk, action=action, actor=actor)
                    attempt.refresh_from_db()
                    assert attempt.status == status, (status, action, actor)
                else:
                    result = apply_action(attempt_id=attempt.pk, action=action, actor=actor)
                    assert result.status == expected, (status, action, actor, kind)
                    assert changes == ([] if expected == status else [(status, expected)])
                attempt.reset_at = attempt.modified  # retire it so the next one is the only running attempt
                attempt.save(update_fields=["reset_at"])
    finally:
        signals.attempt_status_changed.disconnect(record)


def test_no_completed_status_leads_back_to_an_incomplete_one():
    for (source, _action, _actor, _kind), target in SPEC.items():
        if source in s.COMPLETED:
            assert target in s.COMPLETED


def test_learner_cannot_move_a_completed_attempt_anywhere_else():
    for (source, _action, actor, _kind), target in SPEC.items():
        if source in s.COMPLETED and actor == "learner":
            assert target == source


@pytest.mark.django_db
def test_expire_before_the_deadline_is_a_no_op(learner, timed_exam):
    attempt = attempt_in_status(learner, timed_exam, s.STARTED, minutes_left=10)
    assert apply_action(attempt_id=attempt.pk, action=Action.EXPIRE, actor=Actor.SYSTEM).status == s.STARTED


@pytest.mark.django_db
def test_any_learner_action_on_a_timed_out_running_attempt_submits_it_first(learner, timed_exam):
    attempt = attempt_in_status(learner, timed_exam, s.STARTED, minutes_left=-2)
    with pytest.raises(exceptions.IllegalStatusTransition):
        apply_action(attempt_id=attempt.pk, action=Action.STOP, actor=Actor.LEARNER)
    attempt.refresh_from_db()
    assert attempt.status == s.SUBMITTED
    assert attempt.end_time == attempt.start_time + timedelta(minutes=attempt.allowed_time_limit_mins)


def test_allowed_actions_are_read_off_the_table():
    from exams.state_machine import TRANSITIONS, TransitionNotAllowed, allowed_actions, next_status

    for status in s.ALL:
        for actor in Actor:
            for exam_type in ("timed", "proctored"):
                offered = allowed_actions(status, actor, exam_type)
                for action in Action:
                    try:
                        next_status(status, action, actor, exam_type)
                        legal = True
                    except TransitionNotAllowed:
                        legal = False
                    assert (action in offered) == legal, (status, actor, exam_type, action)
    assert Action.PROCTOR_TERMINATE in allowed_actions(s.STARTED, Actor.STAFF, "timed")
    assert Action.PROCTOR_TERMINATE not in allowed_actions(s.SUBMITTED, Actor.STAFF, "timed")
    assert len(TRANSITIONS) > 0
