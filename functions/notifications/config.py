"""The service's environment, read once into a typed object (env/README.md lists each)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    smtp_host: str
    smtp_port: int
    sender: str
    app_origin: str
    retry_base_seconds: int
    max_attempts: int
    fcm_endpoint: str | None
    nudge_delay_override: int | None
    digest_window_override: int | None


@functools.cache
def config() -> Config:
    nudge = os.environ.get("NOTIFICATIONS_NUDGE_DELAY_SECONDS")
    window = os.environ.get("NOTIFICATIONS_DIGEST_WINDOW_SECONDS")
    return Config(
        smtp_host=os.environ.get("NOTIFICATIONS_SMTP_HOST", "127.0.0.1"),
        smtp_port=int(os.environ.get("NOTIFICATIONS_SMTP_PORT", "2525")),
        sender=os.environ.get("NOTIFICATIONS_SENDER", "no-reply@foundation.local"),
        app_origin=os.environ.get("NOTIFICATIONS_APP_ORIGIN", "http://localhost:5173").rstrip("/"),
        retry_base_seconds=int(os.environ.get("NOTIFICATIONS_RETRY_BASE_SECONDS", "30")),
        max_attempts=int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "5")),
        fcm_endpoint=os.environ.get("NOTIFICATIONS_FCM_ENDPOINT") or None,
        nudge_delay_override=int(nudge) if nudge else None,
        digest_window_override=int(window) if window else None,
    )
