"""What other apps write with a learner's status change when it is made in one statement (PostgreSQL).

The usual path sends `attempt_status_changed` inside the attempt's transaction and its receivers write there. The
one-statement path (`exams.services.one_statement`) has no transaction to join, so each receiver that writes
registers a provider under its `dispatch_uid`: given the change, it returns the SQL of its write as a
`StatementPart` (a data-modifying statement reading the changed attempt row from the CTE `changed`), None when it
has nothing to write for this change, or raises `NeedsTransaction`. A receiver with no provider (a test's, a
new app's) sends the change down the usual path, so nothing is ever skipped silently.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from exams.signals import attempt_status_changed


class NeedsTransaction(Exception):
    """A receiver's write for this change cannot be part of one statement: take the transactional path."""


@dataclass(frozen=True)
class StatusChange:
    attempt: object
    from_status: str
    to_status: str
    action: str
    actor: str
    requesting_user: object


@dataclass(frozen=True)
class StatementPart:
    """`sql` runs as a CTE beside the attempt's UPDATE; it RETURNs `columns` (at most one row), which
    `after_commit` receives (None when it wrote nothing), after the statement committed."""

    sql: str
    params: list
    columns: tuple[str, ...] = ()
    after_commit: Callable[[dict | None], None] | None = field(default=None)


Provider = Callable[[StatusChange], StatementPart | None]
_providers: dict[str, Provider] = {}


def register_statement_part(dispatch_uid: str, provider: Provider) -> None:
    """Declare how the `attempt_status_changed` receiver connected with `dispatch_uid` writes in one statement."""
    _providers[dispatch_uid] = provider


def parts_for(change: StatusChange) -> list[StatementPart]:
    """Every receiver's part of this change; NeedsTransaction when one of them has no provider or refuses."""
    parts = []
    for uid in _receiver_uids():
        provider = _providers.get(uid)
        if provider is None:
            raise NeedsTransaction(f"receiver {uid!r} has no statement part")
        part = provider(change)
        if part is not None:
            parts.append(part)
    return parts


def _receiver_uids() -> list:
    """The lookup keys' first members: the dispatch_uid of receivers connected with one, else an object id."""
    return [entry[0][0] for entry in attempt_status_changed.receivers]
