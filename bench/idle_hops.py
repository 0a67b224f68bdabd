"""Lost deliveries after idle gaps: calls through the Functions emulator, each after a pause
around the Python worker's keep-alive window (gunicorn closes an idle connection after 2 s),
counting the answers that never came from the function.

    ops/with-emulators functions/venv/bin/python bench/idle_hops.py [--calls 40]

With Node's default keep-alive agent in the emulator, a request written to a socket the worker
is closing dies ("socket hang up"); ops/with-emulators preloads ops/node/no-keepalive.cjs so
that it cannot happen. The figure to read is ``lost``: it must be 0.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]

from bench.verdict import verdict  # noqa: E402
from tests.support.emulators import functions_url, require_stack  # noqa: E402
from tests.support.users import create_user, unique_id  # noqa: E402

GAPS = (1.9, 3.2)
"""Seconds of idleness before each call: across gunicorn's 2 s keep-alive (checked about once a
second) and well within Node's 5 s idle-socket timeout."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    require_stack()

    user = create_user(tenant_id=unique_id("bench"), roles=["member"])
    headers = {"Authorization": f"Bearer {user.id_token}"}
    url = functions_url("example_list_projects")
    session = requests.Session()
    lost = 0
    rng = random.Random(7)
    for _ in range(args.calls):
        time.sleep(rng.uniform(*GAPS))
        answer = session.post(url, json={"data": {}}, headers=headers, timeout=60)
        try:
            answered = "result" in answer.json() or "error" in answer.json()
        except ValueError:
            answered = False
        lost += not answered
    print(f"calls after idle gaps of {GAPS[0]}-{GAPS[1]} s: {args.calls}, lost: {lost}")
    verdict("deliveries lost after idle gaps", str(lost), "0", lost == 0)


if __name__ == "__main__":
    main()
