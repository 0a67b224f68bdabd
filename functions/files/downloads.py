"""Signed download URLs for a batch of receipts, with per-file errors.

Each ``{id, token}`` is looked up in the caller's tenant only (another tenant's file is simply
not found there) and its token compared in constant time. A file that a private holder keeps
(``holders`` in ``static/files.yaml``; every kind not declared otherwise, such as a message's
``messaging/{conversationId}/{messageId}``) is signed here for its uploader alone: whoever else
holds its token (a tenant admin who once read it, someone it was forwarded to) is refused
``held-privately``, and reaches it only through the holding service, which decides who may read
the holder and asks :func:`holder_urls` (``files.public.holder_download_urls``). URLs are cached
on a server-only document and reused until they have less than ``downloadUrlReuseSeconds``
left, so a warm batch signs nothing.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from files import objects
from files import repositories as repos
from files.models.receipts import (
    CachedUrl,
    DownloadAnswer,
    DownloadError,
    DownloadRequest,
    FileReceipt,
    FilesConfig,
    FileStatus,
)
from files.uploads import config
from shared import paths
from shared.errors import InvalidArgument

NOT_FOUND = DownloadError(code="not-found", message="No such file")
BAD_TOKEN = DownloadError(code="invalid-token", message="The token does not match")
HELD_PRIVATELY = DownloadError(
    code="held-privately",
    message="A private holder keeps this file: ask the service that holds it",
)


def _valid_ids(file_ids: Iterable[str]) -> list[str]:
    valid = []
    for file_id in file_ids:
        try:
            valid.append(paths.check_id(file_id))
        except InvalidArgument:
            continue
    return valid


def _not_ready(receipt: FileReceipt) -> DownloadError | None:
    if receipt.status is FileStatus.READY:
        return None
    return DownloadError(code="not-ready", message=f"The file is {receipt.status.value}")


def download_urls(tenant_id: str, uid: str, req: DownloadRequest) -> DownloadAnswer:
    """URLs for the receipts whose tokens ``uid`` presents; a privately held file only for
    its uploader. The references are read (one batched read) only for others' files."""
    cfg = config()
    found = repos.receipts(tenant_id).get_many(_valid_ids(ref.id for ref in req.receipts))
    others = [r.id for r in found.values() if r.owner_id != uid]
    refs = repos.references(tenant_id).get_many(others) if others else {}
    errors: dict[str, DownloadError] = {}
    wanted: list[FileReceipt] = []
    for ref in req.receipts:
        receipt = found.get(ref.id)
        if receipt is None:
            errors[ref.id] = NOT_FOUND
        elif not hmac.compare_digest(receipt.token.encode(), ref.token.encode()):
            errors[ref.id] = BAD_TOKEN
        elif receipt.owner_id != uid and cfg.keeps_private(refs.get(ref.id)):
            errors[ref.id] = HELD_PRIVATELY
        elif (unready := _not_ready(receipt)) is not None:
            errors[ref.id] = unready
        else:
            wanted.append(receipt)
    return sign(tenant_id, wanted, errors, cfg)


def holder_urls(tenant_id: str, holder: str, file_ids: list[str]) -> DownloadAnswer:
    """URLs for the files ``holder`` holds, no token asked: the holder's service has decided
    that its caller may read the holder. A file the holder does not hold is ``not-found``."""
    cfg = config()
    valid = _valid_ids(file_ids)
    found = repos.receipts(tenant_id).get_many(valid)
    refs = repos.references(tenant_id).get_many(valid)
    errors: dict[str, DownloadError] = {}
    wanted: list[FileReceipt] = []
    for file_id in file_ids:
        receipt, held = found.get(file_id), refs.get(file_id)
        if receipt is None or held is None or holder not in held.holders:
            errors[file_id] = NOT_FOUND
        elif (unready := _not_ready(receipt)) is not None:
            errors[file_id] = unready
        else:
            wanted.append(receipt)
    return sign(tenant_id, wanted, errors, cfg)


def sign(
    tenant_id: str,
    receipts: list[FileReceipt],
    errors: dict[str, DownloadError],
    cfg: FilesConfig,
) -> DownloadAnswer:
    """Sign each receipt's object (``objectPath``), reusing a cached URL signed for its
    current token while it has more than ``downloadUrlReuseSeconds`` left."""
    now = datetime.now(UTC)
    lifetime = timedelta(seconds=cfg.download_url_seconds)
    reuse = timedelta(seconds=cfg.download_url_reuse_seconds)
    cache = repos.url_cache(tenant_id)
    cached = cache.get_many(r.id for r in receipts) if receipts else {}
    urls: dict[str, str] = {}
    fresh: list[CachedUrl] = []
    for receipt in receipts:
        hit = cached.get(receipt.id)
        if hit is not None and hit.token == receipt.token and hit.expires_at - now > reuse:
            urls[receipt.id] = hit.url
            continue
        url = objects.download_url(receipt.object_path, lifetime)
        urls[receipt.id] = url
        fresh.append(
            CachedUrl(id=receipt.id, url=url, expires_at=now + lifetime, token=receipt.token)
        )
    if fresh:
        cache.write_many(fresh)
    return DownloadAnswer(urls=urls, errors=errors, signed=len(fresh))
