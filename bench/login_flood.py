"""Login flood: /health/ latency while a dozen clients loop wrong xqueue passwords, throttle on vs off.

    .venv/bin/python -m bench.login_flood [--seconds 15] [--flooders 12] [--port 18170]

gunicorn (2 workers, the default PBKDF2 hasher, login counters in Redis db 13 as in production) on SQLite.
Without the throttle every wrong login costs a full password hash, so both cores hash and /health/ queues;
with it, an address or account over its limit is refused from one cache read. Writes docs/benchmarks.md.
"""

import argparse
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from bench.common import setup_django, start_gunicorn, stop, write_section

PASSWORD = "bench-grader-password-1"


def _post_login(url: str) -> int:
    data = urllib.parse.urlencode({"username": "watcher", "password": "wrong"}).encode()
    try:
        return urllib.request.urlopen(url, data=data, timeout=60).status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _flood(base: str, flooders: int, seconds: float) -> tuple[Counter, list[tuple[float, float]]]:
    """Login answers by status, and (seconds since the start, /health/ latency in ms) per probe."""
    statuses: Counter = Counter()
    health_ms: list[tuple[float, float]] = []
    start = time.monotonic()
    stop_at = start + seconds

    def flooder():
        while time.monotonic() < stop_at:
            statuses[_post_login(f"{base}/xqueue/login/")] += 1

    def prober():
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                urllib.request.urlopen(f"{base}/health/", timeout=60).read()
                health_ms.append((started - start, (time.perf_counter() - started) * 1000))
            except OSError:
                health_ms.append((started - start, 60_000.0))
            time.sleep(0.2)

    threads = [threading.Thread(target=flooder) for _ in range(flooders)] + [threading.Thread(target=prober)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, health_ms


def _run(env: dict, port: int, flooders: int, seconds: float, throttled: bool) -> dict:
    limits = (
        {}
        if throttled
        else {"LOGIN_THROTTLE_ACCOUNT_FAILURES": "1000000000", "LOGIN_THROTTLE_ADDRESS_FAILURES": "1000000000"}
    )
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    server = start_gunicorn({**env, **limits}, port, workers=2)
    try:
        idle = [ms for _, ms in _flood(f"http://127.0.0.1:{port}", 0, 3)[1]]
        statuses, busy = _flood(f"http://127.0.0.1:{port}", flooders, seconds)
    finally:
        stop(server)
    return {"idle": idle, "busy": busy, "statuses": statuses}


def _ms(values: list[float]) -> str:
    if not values:
        return "no answer"
    return f"{statistics.median(values):.0f} / {max(values):.0f} ({len(values)})"


def _row(label: str, result: dict, settle: float) -> str:
    everything = [ms for _, ms in result["busy"]]
    settled = [ms for at, ms in result["busy"] if at >= settle]
    logins = ", ".join(f"{code}: {count}" for code, count in sorted(result["statuses"].items()))
    return f"| {label} | {_ms(result['idle'])} | {_ms(everything)} | {_ms(settled)} | {logins} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--flooders", type=int, default=12)
    parser.add_argument("--port", type=int, default=18170)
    args = parser.parse_args()
    database = Path(tempfile.mkdtemp()) / "login_flood.sqlite3"
    env = setup_django(f"sqlite:///{database}", REDIS_URL="redis://127.0.0.1:6379/13")
    from xqueue.services import create_account

    create_account(username="watcher", password=PASSWORD, role="grader")
    settle = args.seconds / 2
    rows = [
        _row("throttle off", _run(env, args.port, args.flooders, args.seconds, throttled=False), settle),
        _row("throttle on (defaults)", _run(env, args.port + 1, args.flooders, args.seconds, throttled=True), settle),
    ]
    body = f"""`python -m bench.login_flood` — {args.flooders} clients loop wrong xqueue logins for {args.seconds:.0f} s
against gunicorn (2 workers, PBKDF2, counters in Redis) while one client polls `/health/` every 0.2 s.
**Taken on a shared, loaded 2-core machine (five other engineers' test suites running): compare the two rows,
not the absolute numbers.**

`/health/` columns: median / max ms (probes answered). "second half" leaves out the first {settle:.0f} s, while
the throttle is still counting the first failures (each a full hash).

| run | /health/ idle | /health/ flooded, whole run | /health/ flooded, second half | logins (status: count) |
|---|---|---|---|---|
{chr(10).join(rows)}
"""
    write_section("Login flood vs /health/ (login throttle)", body)
    print(body)


if __name__ == "__main__":
    main()
