"""Signals other apps hook into. Both are sent INSIDE the attempt's transaction.

Receivers that write rows (an event outbox) join the transaction; receivers with outside effects
(sockets, mail) must defer them with `transaction.on_commit`.
"""

from django.dispatch import Signal

# kwargs: attempt, from_status, to_status, action, actor, requesting_user (None for system/tool)
attempt_status_changed = Signal()

# kwargs: attempt, requesting_user
attempt_reset = Signal()

# kwargs: attempt, paused (bool), requesting_user — the exam clock stopped or restarted
attempt_clock_changed = Signal()
