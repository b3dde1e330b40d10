"""CPU per group send from sync code: through the publisher thread versus one PUBLISH from the caller's thread.

A status change sends one event to its exam's dashboards after the commit (`monitoring.fanout.to_exam_sync`).
This sends N events one at a time, as N requests would (each waits until its send was attempted, so the
publisher thread wakes once per send), on the Redis pub/sub layer at 127.0.0.1:6379 (db 12), and prints the
process's CPU per send (all threads) for each path. Prints only; it measures nothing for docs/benchmarks.md.

    .venv/bin/python -m bench.fanout_cost [--sends 3000] [--rounds 3]
"""

import argparse
import statistics
import time

from bench.common import setup_django

ENVELOPE = {
    "v": 1,
    "type": "status",
    "sid": "s",
    "seq": 1,
    "ts": 0,
    "data": {"kind": "ready_to_submit", "from": "started"},
}


def cpu_per_send(sends: int, *, direct: bool) -> float:
    from django.conf import settings

    from monitoring import fanout

    settings.CHANNEL_LAYER_DIRECT_PUBLISH_TIMEOUT_SECONDS = 0.25 if direct else 0
    started = time.process_time()
    for seq in range(sends):
        fanout.to_exam_sync(1, dict(ENVELOPE, seq=seq))
        assert fanout.flush(10)
    return 1e6 * (time.process_time() - started) / sends


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sends", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup_django("sqlite://:memory:", CHANNEL_LAYER_URL="redis://127.0.0.1:6379/12")
    cpu_per_send(200, direct=False)  # warm: the thread, its loop and both Redis connections
    cpu_per_send(200, direct=True)
    results = {"publisher thread": [], "direct PUBLISH": []}
    for _ in range(args.rounds):
        results["publisher thread"].append(cpu_per_send(args.sends, direct=False))
        results["direct PUBLISH"].append(cpu_per_send(args.sends, direct=True))
    for name, values in results.items():
        shown = ", ".join(f"{value:.0f}" for value in values)
        print(f"{name}: {statistics.median(values):.0f} µs CPU per send (rounds: {shown})")


if __name__ == "__main__":
    main()
