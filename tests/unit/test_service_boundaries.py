"""Services meet only through each other's ``public`` module (STYLE.md, issue 10).

An AST scan of every module under ``functions/<service>/``, imports inside functions and under
``TYPE_CHECKING`` included: a service may import another service's ``public`` and nothing else
of it (no repositories, models or domain modules), so each service may change how it stores and
computes its data without breaking another. There are no exceptions.
"""

from __future__ import annotations

import ast
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
SKIPPED = {"venv", "__pycache__"}


def _services() -> set[str]:
    return {
        d.name
        for d in FUNCTIONS.iterdir()
        if d.is_dir() and d.name not in SKIPPED and (d / "__init__.py").exists()
    }


def _modules(service: str) -> list[Path]:
    root = FUNCTIONS / service
    return sorted(p for p in root.rglob("*.py") if not SKIPPED & set(p.relative_to(root).parts))


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    """Every absolute import as ``(line, dotted name)``; ``from a import b`` gives ``a.b``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _crossings(source: str, service: str, services: set[str]) -> list[tuple[int, str]]:
    """The imports in ``source`` (of ``service``) that reach past another service's public."""
    bad = []
    for line, name in _imported(ast.parse(source)):
        parts = name.split(".")
        foreign = parts[0] in services and parts[0] != service
        if foreign and (len(parts) < 2 or parts[1] != "public"):
            bad.append((line, name))
    return bad


def test_a_service_imports_nothing_of_another_service_but_its_public() -> None:
    services = _services()
    offences = [
        f"{path.relative_to(FUNCTIONS)}:{line}: {name}"
        for service in sorted(services)
        for path in _modules(service)
        for line, name in _crossings(path.read_text(), service, services)
    ]
    assert offences == []


def test_the_scan_finds_every_kind_of_crossing_import() -> None:
    source = (
        "from customer import repositories\n"
        "import customer.models\n"
        "from customer.models import Tenant\n"
        "def f():\n"
        "    from customer.joining import Joined\n"
        "if TYPE_CHECKING:\n"
        "    from customer.models.external import ExternalUser\n"
    )
    assert [line for line, _ in _crossings(source, "user", {"user", "customer"})] == [
        1,
        2,
        3,
        5,
        7,
    ]


def test_the_scan_lets_a_service_import_another_services_public_and_its_own_modules() -> None:
    source = (
        "from customer import public\n"
        "from customer.public import Joined\n"
        "import customer.public\n"
        "from user import repositories\n"
        "from . import models\n"
        "from shared import events\n"
    )
    assert _crossings(source, "user", {"user", "customer"}) == []


def test_every_service_has_a_public_module() -> None:
    assert [s for s in sorted(_services()) if not (FUNCTIONS / s / "public.py").exists()] == []
