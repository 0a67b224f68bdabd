"""One place that knows the project, the region and where the emulators are.

Read once from the environment (``env/README.md`` lists every variable). Under the emulators the
project id must be explicit and credentials anonymous, so the clients module asks here.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PROJECT_ID = "demo-foundation"
DEFAULT_REGION = "us-central1"
DEV_CURSOR_SECRET = "dev-cursor-secret-for-the-emulators-only"
"""Signs page cursors under the emulators when ``FOUNDATION_CURSOR_SECRET`` is unset."""


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The process's view of its environment."""

    project_id: str
    region: str
    firestore_emulator_host: str | None
    auth_emulator_host: str | None
    pubsub_emulator_host: str | None
    storage_emulator_host: str | None
    tasks_emulator_host: str | None
    static_dir: Path
    cursor_secret_value: str | None = None
    files_bucket: str = ""
    files_upload_origin: str | None = None
    """The browser origin resumable upload sessions are opened for (CORS), e.g. the web app's."""

    @property
    def uses_emulators(self) -> bool:
        """True when any emulator is configured: clients then use anonymous credentials."""
        return any(
            (
                self.firestore_emulator_host,
                self.auth_emulator_host,
                self.pubsub_emulator_host,
                self.storage_emulator_host,
            )
        )

    @property
    def cursor_secret(self) -> str:
        """The key that signs page cursors (``shared.cursors``): ``FOUNDATION_CURSOR_SECRET``,
        or a fixed development key under the emulators. Production without one is a
        deployment error, answered ``internal`` by every list until it is set."""
        if self.cursor_secret_value:
            return self.cursor_secret_value
        if self.uses_emulators:
            return DEV_CURSOR_SECRET
        raise RuntimeError("FOUNDATION_CURSOR_SECRET is not set")


def _project_id() -> str:
    for name in ("GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT"):
        if value := os.environ.get(name):
            return value
    if config := os.environ.get("FIREBASE_CONFIG"):
        try:
            return str(json.loads(config)["projectId"])
        except (ValueError, KeyError):
            pass
    return DEFAULT_PROJECT_ID


def _static_dir() -> Path:
    if value := os.environ.get("FOUNDATION_STATIC_DIR"):
        return Path(value)
    # Both in the repository and in the deploy staging folder, static/ sits beside shared/.
    return Path(__file__).resolve().parent.parent / "static"


@functools.cache
def get_settings() -> Settings:
    """The settings of this process, read from the environment on first use."""
    env = os.environ.get
    return Settings(
        project_id=_project_id(),
        region=env("FUNCTION_REGION") or env("FOUNDATION_REGION") or DEFAULT_REGION,
        firestore_emulator_host=env("FIRESTORE_EMULATOR_HOST"),
        auth_emulator_host=env("FIREBASE_AUTH_EMULATOR_HOST"),
        pubsub_emulator_host=env("PUBSUB_EMULATOR_HOST"),
        storage_emulator_host=env("STORAGE_EMULATOR_HOST"),
        tasks_emulator_host=env("CLOUD_TASKS_EMULATOR_HOST"),
        static_dir=_static_dir(),
        cursor_secret_value=env("FOUNDATION_CURSOR_SECRET"),
        files_bucket=env("FOUNDATION_FILES_BUCKET") or f"{_project_id()}.appspot.com",
        files_upload_origin=env("FOUNDATION_FILES_UPLOAD_ORIGIN"),
    )
