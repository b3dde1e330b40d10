"""Python calls and database round trips per XQueue request, replayed in-process (deterministic; no timings).

The three requests of the whole path (issue 18) go through Django's WSGI handler as gunicorn calls it (the
response is closed, so `request_finished` runs) with the bench settings as `bench.xqueue_whole_path` runs the
service: persistent connections, sessions `cached_db` on Redis, results published to no broker (the drain
trigger is a no-op here, as in tests/xqueue/test_query_budget.py). The LMS and a grader log in like the real
clients (GET login for the CSRF cookie, POST login) and send their exact requests: cookies, Referer and
X-CSRFToken after login, `requests`' default headers, urlencoded form bodies.

Per request kind it prints Python function calls (cProfile's total_calls) and database round trips: the
statements Django sends, BEGIN/COMMIT included; on MariaDB every command the driver (mysqlclient, else PyMySQL)
sends to the server (also `SET autocommit` and pings, which Django does not log). `--profile KIND` adds a
cProfile top list.

    .venv/bin/python -m bench.profile_xqueue [--database postgresql|mysql] [--requests 300] \
        [--profile submit|get_submission|put_result|empty_poll] [--sort tottime] [--top 40]

It recreates the database `exams_bench_profile_xq` on the local PostgreSQL or MariaDB and uses Redis db 12.
"""

import argparse
import cProfile
import io
import json
import pstats
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench.common import setup_django
from bench.databases import BenchDatabase

DATABASE = "exams_bench_profile_xq"
REDIS = "redis://127.0.0.1:6379/12"
HOST, PORT = "127.0.0.1", "8765"
BASE = f"http://{HOST}:{PORT}"
QUEUE = "bench-queue"
PASSWORD = "bench-password-1"
RESULT = json.dumps({"correct": True, "score": 1.0, "msg": "<p>ok</p>"})
KINDS = ("submit", "get_submission", "put_result", "empty_poll")
REQUESTS_HEADERS = {  # what requests.Session sends by default
    "HTTP_USER_AGENT": "python-requests/2.32.3",
    "HTTP_ACCEPT_ENCODING": "gzip, deflate",
    "HTTP_ACCEPT": "*/*",
    "HTTP_CONNECTION": "keep-alive",
}


class Client:
    """One client's cookies and headers, calling the WSGI handler the way gunicorn does."""

    def __init__(self, handler):
        self.handler, self.cookies, self.headers = handler, {}, dict(REQUESTS_HEADERS)

    def get(self, path: str, params: dict | None = None) -> dict:
        return self._call("GET", path, urlencode(params or {}), b"")

    def post(self, path: str, data: dict, headers: dict | None = None) -> dict:
        return self._call("POST", path, "", urlencode(data).encode(), headers or {})

    def _call(self, method: str, path: str, query: str, body: bytes, headers: dict | None = None) -> dict:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": HOST,
            "SERVER_PORT": PORT,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": f"{HOST}:{PORT}",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            **self.headers,
            **(headers or {}),
        }
        if body:
            environ.update(CONTENT_TYPE="application/x-www-form-urlencoded", CONTENT_LENGTH=str(len(body)))
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        answer = {}

        def start_response(status, response_headers):
            answer["status"] = status
            for name, value in response_headers:
                if name.lower() == "set-cookie":
                    for morsel in SimpleCookie(value).values():
                        self.cookies[morsel.key] = morsel.value

        response = self.handler(environ, start_response)
        payload = b"".join(response)
        response.close()
        assert answer["status"].startswith("200"), (answer["status"], payload[:300])
        return json.loads(payload)

    def log_in(self, username: str) -> None:
        """Like xqueue-watcher >= PR #125 (and the LMS): GET login for the CSRF cookie, POST login."""
        self.get("/xqueue/login/")
        token = self.cookies.get("csrftoken")
        headers = {"HTTP_REFERER": f"{BASE}/xqueue/login/", "HTTP_X_CSRFTOKEN": token}
        reply = self.post("/xqueue/login/", {"username": username, "password": PASSWORD}, headers)
        assert reply["return_code"] == 0, reply
        self.headers.update(HTTP_REFERER=BASE, HTTP_X_CSRFTOKEN=self.cookies["csrftoken"])


