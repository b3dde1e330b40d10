"""MySQL/MariaDB go through mysqlclient, the C driver the image ships, wherever `make install` could build it."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from settings.database import use_mysql_driver

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "from settings.database import database_from_url; database_from_url('mysql://root@127.0.0.1/x'); "
    "import MySQLdb; print(MySQLdb.__name__)"
)


def real_mysqlclient_installed() -> bool:
    spec = importlib.util.find_spec("MySQLdb")
    return spec is not None and "pymysql" not in (spec.origin or "")


def test_the_mysql_settings_load_the_driver_that_is_installed():
    """In a fresh interpreter: mysqlclient when it is installed, else PyMySQL standing in as MySQLdb."""
    probe = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == ("MySQLdb" if real_mysqlclient_installed() else "pymysql")


def test_ci_builds_mysqlclient():
    """`.ci/run` installs the MariaDB client headers, so the MariaDB pass runs on the driver production uses."""
    if os.environ.get("REQUIRE_SERVICES"):
        assert real_mysqlclient_installed(), "mysqlclient is not installed: were the MariaDB client headers missing?"
    assert use_mysql_driver() == ("mysqlclient" if real_mysqlclient_installed() else "pymysql")
