"""Every service README carries a threat model whose cited tests exist.

A threat model is only as good as the tests it names: a row that cites a renamed or deleted
test would claim a protection nobody checks any more. So each ``path::test_name`` cited in a
service's ``## Threat model`` section must name a test function that is really in that file, a
bare `` `test_name` `` one defined in some test file, and every threat model writes in the
tenant admin as a possible attacker of their own users.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(
    path.parent.name for path in (ROOT / "functions").glob("*/public.py") if path.is_file()
)
CITATION = re.compile(r"`((?:tests|rules-tests)/[\w/.-]+\.(?:py|mjs))::(\w+)(?:\[[^\]]*\])?`")
BARE_NAME = re.compile(r"`(test_\w+)(?:\[[^\]]*\])?`")
TEST_FILES = [*ROOT.glob("tests/**/test_*.py"), *ROOT.glob("rules-tests/test_*.py")]


def threat_model(service: str) -> str:
    readme = (ROOT / "functions" / service / "README.md").read_text()
    _, found, rest = readme.partition("\n## Threat model\n")
    assert found, f"functions/{service}/README.md has no '## Threat model' section"
    return rest.split("\n## ", 1)[0]


def defines(path: Path, name: str) -> bool:
    text = path.read_text()
    if path.suffix == ".mjs":
        return re.search(rf"\b{re.escape(name)}\b", text) is not None
    return re.search(rf"^\s*(?:async )?def {re.escape(name)}\(", text, re.MULTILINE) is not None


def test_every_service_is_checked() -> None:
    assert {"auth", "customer", "example", "files", "messaging", "notifications", "user"} <= set(
        SERVICES
    )


@pytest.mark.parametrize("service", SERVICES)
def test_the_threat_model_cites_tests_that_exist(service: str) -> None:
    citations = CITATION.findall(threat_model(service))
    assert citations, f"the {service} threat model cites no test as `path::test_name`"
    missing = [
        f"{path}::{name}"
        for path, name in citations
        if not (ROOT / path).is_file() or not defines(ROOT / path, name)
    ]
    assert not missing, f"the {service} threat model cites tests that do not exist: {missing}"


@pytest.mark.parametrize("service", SERVICES)
def test_the_threat_models_bare_test_names_exist(service: str) -> None:
    names = set(BARE_NAME.findall(threat_model(service)))
    missing = sorted(name for name in names if not any(defines(f, name) for f in TEST_FILES))
    assert not missing, f"the {service} threat model names tests that do not exist: {missing}"


@pytest.mark.parametrize("service", SERVICES)
def test_the_threat_model_writes_in_the_tenant_admin(service: str) -> None:
    assert "tenant admin" in threat_model(service).lower()
