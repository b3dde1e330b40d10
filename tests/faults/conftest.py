"""Fault suite: real processes on PostgreSQL and Redis servers of its own (`make faults`, marker `faults`)."""

import json
import os
import socket
import urllib.request

import pytest
from django.db import connection

from tests.conftest import make_user


def free_ports(ports: range):
    """Ports of `ports` nobody listens on now, from a start that differs per run: another checkout may run the
    suite at the same time on the same machine."""
    start = os.getpid() % len(ports)
    for port in [*ports[start:], *ports[:start]]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        yield port


# Ports of this suite (the project's fault range): HTTP 18400-18499, Redis 16400-16499.
HTTP_PORTS = free_ports(range(18401, 18500))
REDIS_PORTS = free_ports(range(16401, 16500))


# Every module here starts with `pytestmark = FAULT_TEST`: excluded from `make test`, run by `make faults`.
FAULT_TEST = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def database_name(transactional_db) -> str:
    if connection.vendor != "postgresql":
        pytest.skip("the fault suite runs on PostgreSQL (`make faults`)")
    return connection.settings_dict["NAME"]


@pytest.fixture
def log_dir(tmp_path):
    return tmp_path


@pytest.fixture
def http_port() -> int:
    return next(HTTP_PORTS)


@pytest.fixture
def redis_port() -> int:
    return next(REDIS_PORTS)


def learners(count: int, prefix: str = "fault"):
    return [make_user(f"{prefix}{i}", lms_user_id=90000 + i) for i in range(count)]


def call(method: str, url: str, user, body: dict | None = None, timeout: float = 10) -> tuple[int, dict]:
    from tests.conftest import auth_header

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, method=method, data=data, headers={"Authorization": auth_header(user)})
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def start_attempts(base: str, users, exam_id: int) -> dict[int, int]:
    """Start a timed attempt for each user through the API at `base`; {user pk: attempt id}."""
    attempt_ids = {}
    for user in users:
        status, reply = call("POST", f"{base}/exams/attempt", user, {"exam_id": exam_id, "start_clock": "true"})
        assert status == 200, reply
        attempt_ids[user.pk] = reply["exam_attempt_id"]
    return attempt_ids
