"""Notifications: one mention to many recipients against the floor of batched writes, and the
latency from a published event to the in-app document.

    ops/with-emulators functions/venv/bin/python bench/notifications_fanout.py [--users 2000]

Fan-out: one ``messaging.user_mentioned`` event naming every user of a fresh tenant is
published to the Pub/Sub emulator; ``notifications_on_messaging_event`` dispatches it (a
transaction per recipient: decisions, threshold, delivery records, the in-app document and the
badge). The clock runs from the publish to the last in-app document (counted with an
aggregation query on the delivery records) and to the last record of every channel. The tenant
turns email off for the run (tenant defaults), so the machine does not also deliver thousands of
emails; the figure is the dispatcher's. The floor writes the same number of in-app documents with
chunked batch commits from this process.

Latency: single mentions to one user, one at a time; the time from publish to the in-app
document, p50 and p95.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]

from notifications import repositories as repos  # noqa: E402
from notifications.models.inbox import InAppNotification  # noqa: E402
from notifications.models.settings import TenantChannels  # noqa: E402
from shared import events  # noqa: E402
from shared.repository import where  # noqa: E402
from tests.support.emulators import require_stack  # noqa: E402
from tests.support.tenants import seed_tenant  # noqa: E402
from tests.support.users import unique_id  # noqa: E402
from user import repositories as user_repos  # noqa: E402
from user.models.profiles import first_profile  # noqa: E402


def seed(count: int) -> tuple[str, list[str]]:
    tenant_id = unique_id("bench")
    seed_tenant(tenant_id)
    now = datetime.now(UTC)
    uids = [f"{tenant_id}-u{n:05d}" for n in range(count)]
    user_repos.profiles(tenant_id).write_many(
        first_profile(uid, tenant_id, f"{uid}@bulk.test", f"User {uid}", ["member"], now=now)
        for uid in uids
    )
    repos.tenant_channels(tenant_id).set(
        TenantChannels(id=repos.CHANNEL_SETTINGS, defaults={"messaging.mention": {"email": False}})
    )
    return tenant_id, uids


def mention(tenant_id: str, uids: list[str]) -> events.DomainEvent:
    message = unique_id("msg")
    return events.new_event(
        "messaging.user_mentioned",
        tenant_id=tenant_id,
        subject_id=message,
        data={
            "conversationId": "bench",
            "messageId": message,
            "senderId": "bench-sender",
            "senderName": "Bench",
            "mentionedUserIds": uids,
            "textPreview": "hello",
        },
    )


def floor(count: int) -> float:
    tenant_id, uids = seed(count)
    from shared.clients import firestore_client

    started = time.perf_counter()

    client = firestore_client()
    batch, pending = client.batch(), 0
    for uid in uids:
        doc = InAppNotification(
            id="floor", tenant_id=tenant_id, user_id=uid, notification_id="x", title="t"
        )
        batch.set(repos.inbox(tenant_id, uid).ref(doc.id), doc.to_firestore())
        pending += 1
        if pending == 400:
            batch.commit()
            batch, pending = client.batch(), 0
    if pending:
        batch.commit()
    return time.perf_counter() - started


def fan_out(count: int) -> tuple[float, float]:
    tenant_id, uids = seed(count)
    deliveries = repos.deliveries(tenant_id)
    started = time.perf_counter()
    events.publish([mention(tenant_id, uids)])
    in_app_done = records_done = 0.0
    while not records_done:
        sent = deliveries.count(where("channel", "==", "inApp"), where("state", "==", "sent"))
        if sent >= count and not in_app_done:
            in_app_done = time.perf_counter() - started
        if deliveries.count() >= count * 2:  # in-app and email (skipped: off) for everyone
            records_done = time.perf_counter() - started
        if time.perf_counter() - started > 1800:
            raise SystemExit(f"fan-out did not finish: {sent}/{count} in-app")
        time.sleep(0.5)
    return in_app_done or records_done, records_done


def latency(samples: int) -> list[float]:
    tenant_id, [uid] = seed(1)
    inbox = repos.inbox(tenant_id, uid)
    times = []
    for n in range(samples):
        started = time.perf_counter()
        events.publish([mention(tenant_id, [uid])])
        while inbox.count() < n + 1:
            time.sleep(0.02)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    require_stack()
    latency(1)  # warm the consumer's worker
    base = floor(args.users)
    in_app, every = fan_out(args.users)
    times = latency(args.samples)
    p50 = statistics.median(times)
    p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
    print(f"notifications fan-out, {args.users} recipients (email off):")
    print(f"  every in-app document      {in_app:8.2f} s  ({args.users / in_app:7.0f} /s)")
    print(f"  every channel's record     {every:8.2f} s")
    print(f"  floor: batched writes      {base:8.2f} s  ({args.users / base:7.0f} /s)")
    print(f"  ratio to the floor         {in_app / base:8.1f} x")
    print(
        f"event -> in-app document ({args.samples} samples): "
        f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
