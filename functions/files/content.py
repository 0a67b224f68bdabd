"""Does a stored body match its receipt? Size, declared type and magic bytes (pure).

The bucket already refuses another content type or a larger body in production (the signed
URL binds them); this check also catches a body whose bytes are not what its type claims
(a script uploaded as ``image/png``), and holds the emulator, which binds nothing, to the same
result.
"""

from __future__ import annotations

from dataclasses import dataclass

HEAD_BYTES = 512
"""How much of a body the magic-byte check reads."""

_ZIP = (b"PK\x03\x04",)
_PREFIXES: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/pdf": (b"%PDF-",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _ZIP,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _ZIP,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": _ZIP,
}


@dataclass(frozen=True)
class StoredObject:
    """What the bucket holds for one object (read back when its notification arrives)."""

    name: str
    size: int
    content_type: str
    md5_hash: str | None
    crc32c: str | None
    generation: str
    head: bytes


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The head may end inside a multi-byte character; anything earlier is not UTF-8.
        return error.start >= len(head) - 3 and len(head) == HEAD_BYTES
    return True


def magic_matches(content_type: str, head: bytes) -> bool:
    """True when the first bytes are what ``content_type`` starts with."""
    if content_type == "image/webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if content_type.startswith("text/"):
        return _is_text(head)
    prefixes = _PREFIXES.get(content_type)
    return prefixes is not None and head.startswith(prefixes)


def rejection_reason(declared_type: str, declared_size: int, stored: StoredObject) -> str | None:
    """Why the stored body does not match its receipt, or None when it does."""
    if stored.size <= 0:
        return "empty"
    if stored.size > declared_size:
        return "larger-than-declared"
    stored_type = stored.content_type.split(";", 1)[0].strip().lower()
    if stored_type != declared_type:
        return "content-type-mismatch"
    if not magic_matches(declared_type, stored.head):
        return "content-does-not-match-type"
    return None
