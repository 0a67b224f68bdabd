"""Replace the token of every receipt whose object path carries it.

Receipts made before tokens left object paths (``files.uploads.object_path``) keep their
objects at ``{prefix}/{tenantId}/{groupingId}/{fileId}/{token}/{name}``, and a signed URL shows
that path to whoever sees it: anyone who saw one URL held the token, and with it could mint new
URLs and clone the file. The objects stay where they are (``objectPath`` is what gets signed,
and a thumbnail's path follows the object's folder, not the token); the receipt gets a new
token, so the one in the path opens nothing any more, and the cached URL goes. The new token
also retires every token read through the rules while tenant admins could read receipts.
The uploader reads the new token on their receipt; holders (messages) never stored tokens.

Safe to re-run: a receipt is changed in its own transaction only while its path still carries
its current token, so a second run changes nothing.
"""

from __future__ import annotations

import secrets

from files import repositories as repos
from shared.unit_of_work import UnitOfWork, in_transaction

VERSION = "0001"
DESCRIPTION = "Replace the token of receipts whose object path carries it (issue 20, item 9)"
PAGE = 300


def carries_token(object_path: str, token: str) -> bool:
    return f"/{token}/" in object_path


def rotate(tenant_id: str, file_id: str) -> bool:
    """Give one receipt a new token if its path still carries the current one; whether it did."""

    def work(uow: UnitOfWork) -> bool:
        receipts = uow.bind(repos.receipts(tenant_id))
        receipt = receipts.get(file_id)
        if receipt is None or not carries_token(receipt.object_path, receipt.token):
            return False
        receipts.update(file_id, {"token": secrets.token_urlsafe(24)})
        uow.bind(repos.url_cache(tenant_id)).delete(file_id)
        return True

    return in_transaction(work)


def apply() -> int:
    """Every tenant's receipts, a page at a time (a collection-group scan; whole documents,
    since a receipt has no defaults for a projection to leave out)."""
    receipts = repos.receipts_everywhere()
    rotated, cursor = 0, None
    while True:
        page = receipts.query(limit=PAGE, cursor=cursor)
        for receipt in page.items:
            if carries_token(receipt.object_path, receipt.token):
                rotated += rotate(receipt.tenant_id, receipt.id)
        if page.next_cursor is None:
            return rotated
        cursor = page.next_cursor
