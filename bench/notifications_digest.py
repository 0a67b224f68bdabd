"""Notifications: 100 messages of one group conversation within one digest window become one
email, and how long after the window closes it arrives.

    NOTIFICATIONS_DIGEST_WINDOW_SECONDS=60 ops/with-emulators \
        functions/venv/bin/python bench/notifications_digest.py [--events 100] [--recipients 3]

``make bench`` runs it under a stack whose windows last 60 s (the stack's default, 6 s, is sized
for the tests). The run waits for a window to start, publishes ``--events``
``messaging.message_sent`` events of one group conversation to Pub/Sub (the way messaging
publishes them), and reads the local SMTP server's mailbox. Figures: how long the consumer took
to collect every event into each recipient's bucket, the digest emails per recipient (the
target is exactly one, counting every event), and the time from the window's end to the last
email in the mailbox; the flush is queued for 2 s after the end (``FLUSH_GRACE_SECONDS``), so
that is the floor.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]

from bench.verdict import verdict  # noqa: E402
from customer.models.tenants import Branding, TenantSettings  # noqa: E402
from notifications import repositories as repos  # noqa: E402
from notifications.digests import FLUSH_GRACE_SECONDS  # noqa: E402
from shared import events  # noqa: E402
from tests.support.emulators import require_stack  # noqa: E402
from tests.support.sinks import mailbox_dir, mails  # noqa: E402
from tests.support.tenants import seed_tenant  # noqa: E402
from tests.support.users import unique_id  # noqa: E402
from user import repositories as user_repos  # noqa: E402
from user.models.profiles import first_profile  # noqa: E402


def seed(recipients: int) -> tuple[str, list[str]]:
    from datetime import UTC, datetime

    tenant_id = unique_id("bench")
    seed_tenant(tenant_id, settings=TenantSettings(branding=Branding(display_name="Bench")))
    uids = [f"{tenant_id}-u{n}" for n in range(recipients + 1)]  # the first one sends
    user_repos.profiles(tenant_id).write_many(
        first_profile(
            uid, tenant_id, f"{uid}@digest.test", f"User {n}", ["member"], now=datetime.now(UTC)
        )
        for n, uid in enumerate(uids)
    )
    return tenant_id, uids


def message(
    tenant_id: str, conversation: str, sender: str, to: list[str], n: int
) -> events.DomainEvent:
    message_id = unique_id("msg")
    return events.new_event(
        "messaging.message_sent",
        tenant_id=tenant_id,
        subject_id=message_id,
        data={
            "conversationId": conversation,
            "conversationType": "group",
            "messageId": message_id,
            "senderId": sender,
            "senderName": "Bench",
            "recipientIds": to,
            "mutedIds": [],
            "textPreview": f"message {n}",
        },
    )


def arrived_at(address: str) -> list[float]:
    """When each message to ``address`` reached the mailbox (the file's modification time)."""
    return sorted(
        p.stat().st_mtime
        for p in mailbox_dir().glob("*.eml")
        if address in p.read_text(errors="replace")
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--recipients", type=int, default=3)
    args = parser.parse_args()
    require_stack()
    window = int(os.environ["NOTIFICATIONS_DIGEST_WINDOW_SECONDS"])
    tenant_id, [sender, *to] = seed(args.recipients)
    conversation = unique_id("group")
    sent = [message(tenant_id, conversation, sender, to, n) for n in range(args.events)]

    time.sleep(window - time.time() % window + 0.05)  # a window starts
    started = time.time()
    window_end = (int(started) // window + 1) * window
    events.publish(sent)
    buckets = repos.digests(tenant_id)

    def collected_items() -> int:
        return sum(repos.digest_items(tenant_id, b.id).count() for b in buckets.stream_all())

    while collected_items() < args.events * len(to):
        if time.time() > window_end + 120:
            raise SystemExit("the events were not all collected")
        time.sleep(0.1)
    collected = time.time() - started
    deadline = window_end + 120
    while any(not arrived_at(a) for a in (f"{u}@digest.test" for u in to)):
        if time.time() > deadline:
            raise SystemExit("a digest email did not arrive")
        time.sleep(0.1)
    time.sleep(FLUSH_GRACE_SECONDS + 3)  # a second digest would have arrived by now

    per_recipient = {u: mails(f"{u}@digest.test") for u in to}
    counts = sorted(len(found) for found in per_recipient.values())
    subjects = {m["Subject"] for found in per_recipient.values() for m in found}
    lags = [arrived_at(f"{u}@digest.test")[-1] - window_end for u in to]
    in_window = collected < window_end - started
    print(
        f"notifications digest: {args.events} group messages to {len(to)} recipients, "
        f"window {window} s:"
    )
    print(f"  every event collected        {collected:6.2f} s after the first publish")
    print(f"  digest emails per recipient  {counts}  subjects {sorted(subjects)}")
    print(
        f"  window end -> email          max {max(lags):.2f} s, min {min(lags):.2f} s "
        f"(floor: the {FLUSH_GRACE_SECONDS} s grace)"
    )
    one_each = counts == [1] * len(to) and subjects == {f"[Bench] {args.events} new messages"}
    verdict(
        "digest: events in one window -> one email",
        f"{counts[0]}-{counts[-1]} emails per recipient for {args.events} events"
        + ("" if in_window else " (the events outlasted the window)"),
        "exactly 1, counting every event",
        one_each and in_window,
    )


if __name__ == "__main__":
    main()
