"""Fixtures for every test tier; integration fixtures need the local stack."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def stack() -> None:
    """The running emulator suite (fails, never skips, outside ops/with-emulators)."""
    from tests.support.emulators import clear_auth, clear_firestore, require_stack

    require_stack()
    clear_firestore()
    clear_auth()
