"""Server CPU per request: the server's processes plus the PostgreSQL backends they use, read from /proc.

CPU per request stays comparable on a shared machine when throughput does not, so the benchmarks report it
beside req/s. Backends are found by `application_name` (set in each server's DATABASE_URL).
"""

import subprocess

import psutil


def process_tree(root_pid: int) -> list[psutil.Process]:
    root = psutil.Process(root_pid)
    return [root, *root.children(recursive=True)]


def backend_pids(database: str, application_name: str) -> list[int]:
    sql = f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}' AND application_name = '{application_name}'"
    output = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [int(line) for line in output.split()]


def cpu_seconds(pids: set[int]) -> dict[int, float]:
    """user + system CPU seconds of each live process (children that exited are not counted)."""
    seconds = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        seconds[pid] = times.user + times.system
    return seconds


class ServerCpu:
    """Measures a gunicorn server's workers and its PostgreSQL backends across one load run."""

    def __init__(self, server_pid: int, database: str, application_name: str):
        self.server_pid, self.database, self.application_name = server_pid, database, application_name

    def _pids(self) -> set[int]:
        workers = {process.pid for process in process_tree(self.server_pid)}
        return workers | set(backend_pids(self.database, self.application_name))

    def __enter__(self):
        self.before = cpu_seconds(self._pids())
        return self

    def __exit__(self, *exc):
        after = cpu_seconds(self._pids())
        # A process that started during the run counts whole; one that ended is lost (persistent connections
        # and long-lived workers make both rare).
        self.seconds = sum(value - self.before.get(pid, 0.0) for pid, value in after.items())
        return False
