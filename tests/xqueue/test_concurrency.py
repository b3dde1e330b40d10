"""Many graders claiming at once never receive the same submission (PostgreSQL and MariaDB only)."""

from collections import Counter

import pytest
from django.db import connection

from tests.threads import run_concurrently
from xqueue import services
from xqueue.models import Submission, SubmissionState
from xqueue.services import handout

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

THREADS = 12
SUBMISSIONS = 150


@pytest.fixture(autouse=True)
def _row_lock_database(db):
    if connection.vendor not in ("postgresql", "mysql"):
        pytest.skip("row locks need PostgreSQL or MariaDB (SQLite runs the conditional-update path elsewhere)")


def _load(queue, count: int) -> None:
    Submission.objects.bulk_create(
        Submission(queue=queue, lms_header="{}", lms_body=str(n), lms_callback_url=f"u{n}", callback_digest=f"{n}")
        for n in range(count)
    )


def _drain_concurrently(claim) -> list[int]:
    def grader(number: int) -> list[int]:
        claimed = []
        while (item := claim(f"grader-{number}")) is not None:
            claimed.append(item.submission_id)
        return claimed

    results, errors = run_concurrently(THREADS, grader)
    assert errors == []
    return [submission_id for claimed in results for submission_id in claimed]


def _assert_each_handed_out_once(handed_out: list[int]) -> None:
    duplicates = {sid: n for sid, n in Counter(handed_out).items() if n > 1}
    assert duplicates == {}
    assert len(handed_out) == SUBMISSIONS
    assert set(Submission.objects.values_list("attempts", flat=True)) == {1}
    assert Submission.objects.filter(state=SubmissionState.PENDING).count() == SUBMISSIONS


def test_skip_locked_claims_hand_out_each_submission_once():
    assert connection.features.has_select_for_update_skip_locked
    queue = services.ensure_queue(name="race", visibility_timeout=600, max_attempts=3)
    _load(queue, SUBMISSIONS)
    handed_out = _drain_concurrently(lambda grader: services.claim_next(queue=queue, grader=grader))
    _assert_each_handed_out_once(handed_out)
    assert len({g for g in Submission.objects.values_list("grader", flat=True)}) > 1  # really concurrent


def test_row_lock_transaction_claims_hand_out_each_submission_once():
    """The path MySQL 8 takes (and PostgreSQL/MariaDB when a queue has exhausted submissions), raced."""
    queue = services.ensure_queue(name="race-locks", visibility_timeout=600, max_attempts=3)
    _load(queue, SUBMISSIONS)
    handed_out = _drain_concurrently(lambda grader: handout._claim_with_row_locks(queue=queue, grader=grader))
    _assert_each_handed_out_once(handed_out)


def test_conditional_update_claims_hand_out_each_submission_once():
    """The path SQLite uses, raced on a real database with real concurrency."""
    queue = services.ensure_queue(name="race-cas", visibility_timeout=600, max_attempts=3)
    _load(queue, SUBMISSIONS)
    handed_out = _drain_concurrently(lambda grader: handout._claim_with_conditional_update(queue=queue, grader=grader))
    _assert_each_handed_out_once(handed_out)


def test_concurrent_results_for_one_submission_are_accepted_once():
    queue = services.ensure_queue(name="race-result", visibility_timeout=600, max_attempts=3)
    _load(queue, 1)
    item = services.claim_next(queue=queue, grader="g")
    header = f'{{"submission_id": {item.submission_id}, "submission_key": "{item.key}"}}'
    results, errors = run_concurrently(
        THREADS, lambda number: services.record_result(header=header, body=f'{{"score": {number}}}')
    )
    outcomes = results + [type(error).__name__ for error in errors]
    assert outcomes.count(True) == 1
    assert Counter(outcomes)["ResultAlreadyRecorded"] == THREADS - 1
