"""Fixtures of the rules tests: the emulator running the current firestore.rules, one seeded world
per test module, and the emulator's coverage report at the end of the run.

Run under the local stack (``ops/with-emulators ... pytest rules-tests``); without
``FIRESTORE_EMULATOR_HOST`` every test fails, it never skips.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

# rules-tests/ is no package (its name has a dash): its helper modules are imported by name.
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from rules_client import clear_documents, load_rules, rule_coverage  # noqa: E402
from rules_coverage import read_coverage  # noqa: E402
from rules_world import World, build_world  # noqa: E402

RULES = HERE.parent / "firestore.rules"
COVERAGE_DIR = HERE / "coverage"
RULES_LOADED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def emulator_rules(request: pytest.FixtureRequest) -> None:
    """The emulator with no documents left and the current firestore.rules loaded."""
    clear_documents()
    load_rules(RULES.read_text())
    request.config.stash[RULES_LOADED] = True


@pytest.fixture(scope="module")
def world(emulator_rules: None) -> World:
    """Two fresh tenants with their people and one document of every collection."""
    return build_world()


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Keep the coverage report in rules-tests/coverage/ and print its figure (even with -q)."""
    if not config.stash.get(RULES_LOADED, False):
        return
    try:
        report, page = rule_coverage()
    except Exception as error:  # the figure must not hide the tests' own outcome
        terminalreporter.write_line(f"rules coverage: unavailable ({error})")
        return
    COVERAGE_DIR.mkdir(exist_ok=True)
    (COVERAGE_DIR / "firestore-coverage.json").write_text(json.dumps(report, indent=1))
    (COVERAGE_DIR / "firestore-coverage.html").write_text(page)
    coverage = read_coverage(report)
    terminalreporter.write_line(coverage.summary())
    for line in coverage.gaps():
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"rules coverage report: {COVERAGE_DIR}/firestore-coverage.html")
