"""Every state change of the xqueue app. Views, admin, tasks and commands call these."""

from xqueue.services.accounts import create_account, issue_secret, roles_of, store_secret
from xqueue.services.delivery import deliver_result
from xqueue.services.dispatch import deliver_due_results, redeliver_overdue, retry_delivery
from xqueue.services.handout import Handout, claim_next, fail_exhausted_submissions
from xqueue.services.operators import (
    delete_old_submissions,
    fail_submissions,
    requeue_submissions,
    retire_old_submissions,
)
from xqueue.services.queues import ensure_queue
from xqueue.services.results import record_result
from xqueue.services.submissions import submit

__all__ = [
    "Handout",
    "claim_next",
    "create_account",
    "delete_old_submissions",
    "deliver_due_results",
    "deliver_result",
    "ensure_queue",
    "fail_exhausted_submissions",
    "fail_submissions",
    "issue_secret",
    "record_result",
    "redeliver_overdue",
    "requeue_submissions",
    "retire_old_submissions",
    "retry_delivery",
    "roles_of",
    "store_secret",
    "submit",
]
