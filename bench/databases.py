"""Benchmark databases on this machine's PostgreSQL or MariaDB: create, empty tables, and whose CPU to count.

PostgreSQL backends are attributed by `application_name`; MariaDB runs every connection in one process, so a
MariaDB run counts the whole `mariadbd` (benchmarks run one system at a time).
"""

import subprocess

import psutil
import psycopg


class BenchDatabase:
    def __init__(self, engine: str, name: str):
        assert engine in ("postgresql", "mysql"), engine
        self.engine, self.name = engine, name

    def url(self, application_name: str) -> str:
        if self.engine == "postgresql":
            return f"postgresql://postgres@127.0.0.1:5432/{self.name}?application_name={application_name}"
        return f"mysql://root@127.0.0.1:3306/{self.name}"

    def recreate(self) -> None:
        if self.engine == "postgresql":
            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{self.name}"')
        else:
            self.mysql(f"DROP DATABASE IF EXISTS `{self.name}`; CREATE DATABASE `{self.name}` CHARACTER SET utf8mb4")

    def truncate(self, *tables: str) -> None:
        if self.engine == "postgresql":
            with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{self.name}", autocommit=True) as conn:
                conn.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            statements = "; ".join(f"TRUNCATE TABLE `{table}`" for table in tables)
            self.mysql(f"USE `{self.name}`; SET FOREIGN_KEY_CHECKS = 0; {statements}; SET FOREIGN_KEY_CHECKS = 1")

    def analyze(self, *tables: str) -> None:
        """Fresh planner statistics, as a long-running service has (autovacuum's first ANALYZE of a table refilled
        after a TRUNCATE comes up to a minute later; until then PostgreSQL can pick an index that reads every row
        of the queue for each hand-out)."""
        if self.engine == "postgresql":
            with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{self.name}", autocommit=True) as conn:
                conn.execute(f"ANALYZE {', '.join(tables)}")
        else:
            self.mysql(f"USE `{self.name}`; ANALYZE TABLE {', '.join(f'`{table}`' for table in tables)}")

    def quiesce(self) -> None:
        """PostgreSQL: VACUUM ANALYZE the whole database now, so autovacuum does not wake up in the middle of the
        next load run (after a write scenario it would, taking CPU from whichever server runs then)."""
        if self.engine == "postgresql":
            with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{self.name}", autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")

    def server_pids(self, application_name: str) -> set[int]:
        if self.engine == "mysql":
            return {p.pid for p in psutil.process_iter(["name"]) if p.info["name"] in ("mariadbd", "mysqld")}
        sql = (
            "SELECT pid FROM pg_stat_activity "
            f"WHERE datname = '{self.name}' AND application_name = '{application_name}'"
        )
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            return {row[0] for row in conn.execute(sql).fetchall()}

    @staticmethod
    def mysql(sql: str) -> None:
        subprocess.run(["mariadb", "-uroot", "-h127.0.0.1", "-e", sql], check=True)
