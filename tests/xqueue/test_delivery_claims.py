"""Bulk claims of due results: racing drains never hold one result twice; an expired claim is delivered once."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from tests.threads import run_concurrently
from tests.xqueue.lms_server import LoopbackLms
from tests.xqueue.test_delivery_keepalive import due_results
from xqueue import services, tasks
from xqueue.models import DeliveryState, Submission
from xqueue.services import delivery_claims

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
RESULTS = 120


def claim_batch(claim, limit: int = 7) -> list:
    now = timezone.now()
    return claim(limit=limit, now=now, lease_until=now + timedelta(minutes=5))


def claim_until_empty(claim) -> list[tuple[int, int]]:
    claimed = []
    while batch := claim_batch(claim):
        claimed += [(item.submission_id, item.attempts) for item in batch]
    return claimed


@pytest.fixture
def row_lock_database():
    if connection.vendor not in ("postgresql", "mysql"):
        pytest.skip("concurrent claims need PostgreSQL or MariaDB (SQLite serializes every writer)")


@pytest.mark.concurrency
@pytest.mark.parametrize(
    "claim",
    [delivery_claims.claim_due, delivery_claims._claim_with_conditional_updates],
    ids=["database's bulk claim", "portable compare-and-set"],
)
def test_racing_claims_take_each_result_once(row_lock_database, queue, claim):
    due_results(queue, "http://127.0.0.1:9/cb", RESULTS)
    results, errors = run_concurrently(THREADS, lambda _: claim_until_empty(claim))
    assert errors == []
    claimed = [item for batch in results for item in batch]
    assert {sid: n for sid, n in Counter(sid for sid, _ in claimed).items() if n > 1} == {}
    assert len(claimed) == RESULTS
    assert {attempts for _, attempts in claimed} == {1}
    if claim is delivery_claims.claim_due:
        assert sum(1 for batch in results if batch) > 1  # SKIP LOCKED: racing drains pass each other
    assert set(Submission.objects.values_list("delivery_attempts", flat=True)) == {1}


def test_a_claim_takes_only_due_results_oldest_first(queue):
    ids = due_results(queue, "http://127.0.0.1:9/cb", 5)
    Submission.objects.filter(pk=ids[0]).update(delivery_due_at=timezone.now() + timedelta(hours=1))
    Submission.objects.filter(pk=ids[4]).update(delivery_due_at=timezone.now() - timedelta(hours=1))
    claimed = claim_batch(delivery_claims.claim_due, limit=2)
    assert {item.submission_id for item in claimed} == {ids[4], ids[1]}
    assert {item.attempts for item in claimed} == {1}
    assert claim_batch(delivery_claims.claim_due, limit=10) and not claim_batch(delivery_claims.claim_due)


def test_racing_drains_deliver_each_result_once(row_lock_database, queue, settings):
    settings.XQUEUE_DELIVERY_CONCURRENCY = 3
    with LoopbackLms() as lms:
        due_results(queue, lms.url(), RESULTS)
        totals, errors = run_concurrently(4, lambda _: services.deliver_due_results(limit=9)["delivered"])
    assert errors == []
    assert sum(totals) == RESULTS
    assert len(lms.keys) == RESULTS and set(lms.keys.values()) == {1}
    assert Submission.objects.filter(delivery_state=DeliveryState.DELIVERED).count() == RESULTS


def test_an_expired_claim_is_delivered_once_by_the_sweep(queue, settings):
    """A drain that died after claiming: nothing is posted until the lease ends, then exactly once."""
    with freeze_time("2026-03-01 10:00:00") as clock, LoopbackLms() as lms:
        ids = due_results(queue, lms.url(), 3)
        now = timezone.now()
        lease = timedelta(minutes=1)
        assert len(delivery_claims.claim_due(limit=10, now=now, lease_until=now + lease)) == 3  # then it died
        assert services.deliver_due_results()["due"] == 0
        assert tasks.sweep()["redelivered"] == 0
        clock.tick(lease + timedelta(seconds=settings.XQUEUE_SWEEP_INTERVAL + 1))
        assert tasks.sweep()["redelivered"] == 3  # eager here: delivered by their own tasks
        assert tasks.sweep()["redelivered"] == 0
    assert sorted(lms.keys.values()) == [1, 1, 1]
    assert list(Submission.objects.filter(pk__in=ids).values_list("delivery_attempts", flat=True)) == [2, 2, 2]


def test_claims_a_slow_lms_could_not_start_in_time_are_given_back(queue, settings):
    """Each POST may start only while its lease still covers a whole POST; later ones are given back unposted."""
    settings.XQUEUE_DELIVERY_CONCURRENCY = 1
    settings.XQUEUE_LMS_TIMEOUT = 0.2  # POSTs may start for 0.4 s after the claim; each takes 0.15 s here
    with LoopbackLms(delay=0.15) as lms:
        ids = due_results(queue, lms.url(), 5)
        counts = services.deliver_due_results(limit=10)  # one round
    assert counts["due"] == 5 and counts["retrying"] == 0
    assert 1 <= counts["delivered"] <= 3
    assert set(lms.keys.values()) == {1} and len(lms.keys) == counts["delivered"]
    rows = Counter(Submission.objects.filter(pk__in=ids).values_list("delivery_state", "delivery_attempts"))
    assert rows == {
        (DeliveryState.DELIVERED, 1): counts["delivered"],
        (DeliveryState.PENDING, 0): 5 - counts["delivered"],
    }
    assert Submission.objects.filter(
        delivery_state=DeliveryState.PENDING, delivery_due_at__lte=timezone.now()
    ).count() == (5 - counts["delivered"])  # due again at once, no attempt counted
