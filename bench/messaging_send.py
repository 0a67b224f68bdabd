"""Send latency by conversation size, and the writes one send commits.

    ops/with-emulators functions/venv/bin/python bench/messaging_send.py [--sends 40]

A group of 2, 50 and 200 participants (created with the domain command, the people as members of one
tenant); one signed-in participant sends ``--sends`` messages through the Functions emulator
(``messaging_send_message``), one after another. Two floors: one direct write of the same message
document from this process (the issue's), and one batch of the same writes a send commits for that
size (what one transaction per send, as SPEC requires, cannot go below). The verdict holds what each
extra participant adds to a send against what an extra document adds to a batch. Writes per send are
counted from what the send commits: the message, the conversation, the sender's send window, and one
unread total per other participant (server-side increments in the same commit). Background triggers
are paused while it measures: the consumers of each send's events (notifications' digest, one
transaction per recipient of a group message) would otherwise share the 2 cores with the sends.
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

from bench.verdict import verdict  # noqa: E402
from messaging import conversations  # noqa: E402
from messaging import repositories as repos  # noqa: E402
from messaging.conversations import MemberInfo  # noqa: E402
from messaging.models.config import messaging_config  # noqa: E402
from messaging.models.conversations import Message  # noqa: E402
from shared.auth_context import AuthContext  # noqa: E402
from shared.unit_of_work import in_transaction  # noqa: E402
from tests.support.callables import call  # noqa: E402
from tests.support.emulators import background_triggers_paused, require_stack  # noqa: E402
from tests.support.user_profiles import seed_user_profile  # noqa: E402
from tests.support.users import create_user, unique_id  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def group_of(tenant_id: str, sender_id: str, size: int) -> str:
    others = [f"{tenant_id}-p{n:03d}" for n in range(size - 1)]
    members = {uid: MemberInfo(display_name=uid) for uid in [sender_id, *others]}
    ctx = AuthContext(uid=sender_id, tenant_id=tenant_id, roles=("member",))
    conversation, _ = in_transaction(
        lambda uow: conversations.create_conversation(
            uow, ctx, tenant_id, messaging_config(), type_name="group", others=others,
            key=None, name=f"{size} people", members=members,
        )
    )  # fmt: skip
    return conversation.id


def same_writes(tenant_id: str, size: int, sends: int) -> float:
    """p50 ms of one batch of the writes a send to ``size`` participants commits: the message,
    the conversation's latest message and counts, the sender's send window, and a server-side
    increment of each other participant's unread total."""
    from google.cloud.firestore_v1 import Increment

    from shared.clients import firestore_client

    client = firestore_client()
    conversation = repos.conversations(tenant_id).ref(f"floor{size}")
    others = [repos.unread_totals(tenant_id).ref(f"floor{size}-{n}") for n in range(size - 1)]
    window = repos.send_budgets(tenant_id).ref(f"floor{size}")
    samples = []
    for n in range(sends):
        batch = client.batch()
        message = repos.messages(tenant_id, conversation.id).ref(f"m{n}")
        batch.set(message, {"text": f"m{n}", "seq": n, "sentAt": datetime.now(UTC)})
        batch.set(conversation, {"seq": n, "unreadCounts": {"x": Increment(1)}}, merge=True)
        batch.set(window, {"count": Increment(1)}, merge=True)
        for total in others:
            batch.set(total, {"unreadCount": Increment(1)}, merge=True)
        start = time.perf_counter()
        batch.commit()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sends", type=int, default=40)
    args = parser.parse_args()
    require_stack()
    tenant_id = unique_id("bench")
    sender = create_user(tenant_id=tenant_id, roles=["member"])
    seed_user_profile(tenant_id, sender)

    floor_repo = repos.messages(tenant_id, "floor")
    floor = []
    for n in range(args.sends):
        message = Message(
            id=f"f{n}", tenant_id=tenant_id, conversation_id="floor", seq=n, sender_id=sender.uid,
            text="hello", sent_at=datetime.now(UTC),
        )  # fmt: skip
        start = time.perf_counter()
        floor_repo.create(message)
        floor.append((time.perf_counter() - start) * 1000)
    floor_p50 = statistics.median(floor)
    print(f"floor (one direct write of a message): p50 {floor_p50:.1f} ms")
    print(
        f"{'participants':>12} {'p50 ms':>8} {'p95 ms':>8} {'writes/send':>12} {'x floor':>8}"
        f" {'same writes ms':>15} {'x same':>7}"
    )
    results, batches = {}, {}
    with background_triggers_paused():  # the events' consumers are not measured
        for size in (2, 50, 200):
            # a sender per size: one sender's sends would pass the per-user rate (sendRate)
            sender = create_user(tenant_id=tenant_id, roles=["member"])
            seed_user_profile(tenant_id, sender)
            cid = group_of(tenant_id, sender.uid, size)
            for _ in range(3):  # warm-up
                call("messaging_send_message", {"conversationId": cid, "text": "warm"}, sender)
            samples = []
            for n in range(args.sends):
                start = time.perf_counter()
                call("messaging_send_message", {"conversationId": cid, "text": f"m{n}"}, sender)
                samples.append((time.perf_counter() - start) * 1000)
            stored = repos.conversations(tenant_id).require(cid)
            assert stored.seq == args.sends + 3
            p50, p95 = statistics.median(samples), percentile(samples, 0.95)
            writes = 3 + (size - 1)
            batch_p50 = same_writes(tenant_id, size, args.sends)
            results[size], batches[size] = p50, batch_p50
            print(
                f"{size:>12} {p50:>8.1f} {p95:>8.1f} {writes:>12} {p50 / floor_p50:>8.1f}"
                f" {batch_p50:>15.1f} {p50 / batch_p50:>7.2f}"
            )
    # What a recipient adds: the send's cost per extra participant from 2 to 200 against a
    # batch's cost per extra document. The fixed part is a callable's (bench/callable_latency).
    per_recipient = (results[200] - results[2]) / 198
    per_document = (batches[200] - batches[2]) / 198
    print(
        f"per extra participant: send {per_recipient:.3f} ms, batch {per_document:.3f} ms a "
        f"document ({per_recipient / per_document:.2f}x)"
    )
    verdict(
        "messaging send, cost per extra participant vs a batch's per document",
        f"{per_recipient / per_document:.2f}x ({per_recipient:.2f} vs {per_document:.2f} ms)",
        "<= 2x",
        per_recipient <= 2 * per_document,
    )


if __name__ == "__main__":
    main()
