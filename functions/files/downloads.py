"""Signed download URLs for a batch of receipts, with per-file errors.

Each ``{id, token}`` is looked up in the caller's tenant only (another tenant's file is simply
not found there) and its token compared in constant time. URLs are cached on a server-only
document and reused until they have less than ``downloadUrlReuseSeconds`` left, so a warm
batch signs nothing.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime, timedelta

from files import objects
from files import repositories as repos
from files.models.receipts import (
    CachedUrl,
    DownloadAnswer,
    DownloadError,
    DownloadRequest,
    FileStatus,
)
from files.uploads import config
from shared import paths
from shared.errors import InvalidArgument

NOT_FOUND = DownloadError(code="not-found", message="No such file")
BAD_TOKEN = DownloadError(code="invalid-token", message="The token does not match")


def _valid_id(file_id: str) -> bool:
    try:
        paths.check_id(file_id)
    except InvalidArgument:
        return False
    return True


def download_urls(tenant_id: str, req: DownloadRequest) -> DownloadAnswer:
    cfg = config()
    now = datetime.now(UTC)
    lifetime = timedelta(seconds=cfg.download_url_seconds)
    reuse = timedelta(seconds=cfg.download_url_reuse_seconds)
    ids = [ref.id for ref in req.receipts if _valid_id(ref.id)]
    found = repos.receipts(tenant_id).get_many(ids)
    cache = repos.url_cache(tenant_id)
    cached = cache.get_many(found)
    urls: dict[str, str] = {}
    errors: dict[str, DownloadError] = {}
    fresh: list[CachedUrl] = []
    for ref in req.receipts:
        receipt = found.get(ref.id)
        if receipt is None:
            errors[ref.id] = NOT_FOUND
        elif not hmac.compare_digest(receipt.token.encode(), ref.token.encode()):
            errors[ref.id] = BAD_TOKEN
        elif receipt.status is not FileStatus.READY:
            errors[ref.id] = DownloadError(
                code="not-ready", message=f"The file is {receipt.status.value}"
            )
        else:
            hit = cached.get(ref.id)
            if hit is not None and hit.token == receipt.token and hit.expires_at - now > reuse:
                urls[ref.id] = hit.url
                continue
            url = objects.download_url(receipt.object_path, lifetime)
            urls[ref.id] = url
            fresh.append(
                CachedUrl(id=ref.id, url=url, expires_at=now + lifetime, token=receipt.token)
            )
    if fresh:
        cache.write_many(fresh)
    return DownloadAnswer(urls=urls, errors=errors, signed=len(fresh))
