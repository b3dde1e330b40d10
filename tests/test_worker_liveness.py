"""The worker liveness probe: alive while the consumer touches its file, dead when the file is stale or absent."""

import os
import subprocess
import sys
import time
from pathlib import Path

from exams_service.celery import app
from exams_service.worker_liveness import ConsumerLiveness, is_alive

ROOT = Path(__file__).resolve().parents[1]


def probe(path: Path, max_age: str) -> int:
    env = {**os.environ, "CELERY_WORKER_LIVENESS_FILE": str(path)}
    command = [sys.executable, "-m", "exams_service.worker_liveness", max_age]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True).returncode


def test_probe_exits_1_for_a_missing_or_stale_file_and_0_for_a_fresh_one(tmp_path):
    path = tmp_path / "alive"
    assert probe(path, "60") == 1
    path.touch()
    assert probe(path, "60") == 0
    old = time.time() - 120
    os.utime(path, (old, old))
    assert probe(path, "60") == 1
    assert is_alive(path, 60, now=old + 30)


def test_the_worker_consumer_runs_the_liveness_step():
    assert ConsumerLiveness in app.steps["consumer"]
