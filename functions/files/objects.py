"""The files service's only contact with Cloud Storage: read back, delete, sign.

Everything here returns plain values (no SDK types leave this module), so the domain modules
stay testable and the storage client loads only in the functions that touch objects.
"""

from __future__ import annotations

from datetime import timedelta

from files.content import HEAD_BYTES, StoredObject
from shared import signing
from shared.clients import storage_client
from shared.settings import get_settings


def bucket_name() -> str:
    return get_settings().files_bucket


def inspect(object_name: str) -> StoredObject | None:
    """The object's metadata and first bytes, or None when it is gone."""
    from google.api_core.exceptions import NotFound

    blob = storage_client().bucket(bucket_name()).get_blob(object_name)
    if blob is None:
        return None
    try:
        head = blob.download_as_bytes(start=0, end=HEAD_BYTES - 1) if blob.size else b""
    except NotFound:
        return None
    return StoredObject(
        name=object_name,
        size=int(blob.size or 0),
        content_type=blob.content_type or "",
        md5_hash=blob.md5_hash,
        crc32c=blob.crc32c,
        generation=str(blob.generation),
        head=bytes(head),
    )


def delete(object_name: str) -> bool:
    """Delete the object; False when it was already gone (deletion is idempotent)."""
    from google.api_core.exceptions import NotFound

    try:
        storage_client().bucket(bucket_name()).blob(object_name).delete()
    except NotFound:
        return False
    return True


def upload_url(
    object_name: str, content_type: str, headers: dict[str, str], expires_in: timedelta
) -> str:
    return signing.signed_url(
        bucket_name(),
        object_name,
        method="PUT",
        expires_in=expires_in,
        content_type=content_type,
        headers=headers,
    )


def download_url(object_name: str, expires_in: timedelta) -> str:
    return signing.signed_url(bucket_name(), object_name, method="GET", expires_in=expires_in)


def list_names(
    prefix: str, *, start_at: str | None = None, end_before: str | None = None, limit: int | None
) -> list[str]:
    """Object names under ``prefix`` in name order, from ``start_at`` (inclusive) to
    ``end_before`` (exclusive), at most ``limit``. Reads names only (``fields``)."""
    blobs = storage_client().list_blobs(
        bucket_name(),
        prefix=prefix,
        start_offset=start_at,
        end_offset=end_before,
        max_results=limit,
        fields="items(name),nextPageToken",
    )
    return [str(blob.name) for blob in blobs]


def copy(source: str, target: str) -> StoredObject | None:
    """Copy an object within the bucket (server side); the copy's metadata, or None when the
    source is gone."""
    from google.api_core.exceptions import NotFound

    bucket = storage_client().bucket(bucket_name())
    try:
        blob = bucket.copy_blob(bucket.blob(source), bucket, target)
    except NotFound:
        return None
    return StoredObject(
        name=target,
        size=int(blob.size or 0),
        content_type=blob.content_type or "",
        md5_hash=blob.md5_hash,
        crc32c=blob.crc32c,
        generation=str(blob.generation),
        head=b"",
    )


def read(object_name: str, *, max_bytes: int) -> bytes | None:
    """The whole body if it exists and is at most ``max_bytes`` long, else None."""
    from google.api_core.exceptions import NotFound

    blob = storage_client().bucket(bucket_name()).get_blob(object_name)
    if blob is None or (blob.size or 0) > max_bytes:
        return None
    try:
        return bytes(blob.download_as_bytes())
    except NotFound:
        return None


def exists(object_name: str) -> bool:
    return storage_client().bucket(bucket_name()).get_blob(object_name) is not None


def create(object_name: str, data: bytes, content_type: str) -> bool:
    """Write a new object; False when one is there already (``ifGenerationMatch=0``), so a
    repeated write never replaces it."""
    from google.api_core.exceptions import PreconditionFailed

    blob = storage_client().bucket(bucket_name()).blob(object_name)
    try:
        blob.upload_from_string(data, content_type=content_type, if_generation_match=0)
    except PreconditionFailed:
        return False
    return True


def resumable_session(
    object_name: str, content_type: str, size: int, origin: str | None = None
) -> str:
    """Open a resumable upload session for exactly ``size`` bytes of ``content_type``, create
    only (``ifGenerationMatch=0``); its URL. The session URL is itself the credential (no
    signing); the client PUTs the body to it, whole or in ``Content-Range`` chunks, and may
    resume after a break. ``origin``: the browser origin allowed to upload (CORS)."""
    blob = storage_client().bucket(bucket_name()).blob(object_name)
    return str(
        blob.create_resumable_upload_session(
            content_type=content_type,
            size=size,
            origin=origin,
            checksum=None,
            if_generation_match=0,
        )
    )
