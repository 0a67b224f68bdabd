"""Send latency by conversation size, and the writes one send commits.

    ops/with-emulators functions/venv/bin/python bench/messaging_send.py [--sends 40]

A group of 2, 50 and 200 participants (created with the domain command, the people as members
of one tenant); one signed-in participant sends ``--sends`` messages through the Functions
emulator (``messaging_send_message``), one after another. The floor is one direct write of the
same message document from this process. Writes per send are counted from what the send
commits: the message, the conversation, the sender's send window, and one unread total per
other participant (server-side increments in the same commit). Background triggers are paused
while it measures: the consumers of each send's events (notifications' digest, one transaction
per recipient of a group message) would otherwise share the 2 cores with the sends.
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
    print(f"{'participants':>12} {'p50 ms':>8} {'p95 ms':>8} {'writes/send':>12} {'x floor':>8}")
    results = {}
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
            results[size] = p50
            print(f"{size:>12} {p50:>8.1f} {p95:>8.1f} {writes:>12} {p50 / floor_p50:>8.1f}")
    verdict(
        "messaging send p50, 200 participants",
        f"{results[200]:.0f} ms ({results[200] / results[2]:.1f}x a 2-person send)",
        "the same order as a 2-person send (< 3x)",
        results[200] < 3 * results[2],
    )


if __name__ == "__main__":
    main()
