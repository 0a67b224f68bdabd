"""Exact counts under contention: 10 senders x 50 messages into one group at once, then 50
out-of-order ``mark_read`` calls at once.

    ops/with-emulators functions/venv/bin/python bench/messaging_contention.py \
        [--senders 10] [--per-sender 50] [--readers 50]

(About 1.5 minutes on 2 shared cores: the hot documents are optimistic, so contended sends
retry on a new version instead of waiting on the emulator's locks, which took over 20 minutes.)

Runs the send and mark-read commands in this process (threads), each in its own transaction as
the callables run them, so every attempt a transaction makes is counted: retries are attempts
beyond the first; failures are sends that gave up (``aborted``). A failed send is retried by the
"client" with the same ``clientMessageId``, which is retry-safe. Then every unread count and
total is checked against the messages actually stored.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]

from bench.verdict import verdict  # noqa: E402
from messaging import conversations, messages, reading  # noqa: E402
from messaging import repositories as repos  # noqa: E402
from messaging.attachments import FilesAttachments  # noqa: E402
from messaging.conversations import MemberInfo  # noqa: E402
from messaging.models.config import messaging_config  # noqa: E402
from shared.auth_context import AuthContext  # noqa: E402
from shared.errors import Contention  # noqa: E402
from shared.repository import Order  # noqa: E402
from shared.unit_of_work import UnitOfWork, in_transaction  # noqa: E402
from tests.support.emulators import require_stack  # noqa: E402
from tests.support.users import unique_id  # noqa: E402

R = TypeVar("R")
SENDERS, PER_SENDER, READERS = 10, 50, 50
_lock = threading.Lock()
attempts = {"send": 0, "read": 0}
failures = {"send": 0, "read": 0}


def ctx(tenant_id: str, uid: str) -> AuthContext:
    return AuthContext(uid=uid, tenant_id=tenant_id, roles=("member",))


def counted(kind: str, work: Callable[[UnitOfWork], R]) -> Callable[[UnitOfWork], R]:
    """``work``, counting each attempt its transaction makes."""

    def attempt(uow: UnitOfWork) -> R:
        with _lock:
            attempts[kind] += 1
        return work(uow)

    return attempt


def send(tenant_id: str, cid: str, uid: str, n: int) -> str:
    client_id = f"{uid}-{n}"
    while True:
        try:
            sent = in_transaction(
                counted("send", lambda uow: messages.send_message(
                    uow, ctx(tenant_id, uid), tenant_id, messaging_config(), conversation_id=cid,
                    text=f"{uid} #{n}", client_message_id=client_id, receipts=[],
                    attachments=FilesAttachments(), new_id=uuid.uuid4().hex,
                )),
                publish=False,
            )  # fmt: skip
            return sent.message.id
        except Contention:
            with _lock:
                failures["send"] += 1


def send_all(tenant_id: str, cid: str, uid: str) -> list[str]:
    return [send(tenant_id, cid, uid, n) for n in range(PER_SENDER)]


def main() -> None:
    global SENDERS, PER_SENDER, READERS
    parser = argparse.ArgumentParser()
    parser.add_argument("--senders", type=int, default=SENDERS)
    parser.add_argument("--per-sender", type=int, default=PER_SENDER)
    parser.add_argument("--readers", type=int, default=READERS)
    args = parser.parse_args()
    SENDERS, PER_SENDER, READERS = args.senders, args.per_sender, args.readers
    require_stack()
    tenant_id = unique_id("bench")
    people = [f"{tenant_id}-s{n}" for n in range(SENDERS)]
    reader = f"{tenant_id}-reader"
    members = {uid: MemberInfo(display_name=uid) for uid in [*people, reader]}
    conversation, _ = in_transaction(
        lambda uow: conversations.create_conversation(
            uow, ctx(tenant_id, people[0]), tenant_id, messaging_config(), type_name="group",
            others=[*people[1:], reader], key=None, name="busy", members=members,
        ),
        publish=False,
    )  # fmt: skip
    cid = conversation.id

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        jobs = [pool.submit(send_all, tenant_id, cid, uid) for uid in people]
        ids = [mid for job in jobs for mid in job.result()]
    elapsed = time.perf_counter() - start
    total_sends = SENDERS * PER_SENDER
    stored = repos.conversations(tenant_id).require(cid)
    stored_count = repos.messages(tenant_id, cid).count()
    exact = stored.seq == stored_count == total_sends == len(set(ids))
    for uid in [*people, reader]:
        expected = stored.seq - stored.read_positions[uid]
        found = repos.unread_totals(tenant_id).get(uid)
        exact &= stored.unread_counts[uid] == expected == (found.unread_count if found else 0)
    print(
        f"sends: {total_sends} by {SENDERS} senders in {elapsed:.1f} s "
        f"({total_sends / elapsed:.0f}/s); transaction attempts {attempts['send']} "
        f"(retries {attempts['send'] - total_sends}), gave up {failures['send']} "
        f"(resent with the same clientMessageId); counts and totals exact: {exact}"
    )
    verdict("messaging 10x50 concurrent sends exact", str(exact), "every count exact", exact)

    # 50 mark_read calls at once on the newest 50 messages (by position, not by sender), the
    # newest submitted last, so older ones race it.
    newest = repos.messages(tenant_id, cid).query(order_by=[Order("seq", "desc")], limit=READERS)
    order = [m.id for m in reversed(newest.items)]

    def mark(mid: str) -> None:
        while True:
            try:
                in_transaction(
                    counted("read", lambda uow: reading.mark_read(
                        uow, ctx(tenant_id, reader), tenant_id, cid, mid
                    )),
                    publish=False,
                )  # fmt: skip
                return
            except Contention:
                with _lock:
                    failures["read"] += 1

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        list(pool.map(mark, order))
    elapsed = time.perf_counter() - start
    after = repos.conversations(tenant_id).require(cid)
    found = repos.unread_totals(tenant_id).require(reader)
    furthest = after.read_positions[reader] == after.seq and found.unread_count == 0
    print(
        f"mark_read: {READERS} at once in {elapsed:.1f} s; attempts {attempts['read']} "
        f"(retries {attempts['read'] - READERS}), gave up {failures['read']}; "
        f"ended at the furthest ({after.read_positions[reader]}/{after.seq}), total "
        f"{found.unread_count}: {furthest}"
    )
    verdict("messaging 50 out-of-order mark_read", str(furthest), "ends at the furthest", furthest)


if __name__ == "__main__":
    main()
