"""Thumbnails (Pillow) and the rules that keep the consumer off its own output, without I/O."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from files import reconcile, thumbnails
from files.models.receipts import FileReceipt, FileStatus
from files.storage_events import parse_object_path


def image_bytes(size: tuple[int, int] = (800, 400), fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format=fmt)
    return out.getvalue()


def a_receipt(
    content_type: str = "image/png", status: FileStatus = FileStatus.READY
) -> FileReceipt:
    return FileReceipt(
        id="f1",
        tenant_id="t1",
        owner_id="u1",
        grouping_id="attachments",
        name="a.png",
        content_type=content_type,
        declared_size=10,
        token="tok",
        object_path="content/t1/attachments/f1/tok/a.png",
        status=status,
        generation="7",
    )


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_a_thumbnail_is_a_webp_at_most_256_px_keeping_the_aspect(fmt):
    thumb = Image.open(io.BytesIO(thumbnails.render(image_bytes(fmt=fmt))))
    assert (thumb.format, thumb.size) == ("WEBP", (256, 128))


def test_a_body_that_is_no_image_gets_no_thumbnail():
    with pytest.raises(ValueError):
        thumbnails.render(b"\x89PNG\r\n\x1a\n not really")


def test_only_images_have_a_thumbnail_path_and_it_names_the_generation():
    assert thumbnails.thumbnail_path(a_receipt("application/pdf")) is None
    assert thumbnails.thumbnail_path(a_receipt()) == "thumbnails/t1/attachments/f1/tok/7.webp"


def test_the_storage_consumer_ignores_thumbnails_its_own_output():
    path = thumbnails.thumbnail_path(a_receipt())
    assert path is not None and parse_object_path(path) is None


def test_the_sweep_keeps_a_ready_images_thumbnail_and_drops_any_other():
    receipt = a_receipt()
    current = "thumbnails/t1/attachments/f1/tok/7.webp"
    older = "thumbnails/t1/attachments/f1/tok/6.webp"
    names = [current, older, receipt.object_path]
    assert reconcile.orphaned(names, {"f1": receipt}) == [older]
    deleted = receipt.model_copy(update={"status": FileStatus.DELETED})
    assert reconcile.orphaned(names, {"f1": deleted}) == names
    assert reconcile.orphaned(names, {}) == names
