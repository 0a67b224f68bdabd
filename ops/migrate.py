"""Apply every pending migration of every service, in order, and record each.

    ops/with-emulators python ops/migrate.py        (or `make migrate`)
    python ops/migrate.py                           (against a real project: ADC + GCLOUD_PROJECT)

A migration is a module ``functions/<service>/migrations/mNNNN_*.py`` with ``VERSION``,
``DESCRIPTION`` and an idempotent ``apply()``; applied ones are recorded in ``_migrations``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]

from shared import migrations  # noqa: E402


def services() -> list[str]:
    """Every service package under functions/ (a directory with an ``__init__.py``)."""
    return sorted(p.parent.name for p in (ROOT / "functions").glob("*/__init__.py"))


def main() -> None:
    applied = migrations.run(services())
    for key, changed in applied:
        print(f"applied {key}: {changed} documents changed")
    if not applied:
        print("no pending migrations")


if __name__ == "__main__":
    main()
