"""Digests: requests collected by key over a window, then one message.

One bucket document per (tenant, user, notification, key, window). Windows are fixed
(``floor(now / window)``), so every request of a window finds the same bucket without reading
anything else. The request that creates a bucket queues ``notificationsFlushDigest`` for the
window's end, named after the bucket (queued once). The flush first closes the bucket
(``flushed``, in a transaction), then dispatches one ordinary request built from it, keyed by the
bucket id. A closed bucket never changes, so a retried or repeated flush dispatches the same
request again, which sends nothing twice. A request that meets a closed bucket (it arrived as
its window closed) goes into the next window's: nothing is lost. A request already in a bucket
(same request id) is not counted twice, and once every recipient's bucket took it the stored
request says so (``digested``): a redelivery after the window closed adds nothing either.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from notifications import records
from notifications import repositories as repos
from notifications.config import config
from notifications.definitions import Definition
from notifications.models.deliveries import DigestBucket, DigestTask, DispatchRequest, Recipient
from shared.unit_of_work import UnitOfWork, in_transaction

FLUSH_FUNCTION = "notificationsFlushDigest"
MAX_ITEMS = 50
"""Items kept for the template; ``count`` keeps counting past it."""
FLUSH_GRACE_SECONDS = 2
"""The flush runs this long after its window ends, so requests that read the clock just before
the end have committed."""
LATE_WINDOWS = 3
"""How many later windows a request tries when it meets closed buckets."""


class Added(StrEnum):
    CREATED = "created"  # the bucket is new: queue its flush
    ADDED = "added"
    DUPLICATE = "duplicate"  # this request is already in the bucket
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
    from shared.tasks import enqueue

    tenant_id = request.tenant_id
    assert tenant_id is not None
    for at in range(index, index + LATE_WINDOWS):
        ends = datetime.fromtimestamp((at + 1) * window, UTC)
        bucket = DigestBucket(
            id=bucket_id(recipient.key, request.notification_id, key, at),
            notification_id=request.notification_id,
            recipient=recipient,
            key=key,
            items=[{**request.data, "requestId": request_id}],
            count=1,
            window_ends_at=ends,
            link_path=request.link_path,
        )
        added = in_transaction(lambda uow, b=bucket: add(uow, tenant_id, b, request_id))  # type: ignore[misc]
        if added is Added.CLOSED:
            continue
        if added is Added.CREATED:
            enqueue(
                FLUSH_FUNCTION,
                DigestTask(tenant_id=tenant_id, bucket_id=bucket.id),
                at=ends + timedelta(seconds=FLUSH_GRACE_SECONDS),
                task_id=bucket.id,
            )
        return added in (Added.CREATED, Added.ADDED)
    return False


def add(uow: UnitOfWork, tenant_id: str, fresh: DigestBucket, request_id: str) -> Added:
    """Put ``fresh``'s one item into its bucket, creating the bucket if need be."""
    buckets = uow.bind(repos.digests(tenant_id))
    current = buckets.get(fresh.id)
    if current is None:
        buckets.create(fresh)
        return Added.CREATED
    if current.flushed:
        return Added.CLOSED
    if any(i.get("requestId") == request_id for i in current.items):
        return Added.DUPLICATE
    items = current.items
    if len(items) < MAX_ITEMS:
        items = [*items, *fresh.items]
    buckets.update(fresh.id, {"items": items, "count": current.count + 1})
    return Added.ADDED


def close(uow: UnitOfWork, tenant_id: str | None, bucket_id: str) -> DigestBucket | None:
    """Mark the bucket flushed (it takes nothing more); answers it as it is sent."""
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
    request = DispatchRequest(
        notification_id=bucket.notification_id,
        tenant_id=task.tenant_id,
        recipients=[bucket.recipient],
        data={"entries": bucket.items, "count": bucket.count, "key": bucket.key},
        idempotency_key=f"digest:{bucket.id}",
        entity_id=bucket.key,
        link_path=bucket.link_path,
    )
    dispatch(request, digest_flush=True)
    return True
