"""Versioned data migrations, applied in order and recorded in ``_migrations``.

A migration is a module with ``VERSION`` (a sortable string such as ``"0001"``), ``DESCRIPTION``
and ``apply() -> int`` (documents changed). ``apply`` must be safe to re-run: it is applied again
if the run dies before the record is written. ``ops/migrate`` runs every service's migrations.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from datetime import UTC, datetime
from types import ModuleType

from shared import logs, paths
from shared.clients import firestore_client

COLLECTION = "_migrations"
_log = logs.get_logger("migrations")


@dataclass(frozen=True)
class Migration:
    """One discovered migration module."""

    service: str
    version: str
    description: str
    module: ModuleType

    @property
    def key(self) -> str:
        return f"{self.service}-{self.version}"


def discover(package_names: list[str]) -> list[Migration]:
    """The migrations of each ``<service>.migrations`` package, ordered by service, version."""
    found = []
    for package_name in package_names:
        try:
            package = importlib.import_module(f"{package_name}.migrations")
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            version = getattr(module, "VERSION", None)
            if version is None or not callable(getattr(module, "apply", None)):
                continue
            found.append(Migration(package_name, str(version), module.DESCRIPTION, module))
    return sorted(found, key=lambda m: (m.service, m.version))


def pending(migrations: list[Migration]) -> list[Migration]:
    """The migrations with no record in ``_migrations`` (one batched read)."""
    collection = paths.root_collection(COLLECTION)
    refs = [firestore_client().document(str(collection.document(m.key))) for m in migrations]
    done = {s.id for s in firestore_client().get_all(refs) if s.exists} if refs else set()
    return [m for m in migrations if m.key not in done]


def run(package_names: list[str]) -> list[tuple[str, int]]:
    """Apply every pending migration in order; returns ``(key, documents changed)`` pairs."""
    applied = []
    collection = paths.root_collection(COLLECTION)
    for migration in pending(discover(package_names)):
        changed = int(migration.module.apply())
        firestore_client().document(str(collection.document(migration.key))).set(
            {
                "service": migration.service,
                "version": migration.version,
                "description": migration.description,
                "changed": changed,
                "appliedAt": datetime.now(UTC),
            }
        )
        _log.info("migration applied", extra={"fields": {"key": migration.key, "changed": changed}})
        applied.append((migration.key, changed))
    return applied
