"""Where a learner request spends its CPU: one scenario of `bench.learner_poll`, replayed in-process under cProfile.

Requests go through Django's WSGI handler as gunicorn calls it (the response is closed, so `request_finished`
runs), on the bench settings and a PostgreSQL database with persistent connections. Run it to decide what to cut;
it measures nothing for docs/benchmarks.md. `--sampled` samples the CPU instead (`bench.cpu_sampler`): no
per-call cost, so the shares and the µs per request are the real ones, inclusive per function.

Usage: `.venv/bin/python -m bench.profile_endpoint latest [--requests 2000] [--sort tottime] [--top 40]
[--sampled] [--database exams_bench_profile]` (a different `--database` lets two checkouts profile at once; it is
dropped and recreated).
"""

import argparse
import cProfile
import io
import pstats
import time

from bench.common import recreate_postgres_database
from bench.learner_poll import COURSE_ID, configure_django, request_lines, seed_cohort

DATABASE = "exams_bench_profile"


def environ_for(raw: str) -> dict:
    method, target, token, body = raw.split("\t")
    path, _, query = target.partition("?")
    payload = body.encode()
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8765",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8765",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"JWT {token}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(payload),
    }
    if payload:
        environ.update(CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(payload)))
    return environ


def replay(handler, lines: list[str], count: int) -> None:
    def start_response(status, headers):
        assert status.startswith("200"), status

    for i in range(count):
        response = handler(environ_for(lines[i % len(lines)]), start_response)
        b"".join(response)
        response.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenario", help="a scenario name of bench.learner_poll, e.g. latest, 'stop/start'")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sampled", action="store_true", help="sample CPU time instead of cProfile")
    parser.add_argument("--database", default=DATABASE, help="PostgreSQL database to recreate and use")
    args = parser.parse_args()

    configure_django(recreate_postgres_database(args.database))
    rows = seed_cohort("learner", COURSE_ID, 50, 5, 10_000)
    lines = request_lines(rows, rows)[args.scenario]
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    replay(handler, lines, 200)  # warm: users synced, caches filled, connection open
    if args.sampled:
        print_sampled(handler, lines, args)
        return
    profiler = cProfile.Profile()
    started = time.process_time()
    profiler.enable()
    replay(handler, lines, args.requests)
    profiler.disable()
    cpu_ms = 1000 * (time.process_time() - started) / args.requests
    stats = pstats.Stats(profiler)
    print(f"{args.scenario}: {cpu_ms:.2f} ms CPU per request in this process (profiled, so inflated)")
    print(f"{args.scenario}: {stats.total_calls / args.requests:.1f} Python function calls/request")
    stats.sort_stats(args.sort).print_stats(args.top)


def print_sampled(handler, lines: list[str], args) -> None:
    from bench.cpu_sampler import sampling

    started = time.process_time()
    with sampling() as samples:
        replay(handler, lines, args.requests)
    per_request_us = 1e6 * (time.process_time() - started) / args.requests
    print(f"{args.scenario}: {per_request_us:.0f} µs CPU per request in this process, {samples.total} samples")
    print("\n".join(samples.report(per_request_us, args.top)))


if __name__ == "__main__":
    main()
