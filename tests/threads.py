"""Run the same work in several threads released together, each closing its own database connection."""

import threading

from django.db import connections


def run_concurrently(n: int, work, *, timeout: float = 120) -> tuple[list, list[Exception]]:
    """`work(i)` for i in 0..n-1, started at once; returns (results, errors) for the caller to assert."""
    barrier = threading.Barrier(n)
    results, errors = [], []
    lock = threading.Lock()

    def runner(i):
        try:
            barrier.wait()
            result = work(i)
            with lock:
                results.append(result)
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the caller
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, errors
