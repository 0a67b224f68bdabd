"""The files service's content check: size, declared type and magic bytes (pure)."""

from __future__ import annotations

import pytest

from files.content import HEAD_BYTES, StoredObject, magic_matches, rejection_reason
from files.storage_events import parse_object_path


def stored(head: bytes, *, size: int | None = None, content_type: str = "image/png"):
    return StoredObject(
        name="x",
        size=len(head) if size is None else size,
        content_type=content_type,
        md5_hash=None,
        crc32c=None,
        generation="1",
        head=head,
    )


@pytest.mark.parametrize(
    ("content_type", "head"),
    [
        ("image/png", b"\x89PNG\r\n\x1a\n...."),
        ("image/jpeg", b"\xff\xd8\xff\xe0..."),
        ("image/gif", b"GIF89a..."),
        ("image/webp", b"RIFF\x00\x00\x00\x00WEBPVP8 "),
        ("application/pdf", b"%PDF-1.7\n"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
        ("text/plain", "héllo, wörld\n".encode()),
    ],
)
def test_bodies_that_start_like_their_type_match(content_type, head):
    assert magic_matches(content_type, head)


@pytest.mark.parametrize(
    ("content_type", "head"),
    [
        ("image/png", b"MZ\x90\x00"),
        ("image/jpeg", b"\x89PNG\r\n\x1a\n"),
        ("image/webp", b"RIFF\x00\x00\x00\x00AVI "),
        ("application/pdf", b"<html>"),
        ("text/plain", b"ab\x00cd"),
        ("text/plain", b"\xff\xfe\xfa invalid utf-8"),
        ("application/x-unknown", b"anything"),
    ],
)
def test_bodies_that_do_not_start_like_their_type_do_not_match(content_type, head):
    assert not magic_matches(content_type, head)


def test_text_cut_inside_a_multibyte_character_at_the_end_of_the_head_still_matches():
    head = b"a" * (HEAD_BYTES - 1) + "é".encode()[:1]
    assert magic_matches("text/plain", head)


def test_rejection_reasons_name_what_differs():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
    assert rejection_reason("image/png", 16, stored(png)) is None
    assert rejection_reason("image/png", 15, stored(png)) == "larger-than-declared"
    assert rejection_reason("image/png", 16, stored(b"", size=0)) == "empty"
    assert rejection_reason("image/png", 16, stored(png, content_type="image/gif")) == (
        "content-type-mismatch"
    )
    assert rejection_reason("image/png", 16, stored(b"MZ" * 8)) == "content-does-not-match-type"


def test_only_receipt_shaped_object_paths_name_a_receipt():
    key = parse_object_path("content/t1/attachments/f1/tok/name with/slash.png")
    assert key is not None and (key.tenant_id, key.file_id) == ("t1", "f1")
    assert parse_object_path("assets/t1/avatars/f1/tok/a.png") is not None
    fresh = parse_object_path("content/t1/attachments/f1/a.png")  # no token folder any more
    assert fresh is not None and (fresh.tenant_id, fresh.file_id) == ("t1", "f1")
    assert parse_object_path("thumbnails/t1/avatars/f1/tok/a.png") is None
    assert parse_object_path("content/t1/attachments/f1") is None
    assert parse_object_path("content/__x__/attachments/f1/tok/a.png") is None
