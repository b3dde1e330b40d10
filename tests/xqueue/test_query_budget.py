"""Round trips per grader request, BEGIN/COMMIT included: what every poll costs, kept from growing.

Production settings cache the queue and the session's user per process; the session itself is one read here
(the db engine; `cached_db` on Redis makes it none). Nothing a grader request does takes a lock other graders
wait for: the claim skips locked rows, and put_result is one conditional UPDATE of its own row.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.xqueue.conftest import GOOD_RESULT, QUEUE, lms_header, pull, put_result, submit
from xqueue import auth
from xqueue.services import dispatch
from xqueue.services.dispatch import DrainTrigger

pytestmark = pytest.mark.django_db(transaction=True)

# vendor: (hand-out, empty poll, put_result, submit) round trips, the session read included
BUDGET = {
    "postgresql": (2, 3, 2, 4),  # one UPDATE … (SELECT … FOR UPDATE SKIP LOCKED) RETURNING; empty: + one EXISTS
    "mysql": (3, 3, 2, 4),  # UPDATE … JOIN (SELECT … FOR UPDATE SKIP LOCKED) in autocommit, the body by id
    "sqlite": (6, 2, 2, 4),  # candidates, then BEGIN, compare-and-set UPDATE, body, COMMIT
}


@pytest.fixture
def production_caches(settings, monkeypatch):
    settings.XQUEUE_QUEUE_CACHE_SECONDS = 60
    settings.XQUEUE_ACCOUNT_CACHE_SECONDS = 60
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(dispatch, "_trigger", DrainTrigger(lambda countdown: None))  # no broker here
    auth.clear()
    yield
    auth.clear()


def round_trips(request) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        request()
    return [query["sql"] for query in queries.captured_queries]


def test_grader_requests_stay_within_budget(production_caches, grader, lms, queue):
    handout_budget, empty_budget, result_budget, submit_budget = BUDGET[connection.vendor]
    submit(lms, lms_header())
    submitted = round_trips(lambda: submit(lms, lms_header()))
    assert len(submitted) <= submit_budget, submitted  # INSERT, supersede older, queue length: no transaction
    assert not any(sql.startswith(("BEGIN", "COMMIT", "SAVEPOINT")) for sql in submitted)
    pull(grader)
    grader.get("/xqueue/get_queuelen/", {"queue_name": QUEUE})  # fills the caches
    headers = []
    handout = round_trips(lambda: headers.append(pull(grader)["xqueue_header"]))
    result = round_trips(lambda: put_result(grader, headers[0], GOOD_RESULT))
    empty = round_trips(lambda: grader.get("/xqueue/get_submission/", {"queue_name": QUEUE}))
    assert len(handout) <= handout_budget, handout
    assert len(result) <= result_budget, result
    assert len(empty) <= empty_budget, empty
    assert not any(sql.startswith(("BEGIN", "COMMIT", "SAVEPOINT")) for sql in result)  # put_result: autocommit
    if connection.vendor != "sqlite":  # the claim is one statement in autocommit
        assert not any(sql.startswith(("BEGIN", "COMMIT", "SAVEPOINT")) for sql in handout + empty)
    writes = [sql for sql in handout + result + empty if sql.startswith(("UPDATE", "INSERT", "DELETE"))]
    assert not any("session" in sql.split("SET", 1)[0] for sql in writes), writes  # no session write per request
    assert not any("FOR UPDATE" in sql and "SKIP LOCKED" not in sql for sql in handout + empty)
