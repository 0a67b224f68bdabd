"""A ``user.updated`` that reaches 5,000 conversations: time to refresh them all.

    ops/with-emulators functions/venv/bin/python bench/messaging_refresh.py [--conversations 5000]

The user sits in ``--conversations`` direct conversations (written here in chunked batches);
their display name changes on the profile; the refresh the ``user.updated`` consumer runs
(``messaging.background.refresh_participant_info``: projected id pages of 500, chunked batch
updates of one field path each) is timed in this process, then every conversation is read back
to check the new name landed everywhere.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]

from bench.verdict import verdict  # noqa: E402
from messaging import background  # noqa: E402
from messaging import repositories as repos  # noqa: E402
from messaging.models.conversations import Conversation, Participant  # noqa: E402
from shared.repository import where  # noqa: E402
from tests.support.emulators import require_stack  # noqa: E402
from tests.support.user_profiles import seed_user_profile  # noqa: E402
from tests.support.users import create_user, unique_id  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=5000)
    args = parser.parse_args()
    require_stack()
    tenant_id = unique_id("bench")
    user = create_user(tenant_id=tenant_id, roles=["member"])
    seed_user_profile(tenant_id, user, display_name="Old Name")
    repo = repos.conversations(tenant_id)
    start = time.perf_counter()
    repo.write_many(
        Conversation(
            id=f"c{n:05d}", tenant_id=tenant_id, type="direct", direct=True, created_by=user.uid,
            participant_ids=[user.uid, f"other{n}"],
            participants={user.uid: Participant(display_name="Old Name"),
                          f"other{n}": Participant(display_name=f"Other {n}")},
        )
        for n in range(args.conversations)
    )  # fmt: skip
    print(f"seeded {args.conversations} conversations in {time.perf_counter() - start:.1f} s")
    seed_user_profile(tenant_id, user, display_name="New Name")

    start = time.perf_counter()
    refreshed = background.refresh_participant_info(tenant_id, user.uid)
    elapsed = time.perf_counter() - start
    renamed = sum(
        1
        for c in repo.stream_all(where("participant_ids", "array-contains", user.uid))
        if c.participants[user.uid].display_name == "New Name"
    )
    print(
        f"user.updated -> {refreshed} conversations refreshed in {elapsed:.1f} s "
        f"({refreshed / elapsed:.0f}/s); carrying the new name: {renamed}/{args.conversations}"
    )
    verdict(
        f"messaging participant refresh, {args.conversations} conversations",
        f"{elapsed:.1f} s",
        "all refreshed in under 60 s",
        renamed == args.conversations and elapsed < 60,
    )


if __name__ == "__main__":
    main()
