"""Server CPU per request: the server's processes plus the database processes serving them.

CPU per request stays comparable on a shared machine when throughput does not, so the benchmarks report it
beside req/s (`bench/databases.py` says which database processes belong to a server).
"""

import psutil


def process_tree(root_pid: int) -> list[psutil.Process]:
    root = psutil.Process(root_pid)
    return [root, *root.children(recursive=True)]


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
    """Measures a server's process tree and, when given, its database processes across one load run."""

    def __init__(self, server_pid: int, database_pids=None):
        self.server_pid, self.database_pids = server_pid, database_pids

    def _pids(self) -> tuple[set[int], set[int]]:
        workers = {process.pid for process in process_tree(self.server_pid)}
        return workers, (self.database_pids() if self.database_pids else set())

    def __enter__(self):
        workers, database = self._pids()
        self.before = cpu_seconds(workers | database)
        return self

    def __exit__(self, *exc):
        workers, database = self._pids()
        after = cpu_seconds(workers | database)
        # A process that started during the run counts whole; one that ended is lost (persistent connections
        # and long-lived workers make both rare).
        used = {pid: value - self.before.get(pid, 0.0) for pid, value in after.items()}
        self.server_seconds = sum(value for pid, value in used.items() if pid in workers)
        self.database_seconds = sum(value for pid, value in used.items() if pid not in workers)
        self.seconds = self.server_seconds + self.database_seconds
        return False
