"""Thumbnails of image files, made with Pillow (imported only when an image is thumbnailed).

A ready image gets ``thumbnails/{tenantId}/{groupingId}/{fileId}/{token}/{generation}.webp``
(at most 256 px a side, EXIF orientation applied; a replaced body gets a new one, and the
reconciliation sweep removes the old). That prefix is not one the storage consumer reads
(:func:`files.storage_events.parse_object_path` knows only ``content/`` and ``assets/``), so
the thumbnail's own notification is ignored: the consumer never processes its own output.

Idempotent: the path derives from the receipt, an existing thumbnail is left alone, and the
write itself is create-only (``ifGenerationMatch=0``), so a redelivered notification writes
nothing. A body Pillow cannot read is simply left without a thumbnail (logged), never retried.
Thumbnails go with their file (:func:`files.cleanup.remove`, an object deletion, the
reconciliation sweep).
"""

from __future__ import annotations

import io

from files import objects
from files.models.receipts import FileReceipt, FileStatus
from shared import logs

PREFIX = "thumbnails"
SIDE = 256
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
MAX_SOURCE_BYTES = 26_214_400
MAX_PIXELS = 50_000_000
"""Larger images are not decoded (a decompression bomb stops here)."""
_log = logs.get_logger("files.thumbnails")


def thumbnail_path(receipt: FileReceipt) -> str | None:
    """Where the receipt's thumbnail lives; None for a file that gets none (not an image)."""
    if receipt.content_type not in IMAGE_TYPES or receipt.generation is None:
        return None
    folder = f"{PREFIX}/{receipt.tenant_id}/{receipt.grouping_id}/{receipt.id}/{receipt.token}"
    return f"{folder}/{receipt.generation}.webp"


def render(body: bytes) -> bytes:
    """The thumbnail of an image body (WebP); ``ValueError`` if it is not a readable image."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(body)) as image:
            image.seek(0)  # the first frame of an animation
            picture = ImageOps.exif_transpose(image) or image
            picture.thumbnail((SIDE, SIDE))
            if picture.mode not in ("RGB", "RGBA"):
                picture = picture.convert("RGBA")
            out = io.BytesIO()
            picture.save(out, format="WEBP", quality=80)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, EOFError) as error:
        raise ValueError(str(error)) from error


def ensure(receipt: FileReceipt) -> str:
    """Make the ready image's thumbnail unless it exists; what happened."""
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
