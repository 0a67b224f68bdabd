"""Thumbnails (Pillow) and the rules that keep the consumer off its own output, without I/O."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from files import objects, reconcile, thumbnails
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


def test_a_thumbnail_path_follows_the_objects_folder_and_never_the_token():
    fresh = a_receipt().model_copy(
        update={"object_path": "content/t1/attachments/f1/a.png", "token": "secret"}
    )
    assert thumbnails.thumbnail_path(fresh) == "thumbnails/t1/attachments/f1/7.webp"
    rotated = a_receipt().model_copy(update={"token": "new"})  # an older path keeps its folder
    assert thumbnails.thumbnail_path(rotated) == "thumbnails/t1/attachments/f1/tok/7.webp"
    assert reconcile.owner_key("thumbnails/t1/attachments/f1/7.webp") is not None


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


def png_header_claiming(width: int, height: int) -> bytes:
    """A few dozen bytes: a PNG signature and header naming ``width`` x ``height``, then an
    empty image data chunk (a decoder would have to allocate the whole picture to find out)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    idat = zlib.compress(b"")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [8_000, 30_000])  # 64 M pixels (Pillow only warns), 900 M
def test_an_image_whose_header_claims_too_many_pixels_is_refused_before_any_decode(
    monkeypatch, side
):
    from PIL import ImageFile

    def no_decode(self, *args, **kwargs):
        raise AssertionError("decoded an image over the pixel limit")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decode)
    body = png_header_claiming(side, side)
    assert len(body) < 100
    with pytest.raises(ValueError, match="pixels"):
        thumbnails.render(body)


def test_a_jpeg_is_decoded_at_a_reduced_scale_and_its_exif_orientation_applied_to_the_thumbnail():
    exif = Image.Exif()
    exif[thumbnails.ORIENTATION_TAG] = 6  # stored sideways: turn 90 degrees clockwise
    out = io.BytesIO()
    Image.new("RGB", (2400, 1200), (200, 40, 40)).save(out, format="JPEG", exif=exif)
    thumb = Image.open(io.BytesIO(thumbnails.render(out.getvalue())))
    assert thumb.size == (128, 256)


def test_a_thumbnail_that_fails_never_fails_the_consumer(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("storage unavailable")

    monkeypatch.setattr(objects, "exists", lambda path: False)
    monkeypatch.setattr(objects, "read", broken)
    assert thumbnails.ensure(a_receipt()) == "failed"

    monkeypatch.setattr(objects, "read", lambda path, max_bytes: image_bytes())
    monkeypatch.setattr(thumbnails, "render", lambda body: (_ for _ in ()).throw(MemoryError()))
    assert thumbnails.ensure(a_receipt()) == "failed"
