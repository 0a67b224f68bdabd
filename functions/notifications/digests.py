"""Digests: requests collected by key over a window, then one message.

One bucket document per (tenant, user, notification, key, window), and one item document per
request under it. Windows are fixed (``floor(now / window)``), so every request of a window
finds the same bucket without reading anything else. Each request adds its item in a
transaction that only reads the bucket: concurrent requests share that read and write documents
of their own, so a busy conversation never rewrites one hot document. A request that finds no
bucket creates it outside any transaction (a plain create: exactly one request of the window
wins), then adds its item. Every request whose item is in an open bucket (added now, or found
there: a redelivery) then queues ``notificationsFlushDigest`` for the window's end, named after
the bucket: the queue keeps one task of a name, and a bucket whose opener failed to queue its
flush is repaired by the next request or by the opener's redelivery. (Queuing only from the
opener lost the digest when that one enqueue failed: the redelivery found the bucket.)

The flush closes the bucket (``flushed``, in a transaction: it waits for the adds reading it),
then sends one ordinary request built from the items, keyed by the bucket id. A closed bucket
never changes, so a retried or repeated flush sends the same request again, which sends nothing
twice. A request that meets a closed bucket (it arrived as its window closed) goes into the next
window's: nothing is lost. A request already in a bucket (its item exists) is not counted twice,
and once every recipient's bucket took it the stored request says so (``digested``): a
redelivery after the window closed adds nothing either.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from notifications import records
from notifications import repositories as repos
from notifications.config import config
from notifications.definitions import Definition
from notifications.models.deliveries import (
    DigestBucket,
    DigestItem,
    DigestTask,
    DispatchRequest,
    Recipient,
)
from shared.errors import AlreadyExists
from shared.repository import Order
from shared.unit_of_work import UnitOfWork, in_transaction

FLUSH_FUNCTION = "notificationsFlushDigest"
MAX_ITEMS = 50
"""Items the message lists (the earliest); ``count`` counts them all."""
FLUSH_GRACE_SECONDS = 2
"""The flush runs this long after its window ends, so requests that read the clock just before
the end have committed."""
LATE_WINDOWS = 3
"""How many later windows a request tries when it meets closed buckets."""
KEPT_FOR = timedelta(days=7)
"""Buckets and items are deleted (Firestore TTL on ``expireAt``) this long after their window."""


class Added(StrEnum):
    ADDED = "added"
    MISSING = "missing"  # the window's bucket does not exist yet
    DUPLICATE = "duplicate"  # this request's item is already in the bucket
    CLOSED = "closed"  # flushed: try the next window


def bucket_id(user_key: str, notification_id: str, key: str, window_index: int) -> str:
    return "b" + records.digest(user_key, notification_id, key, size=32) + f"-{window_index}"


def window_seconds(found: Definition) -> int:
    """The definition's window, unless the stack shortens every window
    (``NOTIFICATIONS_DIGEST_WINDOW_SECONDS``)."""
    assert found.digest is not None
    override = config().digest_window_override
    return override if override is not None else found.digest.window_seconds


def collect(request: DispatchRequest, request_id: str, found: Definition) -> int:
    """Add the request to each recipient's bucket; answers how many buckets took it."""
    assert found.digest is not None and request.tenant_id is not None
    stored = repos.requests(request.tenant_id).get(request_id)
    if stored is not None and stored.digested:
        return 0
    window = window_seconds(found)
    index = int(datetime.now(UTC).timestamp()) // window
    key = str(request.data.get(found.digest.key, ""))
    taken = sum(
        _collect_one(request, request_id, recipient, key, index, window)
        for recipient in request.recipients
    )
    repos.requests(request.tenant_id).update(request_id, {"digested": True})
    return taken


