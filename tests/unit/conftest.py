"""Fixtures several unit-test modules share."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from shared import settings as shared_settings


@pytest.fixture
def emulators(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """``uses_emulators`` as the test says (loopback destinations are allowed only under the
    emulators, so a test of the production refusals turns them off)."""

    def use(on: bool) -> None:
        found = dataclasses.replace(
            shared_settings.get_settings(),
            firestore_emulator_host="127.0.0.1:8080" if on else None,
            auth_emulator_host=None,
            pubsub_emulator_host=None,
            storage_emulator_host=None,
        )
        monkeypatch.setattr(shared_settings, "get_settings", lambda: found)

    return use
