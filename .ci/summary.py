"""Print one closing line for the whole CI run from the JUnit reports its pytest stages wrote.

The last stage (schemathesis) closes with a pytest-style line that counts no test, so without this line a
reader of the log's end sees a run that "executed no test". Exits non-zero when nothing ran or anything failed.
"""

import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path


def suite_counts(report: Path) -> tuple[int, int, int]:
    """(tests, failed, skipped) of one JUnit XML file, over all its <testsuite> elements."""
    root = ElementTree.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    tests = failed = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return tests, failed, skipped


def main(report_paths: list[str]) -> int:
    reports = [Path(path) for path in report_paths]
    totals = [suite_counts(report) for report in reports]
    tests = sum(t for t, _, _ in totals)
    failed = sum(f for _, f, _ in totals)
    skipped = sum(s for _, _, s in totals)
    passed = tests - failed - skipped
    for report, (t, f, s) in zip(reports, totals, strict=True):
        print(f"  {report.parent.name}/{report.stem}: {t - f - s} passed, {f} failed, {s} skipped")
    print(f"ci: {passed} passed, {failed} failed, {skipped} skipped")
    return 0 if passed > 0 and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
