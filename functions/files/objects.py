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
