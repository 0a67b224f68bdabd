"""What other services may call on the files service (nothing else of it is theirs to import).

A document that holds a file receipt (a message's attachment, a profile's photo) registers its
interest with :func:`add_reference` and lets go with :func:`remove_reference`; when no holder
is left, the file is deleted after a delay (:mod:`files.cleanup`). Both take the caller's unit
of work (``shared.unit_of_work``) so the reference commits with the caller's own document;
Firestore wants a transaction's reads first, so call :func:`add_reference` (which reads the
receipt) before staging your writes. :func:`remove_reference` only writes.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from typing import TYPE_CHECKING

from files import repositories as repos
from files.models.receipts import DownloadAnswer, FileReceipt, FileStatus, ReceiptView
from shared.errors import FailedPrecondition, NotFound
from shared.unit_of_work import in_transaction

if TYPE_CHECKING:
    from shared.unit_of_work import UnitOfWork

__all__ = [
    "DownloadAnswer",
    "ReceiptView",
    "add_reference",
    "add_references",
    "clone",
    "holder_download_urls",
    "remove_reference",
    "settle_scan",
]


def add_reference(
    tenant_id: str,
    file_id: str,
    holder: str,
    *,
    token: str | None = None,
    uow: UnitOfWork | None = None,
) -> ReceiptView:
    """Record that ``holder`` (a stable name such as ``messaging/{conversationId}/{messageId}``)
    refers to the file, and return its public view (no token); in ``uow`` when given, else in a
    unit of its own.

    ``token``, when the file id came from a client, must be the receipt's (compared in constant
    time). Refuses a file of another tenant or an unknown one (``NotFound``, as a wrong token)
    and one that was rejected or deleted (``FailedPrecondition``). Adding twice is harmless.
    """

    def work(uow: UnitOfWork) -> ReceiptView:
        receipt = uow.bind(repos.receipts(tenant_id)).get(file_id)
        view = _referable(receipt, file_id, token)
        repos.change_holders(uow.bind(repos.references(tenant_id)), file_id, holder, add=True)
        return view

    return work(uow) if uow is not None else in_transaction(work)


def add_references(
    tenant_id: str,
    files: Sequence[tuple[str, str | None]],
    holder: str,
    *,
    uow: UnitOfWork | None = None,
) -> list[ReceiptView]:
    """:func:`add_reference` for several files (``(fileId, token)`` pairs, each id once) of
    one holder, views in the same order. Every receipt is read, in one read, before any
    reference is written: a transaction must do its reads first, so calling
    :func:`add_reference` twice in one unit fails on the second read. The refusals are
    :func:`add_reference`'s, for the first file refused (its ``fileId`` in the details)."""
    ids = [file_id for file_id, _ in files]
    if len(set(ids)) != len(ids):
        raise ValueError("add_references takes each file once")

    def work(uow: UnitOfWork) -> list[ReceiptView]:
        found = uow.bind(repos.receipts(tenant_id)).get_many(ids)
        views = [_referable(found.get(file_id), file_id, token) for file_id, token in files]
        refs = uow.bind(repos.references(tenant_id))
        for file_id in ids:
            repos.change_holders(refs, file_id, holder, add=True)
        return views

    return work(uow) if uow is not None else in_transaction(work)


def _referable(receipt: FileReceipt | None, file_id: str, token: str | None) -> ReceiptView:
    """The receipt's public view if a holder may refer to it with ``token`` (None: the id did
    not come from a client); else the refusal :func:`add_reference` documents."""
    if receipt is None or (
        token is not None and not hmac.compare_digest(receipt.token.encode(), token.encode())
    ):
        raise NotFound("No such file", type="files/not-found", fileId=file_id)
    if receipt.status not in (FileStatus.PENDING, FileStatus.READY):
        raise FailedPrecondition(
            f"The file is {receipt.status.value}", type="files/unavailable", fileId=file_id
        )
    return receipt.public_view()


def remove_reference(
    tenant_id: str, file_id: str, holder: str, *, uow: UnitOfWork | None = None
) -> None:
    """Let go of the file for ``holder``; the last one out schedules its deletion. Removing a
    holder that is not there is harmless (a write only: no read, any point in a unit)."""

    def work(uow: UnitOfWork) -> None:
        repos.change_holders(uow.bind(repos.references(tenant_id)), file_id, holder, add=False)

    if uow is not None:
        work(uow)
    else:
        in_transaction(work)


def holder_download_urls(tenant_id: str, holder: str, file_ids: list[str]) -> DownloadAnswer:
    """Signed download URLs for the files ``holder`` holds (no token asked): for a service
    that has checked its caller may read ``holder`` (messaging: a participant who may read the
    message). Files the holder does not hold are ``not-found``, those not ready ``not-ready``,
    in ``errors`` by file id. The files a private holder keeps are signed only this way, or for
    their uploader (``files_get_download_urls``)."""
    from files import downloads

    return downloads.holder_urls(tenant_id, holder, file_ids)


def clone(
    tenant_id: str,
    file_id: str,
    owner_id: str,
    *,
    token: str | None = None,
    grouping_id: str | None = None,
) -> ReceiptView:
    """Copy a ready file into a new receipt owned by ``owner_id`` (a server-side copy of the
    object, counted against the tenant's quota); the new receipt's view, with its token (the
    new owner's). ``token``, when the file id came from a client, must be the source's.
    Refuses an unknown or foreign file or a wrong token (``NotFound``), one not ready
    (``FailedPrecondition``), a grouping that does not take it (``InvalidArgument``) and an
    exhausted quota (``ResourceExhausted``); a refused clone leaves nothing behind."""
    from files import clones

    copy = clones.clone(tenant_id, owner_id, file_id, token=token, grouping_id=grouping_id)
    return copy.public_view(with_token=True)


def settle_scan(
    tenant_id: str, file_id: str, *, clear: bool, reason: str | None = None
) -> ReceiptView:
    """A scanner's verdict on a file held in ``scanning`` (see :mod:`files.scanning`): clear
    makes it ``ready``; otherwise it is ``rejected`` with ``reason`` and its object deleted.
    A file in any other state is answered as it is (a repeated verdict changes nothing).
    ``NotFound`` for an unknown file."""
    from files import objects, thumbnails
    from files import receipts as commands
    from shared.unit_of_work import in_transaction

    def work(uow: UnitOfWork) -> FileReceipt | None:
        return commands.settle_scan(uow, tenant_id, file_id, clear=clear, reason=reason)

    receipt = in_transaction(work)
    if receipt is None:
        raise NotFound("No such file", type="files/not-found", fileId=file_id)
    if receipt.status is FileStatus.REJECTED:
        objects.delete(receipt.object_path)
    thumbnails.ensure(receipt)  # a cleared image gets its thumbnail now
    return receipt.public_view()
