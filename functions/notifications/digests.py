"""Digests: requests collected by key over a window, then one message.

One bucket document per (tenant, user, notification, key, window): the window is fixed
(``floor(now / window)``), so every request of that window finds the same bucket. The first
request to create the bucket queues ``notificationsFlushDigest`` at the window's end, named
after the bucket (queued once); the flush dispatches one ordinary request whose idempotency key
is the bucket id, then marks the bucket flushed: a repeated flush sends nothing twice. A
request already in the bucket (same request id) is not counted twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from notifications import records
from notifications import repositories as repos
from notifications.definitions import Definition
from notifications.models.deliveries import DigestBucket, DigestTask, DispatchRequest
from shared.unit_of_work import UnitOfWork, in_transaction

FLUSH_FUNCTION = "notificationsFlushDigest"
MAX_ITEMS = 50
"""Items kept for the template; ``count`` keeps counting past it."""


def bucket_id(user_key: str, notification_id: str, key: str, window_index: int) -> str:
    return "b" + records.digest(user_key, notification_id, key, size=32) + f"-{window_index}"


def collect(request: DispatchRequest, request_id: str, found: Definition) -> int:
    """Add the request to each recipient's bucket; answers how many buckets took it."""
    from shared.tasks import enqueue

    assert found.digest is not None and request.tenant_id is not None
    tenant_id = request.tenant_id
    window = found.digest.window_seconds
    now = datetime.now(UTC)
    index = int(now.timestamp()) // window
    ends = datetime.fromtimestamp((index + 1) * window, UTC)
    key = str(request.data.get(found.digest.key, ""))
    taken = 0
    for recipient in request.recipients:
        bucket = DigestBucket(
            id=bucket_id(recipient.key, request.notification_id, key, index),
            notification_id=request.notification_id,
            recipient=recipient,
            key=key,
            items=[{**request.data, "requestId": request_id}],
            count=1,
            window_ends_at=ends,
            link_path=request.link_path,
        )
        created, added = in_transaction(
            lambda uow, bucket=bucket: add(uow, tenant_id, bucket, request_id)  # type: ignore[misc]
        )
        taken += added
        if created:
            enqueue(
                FLUSH_FUNCTION,
                DigestTask(tenant_id=tenant_id, bucket_id=bucket.id),
                at=ends + timedelta(seconds=1),
                task_id=bucket.id,
            )
    return taken


def add(uow: UnitOfWork, tenant_id: str, fresh: DigestBucket, request_id: str) -> tuple[bool, bool]:
    """Put ``fresh``'s one item into its bucket (creating it); answers (created, added). A
    request already in the bucket, or a bucket already flushed, takes nothing."""
    buckets = uow.bind(repos.digests(tenant_id))
    current = buckets.get(fresh.id)
    if current is None:
        buckets.create(fresh)
        return True, True
    if current.flushed or any(i.get("requestId") == request_id for i in current.items):
        return False, False
    items = current.items
    if len(items) < MAX_ITEMS:
        items = [*items, *fresh.items]
    buckets.update(fresh.id, {"items": items, "count": current.count + 1})
    return False, True


def flush(task: DigestTask) -> bool:
    """Send the bucket's one message; True if this call sent it."""
    from notifications.dispatch import dispatch

    repo = repos.digests(task.tenant_id)
    bucket = repo.get(task.bucket_id)
    if bucket is None or bucket.flushed:
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
    repo.update(bucket.id, {"flushed": True})
    return True
