"""Thumbnails of image files, made with Pillow (imported only when an image is thumbnailed).

A ready image gets ``thumbnails/{tenantId}/{groupingId}/{fileId}/{generation}.webp``
(at most 256 px a side, EXIF orientation applied; a replaced body gets a new one, and the
reconciliation sweep removes the old). That prefix is not one the storage consumer reads
(:func:`files.storage_events.parse_object_path` knows only ``content/`` and ``assets/``), so
the thumbnail's own notification is ignored: the consumer never processes its own output.

Idempotent: the path derives from the receipt, an existing thumbnail is left alone, and the
write itself is create-only (``ifGenerationMatch=0``), so a redelivered notification writes
nothing. A body Pillow cannot read, or whose header claims more than ``MAX_PIXELS``, is simply
left without a thumbnail (logged), never retried; nor is any other failure of :func:`ensure`,
which never raises.
Thumbnails go with their file (:func:`files.cleanup.remove`, an object deletion, the
reconciliation sweep).
"""

from __future__ import annotations

import io
from typing import Any

from files import objects
from files.models.receipts import FileReceipt, FileStatus
from shared import logs

PREFIX = "thumbnails"
SIDE = 256
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
MAX_SOURCE_BYTES = 26_214_400
MAX_PIXELS = 50_000_000
"""Larger images are not decoded: checked from the header, before any pixel is (Pillow's own
``MAX_IMAGE_PIXELS`` only warns below twice its value)."""
FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
"""The decoders Pillow may try (those of ``IMAGE_TYPES``), no other."""
ORIENTATION_TAG = 0x0112
"""EXIF orientation, applied to the thumbnail (not the full image, as
``ImageOps.exif_transpose`` would, decoding it first)."""
_log = logs.get_logger("files.thumbnails")


def thumbnail_path(receipt: FileReceipt) -> str | None:
    """Where the receipt's thumbnail lives; None for a file that gets none (not an image).

    The object's folder under ``thumbnails/``: ``{tenantId}/{groupingId}/{fileId}``, or, for a
    receipt made before tokens left object paths, that plus its old token folder (derived from
    the stored path, never from the token, so replacing a token leaves the thumbnail found)."""
    if receipt.content_type not in IMAGE_TYPES or receipt.generation is None:
        return None
    folder = receipt.object_path.split("/", 1)[1].rsplit("/", 1)[0]
    return f"{PREFIX}/{folder}/{receipt.generation}.webp"


def render(body: bytes) -> bytes:
    """The thumbnail of an image body (WebP); ``ValueError`` if it is not a readable image or
    claims more than ``MAX_PIXELS``. The size is checked from the header (``Image.open`` reads
    no pixels) before anything is decoded; a JPEG is decoded at a reduced scale (``draft``),
    and the EXIF orientation is applied to the small picture, not the full one."""
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(body), formats=FORMATS) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValueError(f"{width}x{height} is over {MAX_PIXELS} pixels")
            orientation = image.getexif().get(ORIENTATION_TAG, 1)
            image.seek(0)  # the first frame of an animation
            if image.format == "JPEG":
                image.draft("RGB", (SIDE, SIDE))  # decode at 1/2 to 1/8 scale, >= SIDE
            image.thumbnail((SIDE, SIDE))  # in place: the first and only full decode
            picture = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
            if (method := _transposition(orientation)) is not None:
                picture = picture.transpose(method)
            out = io.BytesIO()
            picture.save(out, format="WEBP", quality=80)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, EOFError) as error:
        raise ValueError(str(error)) from error


def _transposition(orientation: object) -> Any:
    """The ``Image.Transpose`` that rights an EXIF orientation (``exif_transpose``'s table)."""
    from PIL import Image

    turn = Image.Transpose
    return {
        2: turn.FLIP_LEFT_RIGHT,
        3: turn.ROTATE_180,
        4: turn.FLIP_TOP_BOTTOM,
        5: turn.TRANSPOSE,
        6: turn.ROTATE_270,
        7: turn.TRANSVERSE,
        8: turn.ROTATE_90,
    }.get(orientation)  # type: ignore[call-overload]


def ensure(receipt: FileReceipt) -> str:
    """Make the ready image's thumbnail unless it exists; what happened. Never raises: it runs
    after the receipt committed (a raise would fail the consumer, whose retry could only loop),
    so any failure is logged and leaves the file without a thumbnail."""
    try:
        return _ensure(receipt)
    except Exception:
        _log.exception("thumbnail failed", extra={"fields": {"fileId": receipt.id}})
        return "failed"


def _ensure(receipt: FileReceipt) -> str:
    path = thumbnail_path(receipt)
    if path is None or receipt.status is not FileStatus.READY:
        return "none"
    if objects.exists(path):
        return "exists"
    body = objects.read(receipt.object_path, max_bytes=MAX_SOURCE_BYTES)
    if body is None:
        return "none"
    try:
        thumb = render(body)
    except ValueError as error:
        _log.info("no thumbnail", extra={"fields": {"fileId": receipt.id, "why": str(error)}})
        return "unreadable"
    return "made" if objects.create(path, thumb, "image/webp") else "exists"


def delete(receipt: FileReceipt) -> None:
    path = thumbnail_path(receipt)
    if path is not None:
        objects.delete(path)
