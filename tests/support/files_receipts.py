"""Receipts on the in-memory unit of work: the data the files service's unit tests share
(one tenant, one quota, a receipt and its stored object, the totals they leave)."""

from files import receipts
from files import repositories as repos
from files.content import StoredObject
from files.models.receipts import (
    FileReceipt,
    FileStatus,
    Quota,
)
from tests.support.fake_uow import FakeUnitOfWork

TENANT = "t1"
QUOTA = Quota(bytes=1000, files=3)
PATH = "content/t1/attachments/f1/tok/a.png"


def a_receipt(
    file_id: str = "f1", *, size: int = 100, status: FileStatus = FileStatus.PENDING, **extra
) -> FileReceipt:
    return FileReceipt(
        id=file_id,
        tenant_id=TENANT,
        owner_id="u1",
        grouping_id="attachments",
        name="a.png",
        content_type="image/png",
        declared_size=size,
        token="tok",
        object_path=PATH if file_id == "f1" else f"content/t1/attachments/{file_id}/tok/a.png",
        status=status,
        **extra,
    )


def stored(size: int = 80, generation: str = "1") -> StoredObject:
    return StoredObject(
        name=PATH,
        size=size,
        content_type="image/png",
        md5_hash="md5",
        crc32c="crc",
        generation=generation,
        head=b"\x89PNG\r\n\x1a\n",
    )


def totals(uow: FakeUnitOfWork) -> tuple[int, int]:
    found = uow.store.get(str(repos.usage(TENANT).path), {}).get(repos.USAGE_DOC)
    return (found.bytes, found.files) if found else (0, 0)


def receipts_in(uow: FakeUnitOfWork) -> dict[str, FileReceipt]:
    return uow.store.get(str(repos.receipts(TENANT).path), {})


def receipt_in(uow: FakeUnitOfWork, file_id: str = "f1") -> FileReceipt:
    return receipts_in(uow)[file_id]


def reserve_one(uow: FakeUnitOfWork, receipt: FileReceipt) -> None:
    uow.run(lambda u: receipts.reserve(u, receipt, QUOTA))


def with_pending(size: int = 100) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.run(lambda u: receipts.reserve(u, a_receipt(size=size), QUOTA))
    return uow
