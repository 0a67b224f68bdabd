"""Creating an upload: validate against the grouping, reserve quota, write the receipt.

The upload URL is signed (or, above ``resumableAboveBytes``, a resumable session opened)
*before* the transaction commits, so a failure there writes nothing; the unit of work is
:func:`files.receipts.reserve`, which reads the tenant's totals, checks the quota and stages
the receipt and the new totals.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from files import objects
from files import repositories as repos
from files.models.receipts import (
    CreateUpload,
    DeleteExpired,
    FileReceipt,
    FilesConfig,
    UploadAnswer,
)
from files.receipts import reserve
from shared import tasks
from shared.errors import InvalidArgument
from shared.settings import get_settings
from shared.static_config import load_static
from shared.unit_of_work import in_transaction

EXPIRE_TASK = "filesDeleteExpired"
PRIVATE_PREFIX = "content"
PUBLIC_PREFIX = "assets"
MAX_OBJECT_NAME_BYTES = 1024
"""Cloud Storage's limit on an object name (UTF-8 bytes)."""


def config() -> FilesConfig:
    """``static/files.yaml``, read once per process."""
    return load_static("files.yaml", FilesConfig)


def _refuse(field: str, message: str) -> InvalidArgument:
    return InvalidArgument(
        f"Invalid request: {field}", fields=[{"field": field, "message": message}]
    )


def object_path(
    receipt_tenant: str, grouping_id: str, file_id: str, name: str, *, public: bool
) -> str:
    """``content/{tenantId}/{groupingId}/{fileId}/{name}`` (``assets/...`` if public).

    No token: a signed URL shows its object path to whoever sees the URL, and a token there
    let anyone who saw one URL mint new ones (and clone the file). The file id (random, and
    unique in the tenant) keeps paths apart. Receipts made before carry
    ``.../{fileId}/{token}/{name}`` in ``objectPath``, which is what gets signed; their tokens
    were replaced (``files/migrations/m0001_rotate_tokens_out_of_paths.py``)."""
    prefix = PUBLIC_PREFIX if public else PRIVATE_PREFIX
    return f"{prefix}/{receipt_tenant}/{grouping_id}/{file_id}/{name}"


def check_object_path(path: str) -> str:
    """Refuse (naming ``fileName``) a path longer than Cloud Storage takes: the name is the
    only part of it a caller chooses freely."""
    if len(path.encode()) > MAX_OBJECT_NAME_BYTES:
        raise _refuse("fileName", f"too long: its path exceeds {MAX_OBJECT_NAME_BYTES} bytes")
    return path


def upload_headers(receipt: FileReceipt) -> dict[str, str]:
    """The headers the client must send with its PUT; all are bound into the signature.

    ``x-goog-content-length-range`` makes Cloud Storage refuse a body larger than declared,
    ``x-goog-if-generation-match: 0`` refuses a second upload over an existing object.
    """
    return {
        "Content-Type": receipt.content_type,
        "x-goog-content-length-range": f"0,{receipt.declared_size}",
        "x-goog-if-generation-match": "0",
    }


def check_request(req: CreateUpload, cfg: FilesConfig) -> bool:
    """Refuse what the grouping does not allow (naming the field); the upload's visibility."""
    grouping = cfg.groupings.get(req.grouping_id)
    if grouping is None:
        raise _refuse("groupingId", "unknown grouping")
    if req.content_type not in grouping.content_types:
        raise _refuse("contentType", f"not allowed in {req.grouping_id}")
    if req.size > grouping.max_bytes:
        raise _refuse("size", f"over the limit of {grouping.max_bytes} bytes")
    may_be_public = grouping.public if grouping.may_be_public is None else grouping.may_be_public
    if req.public and not may_be_public:
        raise _refuse("public", f"{req.grouping_id} files are never public")
    return grouping.public if req.public is None else req.public


def schedule_expiry(tenant_id: str, file_id: str, at: datetime) -> None:
    """Queue a temporary file's deletion for ``at`` (task id from the file: queued once).
    Queued before the receipt commits, so a failed call leaves no receipt behind; a task for a
    receipt that never committed finds nothing to do."""
    payload = DeleteExpired(tenant_id=tenant_id, file_id=file_id)
    tasks.enqueue(EXPIRE_TASK, payload, at=at, task_id=f"files-expire-{tenant_id}-{file_id}")


def create_upload(tenant_id: str, uid: str, req: CreateUpload) -> UploadAnswer:
    cfg = config()
    public = check_request(req, cfg)
    repo = repos.receipts(tenant_id)
    file_id = repo.new_id()
    token = secrets.token_urlsafe(24)
    receipt = FileReceipt(
        id=file_id,
        tenant_id=tenant_id,
        owner_id=uid,
        grouping_id=req.grouping_id,
        name=req.file_name,
        content_type=req.content_type,
        declared_size=req.size,
        public=public,
        token=token,
        object_path=check_object_path(
            object_path(tenant_id, req.grouping_id, file_id, req.file_name, public=public)
        ),
        expires_at=(
            datetime.now(UTC) + timedelta(seconds=req.expires_in_seconds)
            if req.expires_in_seconds
            else None
        ),
        resumable=req.size > cfg.resumable_above_bytes,
    )
    lifetime = timedelta(seconds=cfg.upload_url_seconds)
    resumable = receipt.resumable
    if resumable:
        # The session binds type, exact size and create-only when it is opened, here.
        headers = {"Content-Type": receipt.content_type}
        # A session answers CORS only for the origin it was opened for (not the bucket's).
        origin = get_settings().files_upload_origin
        url = objects.resumable_session(
            receipt.object_path, receipt.content_type, req.size, origin=origin
        )
    else:
        headers = upload_headers(receipt)
        signed = {k: v for k, v in headers.items() if k != "Content-Type"}
        url = objects.upload_url(receipt.object_path, receipt.content_type, signed, lifetime)
    if receipt.expires_at is not None:
        schedule_expiry(tenant_id, file_id, receipt.expires_at)
    in_transaction(lambda uow: reserve(uow, receipt, cfg.quota, cfg.pending_per_user))
    return UploadAnswer(
        file_id=file_id,
        upload_url=url,
        upload_headers=headers,
        resumable=resumable,
        expires_at=datetime.now(UTC) + lifetime,
        receipt=receipt.public_view(with_token=True),
    )
