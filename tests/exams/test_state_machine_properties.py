"""Random action sequences never reach an illegal state (hypothesis)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exams import exceptions, signals
from exams import statuses as s
from exams.models import ExamAttempt
from exams.services.attempts import apply_action, create_attempt
from exams.state_machine import Action, Actor

STEPS = st.lists(st.tuples(st.sampled_from(list(Action)), st.sampled_from(list(Actor))), min_size=1, max_size=25)


@pytest.mark.django_db
@pytest.mark.parametrize("exam_fixture", ["timed_exam", "proctored_exam"])
def test_random_sequences_keep_every_invariant(exam_fixture, request, learner):
    exam = request.getfixturevalue(exam_fixture)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(steps=STEPS)
    def run(steps):
        ExamAttempt.objects.filter(user=learner).delete()
        attempt = create_attempt(user=learner, exam_id=exam.pk, start_clock=False)
        emitted = []

        def record(sender, **kwargs):
            emitted.append((kwargs["from_status"], kwargs["to_status"]))

        signals.attempt_status_changed.connect(record)
        try:
            first_start = None
            for action, actor in steps:
                before = ExamAttempt.objects.get(pk=attempt.pk)
                try:
                    after = apply_action(attempt_id=attempt.pk, action=action, actor=actor)
                except exceptions.IllegalStatusTransition:
                    after = ExamAttempt.objects.get(pk=attempt.pk)
                    assert after.status == before.status
                    continue
                assert after.status in s.ALL
                assert not (before.status in s.COMPLETED and after.status in s.INCOMPLETE)
                if actor == Actor.LEARNER and before.status in s.COMPLETED:
                    assert after.status == before.status
                if exam.exam_type != "timed" and after.status == s.STARTED and before.status == s.CREATED:
                    pytest.fail("a proctored attempt started without the proctoring launch")
                if after.start_time is not None:
                    first_start = first_start or after.start_time
                    assert after.start_time == first_start, "start_time is fixed at the first start"
                if after.status in s.COMPLETED and before.status in s.IN_PROGRESS:
                    assert after.end_time is not None
            changes = [(a, b) for a, b in emitted]
            assert all(a != b for a, b in changes), "a same-status repeat emitted a signal"
            history = list(
                ExamAttempt.history.filter(id=attempt.pk).order_by("history_id").values_list("status", flat=True)
            )
            distinct_runs = [status for i, status in enumerate(history) if i == 0 or history[i - 1] != status]
            assert len(changes) == len(distinct_runs) - 1
        finally:
            signals.attempt_status_changed.disconnect(record)

    run()
