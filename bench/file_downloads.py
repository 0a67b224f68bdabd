"""The files service: ``files_get_download_urls`` for 100 receipts with a cold and a warm URL
cache, and the lag from a PUT to the upload URL until the receipt is ``ready``.

    ops/with-emulators functions/venv/bin/python bench/file_downloads.py [--calls 20] [--uploads 20]

Cold: the cached URLs are dropped before each call, so all 100 are signed (a local RSA key
under the emulator; IAM signBlob in production costs more). Warm: every URL comes from the
cache, and the answer's ``signed`` must be 0. The lag goes through the whole stack: the GCS
emulator's notification to Pub/Sub, the Functions emulator, the consumer's read-back and
transaction; it is polled every 20 ms from Firestore.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions"), str(ROOT / "bench")]

from callable_latency import percentile, timed  # noqa: E402
from verdict import verdict  # noqa: E402

from files import repositories as repos  # noqa: E402
from files.models.receipts import FileReceipt, FileStatus  # noqa: E402
from shared.transactions import atomic_batch  # noqa: E402
from tests.support.callables import call  # noqa: E402
from tests.support.emulators import require_stack  # noqa: E402
from tests.support.users import create_user, unique_id  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(56))


def seed_ready(tenant_id: str, owner: str, count: int) -> list[dict[str, str]]:
    receipts = [
        FileReceipt(
            id=f"f{n:04d}",
            tenant_id=tenant_id,
            owner_id=owner,
            grouping_id="attachments",
            name=f"f{n}.png",
            content_type="image/png",
            declared_size=64,
            size=64,
            status=FileStatus.READY,
            token=f"token-{n:04d}-{unique_id('t')}",
            object_path=f"content/{tenant_id}/attachments/f{n:04d}/t/f{n}.png",
        )
        for n in range(count)
    ]
    repos.receipts(tenant_id).write_many(receipts)
    return [{"id": r.id, "token": r.token} for r in receipts]


def drop_cache(tenant_id: str, ids: list[str]) -> None:
    cache = repos.url_cache(tenant_id)
    with atomic_batch() as batch:
        for file_id in ids:
            cache.delete(file_id, writer=batch)


def finalize_lags(user, tenant_id: str, uploads: int) -> list[float]:
    lags = []
    for _ in range(uploads):
        answer = call(
            "files_create_upload",
            {
                "fileName": "a.png",
                "contentType": "image/png",
                "size": len(PNG),
                "groupingId": "attachments",
            },
            user,
        )
        receipts = repos.receipts(tenant_id)
        start = time.perf_counter()
        put = requests.put(
            answer["uploadUrl"], data=PNG, headers=answer["uploadHeaders"], timeout=30
        )
        put.raise_for_status()
        while receipts.require(answer["fileId"]).status is not FileStatus.READY:
            if time.perf_counter() - start > 30:
                raise SystemExit("a receipt did not turn ready within 30 s")
            time.sleep(0.02)
        lags.append((time.perf_counter() - start) * 1000)
    return lags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--uploads", type=int, default=20)
    args = parser.parse_args()
    require_stack()
    tenant_id = unique_id("bench")
    member = create_user(tenant_id=tenant_id, roles=["member"])
    refs = seed_ready(tenant_id, member.uid, 100)
    ids = [r["id"] for r in refs]
    payload = {"receipts": refs}

    def cold_call() -> None:
        drop_cache(tenant_id, ids)
        start = time.perf_counter()
        answer = call("files_get_download_urls", payload, member)
        cold_call.samples.append((time.perf_counter() - start) * 1000)  # type: ignore[attr-defined]
        assert answer["signed"] == 100 and not answer["errors"], answer["errors"]

    cold_call.samples = []  # type: ignore[attr-defined]
    for _ in range(3 + args.calls):
        cold_call()
    cold = cold_call.samples[3:]  # type: ignore[attr-defined]
    signed: list[int] = []
    warm = timed(
        lambda: signed.append(call("files_get_download_urls", payload, member)["signed"]),
        args.calls,
    )
    lags = finalize_lags(member, tenant_id, args.uploads)

    print(f"files_get_download_urls, 100 receipts ({args.calls} calls each):")
    for name, samples in (("cold cache", cold), ("warm cache", warm)):
        p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
        print(f"  {name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"  warm calls signed {sum(signed[5:])} URLs in total")
    print(
        f"finalize lag, PUT -> receipt ready ({args.uploads} uploads): "
        f"p50 {percentile(lags, 0.5):.0f} ms, p95 {percentile(lags, 0.95):.0f} ms"
    )
    verdict(
        "files download URLs warm",
        f"{sum(signed[5:])} signing calls",
        "0 signing calls on a warm cache",
        sum(signed[5:]) == 0,
    )


if __name__ == "__main__":
    main()
