"""Short-lived single-use WebSocket tickets (HS256 JWTs, `jti` burned in the cache on first use)."""

import hashlib
import time
import uuid
from dataclasses import dataclass

import jwt
from django.conf import settings
from django.core.cache import cache

AUDIENCE = "exams-monitoring"
SESSION, EXAM = "session", "exam"
REAUTHENTICATE, FORBIDDEN, SESSION_ENDED = 4401, 4403, 4409


class TicketError(Exception):
    def __init__(self, code: int, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Ticket:
    user_id: int
    kind: str
    target: str


def _key() -> str:
    return hashlib.sha256(f"monitoring-ticket:{settings.SECRET_KEY}".encode()).hexdigest()


def issue(*, user_id: int, kind: str, target: str) -> tuple[str, int]:
    """A ticket for one session (`kind=session`, target = session UUID) or one exam dashboard (target = exam id)."""
    ttl = settings.MONITORING_TICKET_TTL_SECONDS
    now = int(time.time())
    claims = {"sub": str(user_id), "kind": kind, "target": str(target), "jti": uuid.uuid4().hex}
    claims.update({"aud": AUDIENCE, "iat": now, "exp": now + ttl})
    return jwt.encode(claims, _key(), algorithm="HS256"), ttl


def _burn_key(jti: str) -> str:
    return f"mon:jti:{jti}"


async def redeem(token: str | None, *, kind: str, target: str) -> Ticket:
    """Verify signature, expiry, kind and target, then burn the ticket. Raises TicketError(close code)."""
    if not token:
        raise TicketError(REAUTHENTICATE, "A ticket is required.")
    try:
        claims = jwt.decode(token, _key(), algorithms=["HS256"], audience=AUDIENCE, options={"require": ["exp"]})
    except jwt.ExpiredSignatureError as exc:
        raise TicketError(REAUTHENTICATE, "The ticket has expired.") from exc
    except jwt.PyJWTError as exc:
        raise TicketError(REAUTHENTICATE, "The ticket is invalid.") from exc
    if claims.get("kind") != kind or claims.get("target") != str(target):
        raise TicketError(FORBIDDEN, "The ticket is for another session or exam.")
    ttl = max(int(claims["exp"]) - int(time.time()), 1) + 5
    from monitoring.presence import cache_call

    burned = await cache_call(cache.add, _burn_key(claims.get("jti", "")), 1, timeout=ttl)
    if not burned:
        raise TicketError(REAUTHENTICATE, "The ticket was already used.")
    return Ticket(user_id=int(claims["sub"]), kind=kind, target=str(target))
