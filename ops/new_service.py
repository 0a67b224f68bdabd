"""Generate a new service in the example's pattern: ``make new-service NAME=billing``.

Creates ``functions/<name>/`` (``models/items.py``, ``repositories.py``, ``items.py`` (the
domain), ``api/items.py`` (callables), ``public.py`` (what other services may call), a Firestore
trigger that emits events, a migrations package, a README), its integration and rules tests, a
rules block in ``firestore.rules``, the permission in ``static/roles.yaml`` for tenant admins,
and exposes the functions in ``functions/main.py``. The generated tests pass as generated
(``make test``).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates" / "service"
NAME = re.compile(r"[a-z][a-z0-9]{1,29}")
RESERVED = {"shared", "main", "tests", "static", "example", "ops", "bench"}
RULES_MARKER = "// new-service: generated services' rules go above this line"


def render(template: str, name: str) -> str:
    values = {"name": name, "collection": f"{name}Items"}
    return Template((TEMPLATES / template).read_text()).substitute(values)


def planned_files(root: Path, name: str) -> dict[Path, str]:
    """Every new file and its template."""
    service = root / "functions" / name
    return {
        service / "__init__.py": "__init__.py.tmpl",
        service / "models" / "__init__.py": "models__init__.py.tmpl",
        service / "models" / "items.py": "models_items.py.tmpl",
        service / "repositories.py": "repositories.py.tmpl",
        service / "public.py": "public.py.tmpl",
        service / "items.py": "items.py.tmpl",
        service / "api" / "__init__.py": "api__init__.py.tmpl",
        service / "api" / "items.py": "api_items.py.tmpl",
        service / "triggers.py": "triggers.py.tmpl",
        service / "migrations" / "__init__.py": "migrations__init__.py.tmpl",
        service / "README.md": "README.md.tmpl",
        root / "tests" / "unit" / f"test_{name}_commands.py": "test_commands.py.tmpl",
        root / "tests" / "integration" / f"test_{name}_service.py": "test_service.py.tmpl",
        root / "rules-tests" / f"test_{name}_rules.py": "test_rules.py.tmpl",
    }


def expose_in_main(root: Path, name: str) -> None:
    """List the service's modules and functions in ``FUNCTIONS`` of ``functions/main.py``."""
    main = root / "functions" / "main.py"
    text = main.read_text()
    marker = "    # new-service: generated services go above this line\n"
    if marker not in text:
        raise SystemExit("functions/main.py has no new-service marker in FUNCTIONS")
    callables = f'"{name}_create_item", "{name}_rename_item", "{name}_list_items"'
    entries = (
        f'    "{name}.api.items": ({callables}),\n'
        f'    "{name}.triggers": ("{name}_on_item_written",),\n'
    )
    main.write_text(text.replace(marker, entries + marker))


def grant_to_tenant_admins(root: Path, name: str) -> None:
    """Add ``<name>.*`` to the tenant-admin role's permissions in ``static/roles.yaml``."""
    roles = root / "static" / "roles.yaml"
    lines = roles.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == "tenant-admin:")
    last_item = start
    for i in range(start + 1, len(lines)):
        stripped = lines[i].strip()
        if stripped.startswith("- "):
            last_item = i
        elif stripped and not stripped.startswith(("permissions:", "description:", "grantable:")):
            break
    indent = lines[last_item][: len(lines[last_item]) - len(lines[last_item].lstrip())]
    lines.insert(last_item + 1, f'{indent}- "{name}.*"\n')
    roles.write_text("".join(lines))


def add_rules(root: Path, name: str) -> None:
    rules = root / "firestore.rules"
    text = rules.read_text()
    if RULES_MARKER not in text:
        raise SystemExit(f"firestore.rules has no marker line: {RULES_MARKER}")
    block = (
        f"      // {name} service: members read, only functions write.\n"
        f"      match /{name}Items/{{itemId}} {{\n"
        "        allow read: if canReadTenant(tenantId);\n"
        "        allow create, update, delete: if false;\n"
        "      }\n\n"
    )
    marker_line = next(line for line in text.splitlines(keepends=True) if RULES_MARKER in line)
    rules.write_text(text.replace(marker_line, block + marker_line))


def tidy(root: Path, paths: list[Path]) -> None:
    """Format the new and edited Python files the way the repository's linters want them."""
    ruff = shutil.which("ruff", path=str(root / "functions" / "venv" / "bin")) or shutil.which(
        "ruff"
    )
    if ruff is None:
        return
    files = [str(p) for p in paths if p.suffix == ".py"]
    subprocess.run([ruff, "format", "-q", *files], cwd=root, check=True)
    subprocess.run([ruff, "check", "--fix", "-q", *files], cwd=root, check=False)
    subprocess.run([ruff, "format", "-q", *files], cwd=root, check=True)


def generate(root: Path, name: str) -> list[Path]:
    if not NAME.fullmatch(name) or name in RESERVED:
        raise SystemExit(
            f"NAME must be 2-30 lowercase letters or digits, starting with a letter, and not one "
            f"of {sorted(RESERVED)}: {name!r}"
        )
    files = planned_files(root, name)
    if (root / "functions" / name).exists():
        raise SystemExit(f"functions/{name} already exists")
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(template, name))
    expose_in_main(root, name)
    grant_to_tenant_admins(root, name)
    add_rules(root, name)
    changed = [*files, root / "functions" / "main.py"]
    tidy(root, changed)
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help="the service name, e.g. billing")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    changed = generate(args.root, args.name)
    for path in changed:
        print(f"wrote {path.relative_to(args.root)}")
    print("edited static/roles.yaml, firestore.rules; next: make test")


if __name__ == "__main__":
    main()
