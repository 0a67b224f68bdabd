"""Cloud Tasks: enqueue work for a task-queue function, and the idempotent handler wrapper.

The Admin SDK sends the enqueued object as the whole request body, while ``tasks_fn`` handlers
read ``{"data": ...}``; :func:`enqueue` wraps the payload so no caller has to remember that.
A task id deduplicates: enqueuing the same id twice creates one task.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from shared import logs
from shared.errors import AppError
from shared.settings import get_settings

M = TypeVar("M", bound=BaseModel)
_log = logs.get_logger("tasks")
_TASK_ID = re.compile(r"[A-Za-z0-9_-]{1,500}")


def enqueue(
    function_name: str,
    payload: BaseModel | dict[str, Any],
    *,
    at: datetime | None = None,
    delay_seconds: int | None = None,
    task_id: str | None = None,
) -> str | None:
    """Queue a task for ``function_name``; returns the task id, or None when ``task_id``
    was already queued (deduplicated)."""
    from firebase_admin import exceptions as admin_errors
    from firebase_admin import functions as admin_functions

    from shared.clients import task_queue

    data = (
        payload.model_dump(by_alias=True, mode="json")
        if isinstance(payload, BaseModel)
        else payload
    )
    options = admin_functions.TaskOptions(
        schedule_time=at, schedule_delay_seconds=delay_seconds, task_id=task_id
    )
    if task_id is not None and not _TASK_ID.fullmatch(task_id):
        raise ValueError(f"task_id must match {_TASK_ID.pattern}: {task_id!r}")
    try:
        return task_queue(function_name).enqueue({"data": data}, options)
    except (admin_errors.AlreadyExistsError, admin_errors.ConflictError):
        # Cloud Tasks answers ALREADY_EXISTS; the Cloud Tasks emulator a bare 409 (Conflict).
        _log.info("task already queued", extra={"fields": {"taskId": task_id}})
        return None
    except ValueError:
        # firebase-admin drops the first character of the task name the Cloud Tasks emulator
        # answers, which starts with '/' only for generated ids; the task was queued.
        if task_id is None or not get_settings().tasks_emulator_host:
            raise
        return task_id


def task_handler(model: type[M]) -> Callable[[Callable[[M], None]], Callable[[Any], None]]:
    """Wrap ``handler(payload)`` for ``tasks_fn.on_task_dispatched``.

    A payload that does not validate can never succeed, so it is logged and dropped rather than
    retried; any other failure propagates and Cloud Tasks retries with backoff. The handler
    itself must be idempotent (each says how in its docstring).
    """

    def decorate(handler: Callable[[M], None]) -> Callable[[Any], None]:
        @functools.wraps(handler)
        def run(request: Any) -> None:
            with logs.invocation(handler.__name__):
                try:
                    payload = model.model_validate(request.data or {})
                except ValidationError as error:
                    _log.error(
                        "dropping malformed task", extra={"fields": {"errors": error.errors()}}
                    )
                    return
                try:
                    handler(payload)
                except AppError as error:
                    # Domain refusals (the subject is gone...) are final: retrying changes nothing.
                    _log.warning("task refused: %s", error.message, extra={"fields": error.details})

        return run

    return decorate