def _collect_one(
    request: DispatchRequest,
    request_id: str,
    recipient: Recipient,
    key: str,
    index: int,
    window: int,
) -> bool:
    tenant_id = request.tenant_id
    assert tenant_id is not None
    now = datetime.now(UTC)
    item = DigestItem(id=request_id, data=request.data, at=now, expire_at=now + KEPT_FOR)
    for at in range(index, index + LATE_WINDOWS):
        ends = datetime.fromtimestamp((at + 1) * window, UTC)
        bucket = DigestBucket(
            id=bucket_id(recipient.key, request.notification_id, key, at),
            notification_id=request.notification_id,
            recipient=recipient,
            key=key,
            window_ends_at=ends,
            link_path=request.link_path,
            expire_at=ends + KEPT_FOR,
        )
        added = in_transaction(lambda uow, b=bucket: add(uow, tenant_id, b, item))  # type: ignore[misc]
        if added is Added.MISSING:
            open_bucket(tenant_id, bucket)
            added = in_transaction(lambda uow, b=bucket: add(uow, tenant_id, b, item))  # type: ignore[misc]
        if added is Added.CLOSED:
            continue
        # Every request in an open bucket queues its flush (one name per bucket: the queue
        # keeps one task), so a bucket whose opener died before queuing is flushed all the same.
        _queue_flush(tenant_id, bucket)
        return added is Added.ADDED
    return False


def open_bucket(tenant_id: str, bucket: DigestBucket) -> bool:
    """Create the bucket unless it exists; True if this call created it. Outside any
    transaction on purpose: the first requests of a window would otherwise all read its absence
    and then race to create it (each holding its read while it waits for the others)."""
    repo = repos.digests(tenant_id)
    try:
        repo.create(bucket)
    except AlreadyExists:
        return False
    return True


def _queue_flush(tenant_id: str, bucket: DigestBucket) -> None:
    from shared.tasks import enqueue

    enqueue(
        FLUSH_FUNCTION,
        DigestTask(tenant_id=tenant_id, bucket_id=bucket.id),
        at=bucket.window_ends_at + timedelta(seconds=FLUSH_GRACE_SECONDS),
        task_id=bucket.id,
    )


def add(uow: UnitOfWork, tenant_id: str, bucket: DigestBucket, item: DigestItem) -> Added:
    """Put ``item`` into its bucket, which is only read (``MISSING``: open it first)."""
    buckets = uow.bind(repos.digests(tenant_id))
    items = uow.bind(repos.digest_items(tenant_id, bucket.id))
    current = buckets.get(bucket.id)
    if current is None:
        return Added.MISSING
    if current.flushed:
        return Added.CLOSED
    if items.get(item.id) is not None:
        return Added.DUPLICATE
    items.create(item)
    return Added.ADDED


def close(uow: UnitOfWork, tenant_id: str | None, bucket_id: str) -> DigestBucket | None:
    """Mark the bucket flushed (it takes nothing more); answers it, or None if there is none."""
    buckets = uow.bind(repos.digests(tenant_id))
    bucket = buckets.get(bucket_id)
    if bucket is not None and not bucket.flushed:
        buckets.update(bucket_id, {"flushed": True})
    return bucket


def flush(task: DigestTask) -> bool:
    """Close the bucket and dispatch its one message; True if there was a bucket to send."""
    from notifications.dispatch import dispatch

    bucket = in_transaction(lambda uow: close(uow, task.tenant_id, task.bucket_id))
    if bucket is None:
        return False
    items = repos.digest_items(task.tenant_id, bucket.id)
    entries = items.query(order_by=[Order("at")], limit=MAX_ITEMS).items
    request = DispatchRequest(
        notification_id=bucket.notification_id,
        tenant_id=task.tenant_id,
        recipients=[bucket.recipient],
        data={"entries": [e.data for e in entries], "count": items.count(), "key": bucket.key},
        idempotency_key=f"digest:{bucket.id}",
        entity_id=bucket.key,
        link_path=bucket.link_path,
    )
    dispatch(request, digest_flush=True)
    return True
