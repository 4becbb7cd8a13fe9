"""Add up pytest's JUnit XML reports and print one closing line for the whole run.

`make test` runs pytest twice (parallel unit tests, then the serial e2e/worker/slow
tests); this prints `tests: N passed, N failed, N skipped` for both together and exits
non-zero when anything failed or when no test ran at all, so CI never passes on zero tests.
"""

import sys
import xml.etree.ElementTree as ET


def totals(paths: list[str]) -> dict[str, int]:
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for path in paths:
        root = ET.parse(path).getroot()
        suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
        for suite in suites:
            for key in counts:
                counts[key] += int(suite.get(key, 0))
    return counts


def main(paths: list[str]) -> int:
    counts = totals(paths)
    failed = counts["failures"] + counts["errors"]
    passed = counts["tests"] - failed - counts["skipped"]
    print(f"tests: {passed} passed, {failed} failed, {counts['skipped']} skipped")
    if passed + failed == 0:
        print("tests: ERROR: no test ran", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
