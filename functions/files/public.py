"""What other services may call on the files service (nothing else of it is theirs to import).

A document that holds a file receipt (a message's attachment, a profile's photo) registers its
interest with :func:`add_reference` and lets go with :func:`remove_reference`; when no holder
is left, the file is deleted after a delay (:mod:`files.cleanup`). Both take the caller's
transaction so the reference commits with the caller's own document; Firestore wants a
transaction's reads first, so call :func:`add_reference` (which reads the receipt) before
staging your writes. :func:`remove_reference` only writes.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from files import repositories as repos
from files.models.receipts import FileStatus, ReceiptView
from shared.errors import FailedPrecondition, NotFound
from shared.transactions import run_transaction

if TYPE_CHECKING:
    from google.cloud.firestore import Transaction

__all__ = ["ReceiptView", "add_reference", "remove_reference"]


def add_reference(
    tenant_id: str,
    file_id: str,
    holder: str,
    *,
    token: str | None = None,
    transaction: Transaction | None = None,
) -> ReceiptView:
    """Record that ``holder`` (a stable name such as ``messaging/{conversationId}/{messageId}``)
    refers to the file, and return its public view (no token).

    ``token``, when the file id came from a client, must be the receipt's (compared in constant
    time). Refuses a file of another tenant or an unknown one (``NotFound``, as a wrong token)
    and one that was rejected or deleted (``FailedPrecondition``). Adding twice is harmless.
    """

    def work(txn: Transaction) -> ReceiptView:
        receipt = repos.receipts(tenant_id).get(file_id, transaction=txn)
        if receipt is None or (
            token is not None and not hmac.compare_digest(receipt.token.encode(), token.encode())
        ):
            raise NotFound("No such file", type="files/not-found", fileId=file_id)
        if receipt.status not in (FileStatus.PENDING, FileStatus.READY):
            raise FailedPrecondition(
                f"The file is {receipt.status.value}", type="files/unavailable", fileId=file_id
            )
        repos.change_holders(txn, tenant_id, file_id, holder, add=True)
        return receipt.public_view()

    return work(transaction) if transaction is not None else run_transaction(work)


def remove_reference(
    tenant_id: str, file_id: str, holder: str, *, transaction: Transaction | None = None
) -> None:
    """Let go of the file for ``holder``; the last one out schedules its deletion. Removing a
    holder that is not there is harmless (a write only: no read, any point in a transaction)."""
    if transaction is not None:
        repos.change_holders(transaction, tenant_id, file_id, holder, add=False)
        return
    run_transaction(lambda txn: repos.change_holders(txn, tenant_id, file_id, holder, add=False))
