"""Structured JSON log lines that Cloud Logging understands.

Each line carries ``severity``, ``message``, the trace id when there is one, and the context of
the current invocation (function name, tenant id), set once per call by the entry wrappers.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging as _logging
import os
import sys
import time
from collections.abc import Iterator
from typing import Any

from shared.settings import get_settings

_context: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar(
    "foundation_log_context",
    default={},  # noqa: B039 -- never mutated: bind() sets a new dict
)
_SEVERITY = {
    "DEBUG": "DEBUG",
    "INFO": "INFO",
    "WARNING": "WARNING",
    "ERROR": "ERROR",
    "CRITICAL": "CRITICAL",
}


class JsonFormatter(_logging.Formatter):
    """Formats a record as one JSON object per line."""

    def format(self, record: _logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "severity": _SEVERITY.get(record.levelname, "DEFAULT"),
            "message": record.getMessage(),
            "logger": record.name,
            **_context.get(),
        }
        trace = entry.pop("trace", None)
        if trace:
            project = get_settings().project_id
            entry["logging.googleapis.com/trace"] = f"projects/{project}/traces/{trace}"
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["stack_trace"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def get_logger(name: str) -> _logging.Logger:
    """A logger writing JSON lines to stdout (configured once for the ``foundation`` tree)."""
    root = _logging.getLogger("foundation")
    if not root.handlers:
        handler = _logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
        root.setLevel(os.environ.get("FOUNDATION_LOG_LEVEL", "INFO").upper())
        root.propagate = False
    return root.getChild(name)


def bind(**fields: Any) -> None:
    """Add fields (e.g. ``tenantId``) to every line logged for the rest of this invocation."""
    _context.set({**_context.get(), **{k: v for k, v in fields.items() if v is not None}})


@contextlib.contextmanager
def invocation(function: str, **fields: Any) -> Iterator[None]:
    """Scope of one function invocation: binds its name and logs its latency when it ends."""
    token = _context.set({"function": function, **fields})
    started = time.perf_counter()
    outcome = "ok"
    try:
        yield
    except BaseException:
        outcome = "error"
        raise
    finally:
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        get_logger("invocation").info(
            "%s finished", function, extra={"fields": {"latencyMs": latency_ms, "outcome": outcome}}
        )
        _context.reset(token)
