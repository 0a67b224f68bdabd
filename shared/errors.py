"""The error hierarchy, and how each error reaches a client of a callable.

Domain code raises these; the callable wrapper turns them into ``HttpsError`` with the matching
code, a machine-readable ``details.type`` (e.g. ``roles/unencompassed``) and, for validation,
the offending fields. Anything else is logged and answered as ``internal`` with no internals.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import ValidationError


class AppError(Exception):
    """Base of every error a caller may see. ``code`` is the callable error code."""

    code: ClassVar[str] = "internal"
    default_type: ClassVar[str] = "internal"

    def __init__(
        self,
        message: str,
        *,
        type: str | None = None,
        fields: list[dict[str, str]] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.type = type or self.default_type
        self.fields = fields or []
        self.extra = extra

    @property
    def details(self) -> dict[str, Any]:
        """The ``details`` object of the callable error: ``type``, ``fields`` and extras."""
        details: dict[str, Any] = {"type": self.type, **self.extra}
        if self.fields:
            details["fields"] = self.fields
        return details


class InvalidArgument(AppError):
    """The request is malformed; ``fields`` names each offending field."""

    code = "invalid-argument"
    default_type = "validation/invalid"


class Unauthenticated(AppError):
    code = "unauthenticated"
    default_type = "auth/unauthenticated"


class PermissionDenied(AppError):
    code = "permission-denied"
    default_type = "auth/forbidden"


class NotFound(AppError):
    code = "not-found"
    default_type = "resource/not-found"


class AlreadyExists(AppError):
    code = "already-exists"
    default_type = "resource/already-exists"


class FailedPrecondition(AppError):
    code = "failed-precondition"
    default_type = "state/failed-precondition"


class ResourceExhausted(AppError):
    code = "resource-exhausted"
    default_type = "quota/exhausted"


class Contention(AppError):
    """Too many writers at once on the same documents: nothing was written, and the caller may
    retry (callable code ``aborted``, which clients treat as retryable)."""

    code = "aborted"
    default_type = "concurrency/contention"


def field_name(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a dotted path: ``("items", 0, "name")`` -> ``items.0.name``."""
    return ".".join(str(part) for part in loc) or "(request)"


def invalid_argument_from(error: ValidationError) -> InvalidArgument:
    """Turn a pydantic validation error into ``InvalidArgument`` naming every bad field."""
    fields = [{"field": field_name(item["loc"]), "message": item["msg"]} for item in error.errors()]
    names = ", ".join(dict.fromkeys(f["field"] for f in fields))
    return InvalidArgument(f"Invalid request: {names}", fields=fields)