class Counters:
    """Per request kind: Python calls (one cProfile per kind) and round trips."""

    def __init__(self, engine: str):
        self.engine = engine
        self.profiles = defaultdict(cProfile.Profile)
        self.requests = defaultdict(int)
        self.round_trips = defaultdict(int)
        self.statements = {}
        self.commands: list[str] = []
        self.counting: str | None = None

    @contextmanager
    def profiled(self, kind: str):
        profile = self.profiles[kind]
        profile.enable()
        try:
            yield
        finally:
            profile.disable()
        self.requests[kind] += 1

    @contextmanager
    def counted(self, kind: str):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with ExitStack() as stack:
            captured = stack.enter_context(CaptureQueriesContext(connection))
            self.counting, first_command = kind, len(self.commands)
            try:
                yield
            finally:
                self.counting = None
            if self.engine == "postgresql":  # psycopg's C driver cannot be wrapped: Django's log, BEGIN/COMMIT in
                sent = [query["sql"] for query in captured.captured_queries]
            else:
                sent = self.commands[first_command:]
            self.round_trips[kind] += len(sent)
            self.statements[kind] = sent

    def count_mysql_commands(self) -> None:
        """Every command the MySQL driver sends (one round trip each), Django-logged or not."""
        from settings.database import use_mysql_driver

        if use_mysql_driver() == "pymysql":
            self.count_pymysql_commands()
            return
        from MySQLdb.connections import Connection

        counters = self

        def counting(name):
            original = getattr(Connection, name)

            def counted(connection, *args):
                if counters.counting:
                    sql = args[0] if name == "query" and args else f"<{name}{args}>"
                    counters.commands.append(sql.decode(errors="replace") if isinstance(sql, bytes) else str(sql))
                return original(connection, *args)

            setattr(Connection, name, counted)

        for name in ("query", "autocommit", "commit", "rollback", "ping"):
            counting(name)

    def count_pymysql_commands(self) -> None:
        """Every command PyMySQL sends (one round trip each), Django-logged or not."""
        from pymysql.connections import Connection

        original = Connection._execute_command
        counters = self

        def counted(connection, command, sql):
            if counters.counting:
                text = sql.decode(errors="replace") if isinstance(sql, bytes) else str(sql)
                counters.commands.append(text or f"<command {command}>")
            return original(connection, command, sql)

        Connection._execute_command = counted


def seed() -> None:
    from xqueue import services
    from xqueue.services import dispatch
    from xqueue.services.dispatch import DrainTrigger

    services.create_account(username="bench-grader", password=PASSWORD, role="grader")
    services.create_account(username="bench-lms", password=PASSWORD, role="lms")
    services.ensure_queue(name=QUEUE, visibility_timeout=3600, max_attempts=5)
    dispatch._trigger = DrainTrigger(lambda countdown: None)  # no broker: one message per window is not counted


def run_round(lms: Client, grader: Client, count: int, offset: int, wrap) -> None:
    """`count` submissions through submit/, then get_submission + put_result until empty, then one empty poll each."""
    for n in range(offset, offset + count):
        header = json.dumps(
            {"lms_callback_url": f"http://127.0.0.1:9/cb/{n}", "lms_key": f"{n:032d}", "queue_name": QUEUE}
        )
        body = json.dumps({"grader_payload": '{"grader": "g.py"}', "student_info": "{}", "student_response": str(n)})
        with wrap("submit"):
            reply = lms.post("/xqueue/submit/", {"xqueue_header": header, "xqueue_body": body})
        assert reply["return_code"] == 0, reply
    for _ in range(count):
        with wrap("get_submission"):
            reply = grader.get("/xqueue/get_submission/", {"queue_name": QUEUE})
        assert reply["return_code"] == 0, reply
        handed = json.loads(reply["content"])
        with wrap("put_result"):
            reply = grader.post(
                "/xqueue/put_result/", {"xqueue_header": handed["xqueue_header"], "xqueue_body": RESULT}
            )
        assert reply == {"return_code": 0, "content": ""}, reply
    for _ in range(count):
        with wrap("empty_poll"):
            reply = grader.get("/xqueue/get_submission/", {"queue_name": QUEUE})
        assert reply["return_code"] == 1 and "is empty" in reply["content"], reply


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=("postgresql", "mysql"), default="postgresql")
    parser.add_argument("--requests", type=int, default=300, help="requests of each kind measured")
    parser.add_argument("--profile", choices=KINDS, help="print a cProfile top list of this kind")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--dump", help="also write the --profile kind's stats to this file (pstats format)")
    parser.add_argument("--sql", action="store_true", help="print the statements of one request of each kind")
    args = parser.parse_args()

    database = BenchDatabase(args.database, DATABASE)
    database.recreate()
    setup_django(
        database.url("bench-profile"),
        DATABASE_CONN_MAX_AGE="600",
        REDIS_URL=REDIS,
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
        LMS_ROOT_URL="http://127.0.0.1:9",
        OUTGOING_URLS_ALLOW_PRIVATE_ADDRESSES="true",
    )
    seed()
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    lms, grader = Client(handler), Client(handler)
    lms.log_in("bench-lms")
    grader.log_in("bench-grader")
    counters = Counters(args.database)
    if args.database == "mysql":
        counters.count_mysql_commands()

    @contextmanager
    def plain(kind):
        yield

    run_round(lms, grader, 50, 0, plain)  # warm: caches filled, connection open and verified
    run_round(lms, grader, args.requests, 10_000, counters.profiled)
    run_round(lms, grader, args.requests, 20_000, counters.counted)

    print(f"{args.database}: {args.requests} requests of each kind (WSGIHandler, bench settings, cached_db sessions)")
    print(f"{'request':<16} {'calls/request':>14} {'round trips/request':>20}")
    for kind in KINDS:
        calls = pstats.Stats(counters.profiles[kind]).total_calls / counters.requests[kind]
        print(f"{kind:<16} {calls:>14.0f} {counters.round_trips[kind] / args.requests:>20.2f}")
    if args.sql:
        for kind in KINDS:
            print(f"\n{kind}, the last request: {len(counters.statements[kind])} round trips")
            for sql in counters.statements[kind]:
                print("   ", sql[:200])
    if args.profile:
        print(f"\ncProfile of {args.profile}, {args.requests} requests:")
        pstats.Stats(counters.profiles[args.profile]).sort_stats(args.sort).print_stats(args.top)
        if args.dump:
            counters.profiles[args.profile].dump_stats(args.dump)


if __name__ == "__main__":
    main()
