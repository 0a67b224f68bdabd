"""Clone: a new receipt of the caller's own, with a server-side copy of a ready file's object.

The copy is made first and the receipt then committed already ``ready`` with the copy's real
size, hashes and generation, its bytes counted against the tenant's quota in the same unit
(:func:`files.receipts.reserve`). A refused unit (quota) deletes the copy again, so a failed
clone leaves nothing; once the unit has committed, nothing undoes it (a failed publish or
thumbnail is logged). The copy's own finalize notification finds the receipt ready at that
generation and changes nothing but republishing ``files.uploaded`` (same id) and making the
thumbnail, or finds no receipt yet and leaves it alone.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime

from files import objects, thumbnails
from files import repositories as repos
from files.models.receipts import CreateUpload, FileReceipt, FileStatus
from files.receipts import receipt_event, reserve
from files.uploads import check_object_path, check_request, config, object_path
from shared import events, logs
from shared.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from shared.unit_of_work import in_transaction

_log = logs.get_logger("files.clones")


def clone(
    tenant_id: str,
    owner_id: str,
    file_id: str,
    *,
    token: str | None = None,
    grouping_id: str | None = None,
) -> FileReceipt:
    """Copy ``file_id`` (a ready file of ``tenant_id``; ``token`` checked in constant time
    when given) into a new receipt owned by ``owner_id``, in ``grouping_id`` (default: the
    source's, whose allow-list and size limit the copy must meet). A file a private holder
    keeps is copied for its uploader only (``permission-denied``, ``files/held-privately``),
    as it is signed for them only."""
    cfg = config()
    source = repos.receipts(tenant_id).get(file_id)
    if source is None or (
        token is not None and not hmac.compare_digest(source.token.encode(), token.encode())
    ):
        raise NotFound("No such file", type="files/not-found", fileId=file_id)
    if source.owner_id != owner_id and cfg.keeps_private(repos.references(tenant_id).get(file_id)):
        # A copy would be a way round the downloads' rule: the same answer.
        raise PermissionDenied(
            "A private holder keeps this file: ask the service that holds it",
            type="files/held-privately",
            fileId=file_id,
        )
    if source.status is not FileStatus.READY or source.size is None:
        raise FailedPrecondition(
            f"The file is {source.status.value}", type="files/not-ready", fileId=file_id
        )
    grouping = grouping_id or source.grouping_id
    wanted = CreateUpload(
        file_name=source.name,
        content_type=source.content_type,
        size=source.size,
        grouping_id=grouping,
    )
    new_id, new_token = repos.receipts(tenant_id).new_id(), secrets.token_urlsafe(24)
    try:
        public = check_request(wanted, cfg)
        path = check_object_path(
            object_path(tenant_id, grouping, new_id, source.name, public=public)
        )
    except InvalidArgument as refused:
        raise InvalidArgument(
            "The grouping does not take this file",
            fields=[{"field": "groupingId", "message": refused.message}],
        ) from refused
    copied = objects.copy(source.object_path, path)
    if copied is None:
        raise FailedPrecondition("The file's object is gone", type="files/unavailable")
    receipt = FileReceipt(
        id=new_id,
        tenant_id=tenant_id,
        owner_id=owner_id,
        grouping_id=grouping,
        name=source.name,
        content_type=source.content_type,
        declared_size=copied.size,
        public=public,
        status=FileStatus.READY,
        token=new_token,
        object_path=path,
        size=copied.size,
        md5_hash=copied.md5_hash,
        crc32c=copied.crc32c,
        stored_content_type=copied.content_type,
        generation=copied.generation,
        ready_at=datetime.now(UTC),
        cloned_from=source.id,
    )
    try:
        created = in_transaction(lambda uow: reserve(uow, receipt, cfg.quota), publish=False)
    except BaseException:
        if not _committed(tenant_id, new_id):
            objects.delete(path)
        raise
    _announce(created)
    thumbnails.ensure(created)  # never raises: a failure leaves the file without a thumbnail
    return created


def _committed(tenant_id: str, file_id: str) -> bool:
    """Whether the clone's receipt exists after its unit failed (a commit whose answer was
    lost). Unknown counts as committed: the copy is kept, and the daily objects sweep deletes
    it if no receipt wants it, rather than a ready receipt losing its object."""
    try:
        return repos.receipts(tenant_id).get(file_id) is not None
    except Exception:
        _log.exception(
            "clone: unknown whether the receipt committed", extra={"fields": {"fileId": file_id}}
        )
        return True


def _announce(created: FileReceipt) -> None:
    """``files.uploaded`` for the committed clone (the event :func:`reserve` emitted, same id),
    published here so that a failure only logs: the clone stands. The copy's own finalize
    notification, when it arrives after the commit, publishes the same id again and makes the
    thumbnail (:func:`files.storage_events.finalize`)."""
    try:
        events.publish([receipt_event(created)])
    except Exception:
        _log.exception(
            "clone committed, files.uploaded not published",
            extra={"fields": {"fileId": created.id}},
        )
