"""`.ci/summary.py`: the closing line of a CI run sums every stage's JUnit report and fails a run that ran nothing."""

import importlib.util
from pathlib import Path

import pytest

SUMMARY = Path(__file__).resolve().parents[1] / ".ci" / "summary.py"


@pytest.fixture(scope="module")
def summary():
    spec = importlib.util.spec_from_file_location("ci_summary", SUMMARY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_report(path: Path, tests: int, failures: int = 0, errors: int = 0, skipped: int = 0, nested=True) -> str:
    suite = f'<testsuite name="pytest" tests="{tests}" failures="{failures}" errors="{errors}" skipped="{skipped}"/>'
    path.write_text(f"<testsuites>{suite}</testsuites>" if nested else suite)
    return str(path)


def test_sums_every_report_into_one_plain_closing_line(summary, tmp_path, capsys):
    reports = [
        write_report(tmp_path / "sqlite.xml", tests=10, skipped=2),
        write_report(tmp_path / "faults.xml", tests=5, nested=False),
    ]

    assert summary.main(reports) == 0

    assert capsys.readouterr().out.splitlines()[-1] == "ci: 13 passed, 0 failed, 2 skipped"


def test_a_run_that_executed_no_test_fails(summary, tmp_path, capsys):
    assert summary.main([write_report(tmp_path / "empty.xml", tests=0)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "ci: 0 passed, 0 failed, 0 skipped"


def test_failures_and_errors_count_as_failed(summary, tmp_path, capsys):
    report = write_report(tmp_path / "mysql.xml", tests=8, failures=1, errors=1)

    assert summary.main([report]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "ci: 6 passed, 2 failed, 0 skipped"
