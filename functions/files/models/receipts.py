"""Documents, declarations, requests and answers of the files service."""

import re
from datetime import datetime
from enum import StrEnum

from pydantic import Field, field_validator

from shared.models import Document, Model, RequestModel
from shared.types import Id

MAX_TEMPORARY_SECONDS = 30 * 24 * 3600
"""Cloud Tasks schedules at most 30 days ahead."""
_BAD_NAME = re.compile(r"[/\\\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Path separators, C0/C1 controls, line and paragraph separators, bidi overrides and isolates
(a name that displays as something else: ``invoice\u202egpj.exe``)."""
_INVISIBLE_EDGES = "\u200b\u200c\u200d\u2060\ufeff"
"""Zero-width characters a name may not start or end with (two names that look the same)."""


class FileStatus(StrEnum):
    PENDING = "pending"
    SCANNING = "scanning"
    READY = "ready"
    REJECTED = "rejected"
    DELETED = "deleted"


# -- static/files.yaml -------------------------------------------------------------------------
class Grouping(Model):
    description: str = ""
    public: bool = Field(default=False, description="An upload's visibility when it names none.")
    may_be_public: bool | None = Field(
        default=None,
        description="Whether an upload may ask to be public (None: as ``public``). Private "
        "content (attachments) says no: a member may not publish what others send privately.",
    )
    max_bytes: int = Field(gt=0)
    content_types: list[str] = Field(min_length=1)
    scan: str = Field(
        default="none",
        description="The scan hook (files.scanning) a landed body passes before it is ready.",
    )


class Quota(Model):
    bytes: int = Field(gt=0)
    files: int = Field(gt=0)


class PendingLimit(Model):
    """What one user may hold reserved in pending uploads (declared size, count), so that no
    member can hold the tenant's quota with uploads that never arrive."""

    bytes: int = Field(gt=0)
    files: int = Field(gt=0)


class HolderAccess(StrEnum):
    """Who may have a held file signed (``static/files.yaml``, ``holders``)."""

    TOKEN = "token"
    """Anyone with the receipt's token (the uploader shares it as they like)."""
    PRIVATE = "private"
    """Its uploader through ``files_get_download_urls``; anyone else only through the holding
    service (``files.public.holder_download_urls``), which decides who may read the holder."""


class Holder(Model):
    access: HolderAccess = HolderAccess.PRIVATE


class FilesConfig(Model):
    """``static/files.yaml``."""

    quota: Quota
    pending_per_user: PendingLimit
    holders: dict[str, Holder] = Field(
        default_factory=dict,
        description="Holder kinds (the first segment of a holder name); undeclared: private.",
    )
    upload_url_seconds: int = Field(default=900, gt=0)
    resumable_above_bytes: int = Field(
        default=8_388_608, gt=0, description="Larger uploads get a resumable session URL."
    )
    download_url_seconds: int = Field(default=3600, gt=0)
    download_url_reuse_seconds: int = Field(default=600, ge=0)
    pending_minutes: int = Field(default=60, gt=0)
    delete_unreferenced_after_seconds: int = Field(default=3600, ge=0)
    groupings: dict[str, Grouping]

    def holder_access(self, holder: str) -> HolderAccess:
        """How a file held by ``holder`` (``{kind}/...``) may be signed; private by default."""
        declared = self.holders.get(holder.split("/", 1)[0])
        return declared.access if declared is not None else HolderAccess.PRIVATE

    def keeps_private(self, refs: "FileReferences | None") -> bool:
        """Whether any holder of a file keeps it private (a file nobody holds does not)."""
        holders = refs.holders if refs is not None else []
        return any(self.holder_access(h) is not HolderAccess.TOKEN for h in holders)


# -- documents ---------------------------------------------------------------------------------
class FileReceipt(Document):
    """``tenants/{tenantId}/files/{fileId}``: read by its uploader and the tenant's admins."""

    tenant_id: str
    owner_id: str = Field(description="The uid of the uploader.")
    grouping_id: str
    name: str
    content_type: str
    declared_size: int
    public: bool = False
    status: FileStatus = FileStatus.PENDING
    token: str = Field(description="The secret that grants a download URL; never shown to others.")
    object_path: str
    size: int | None = Field(default=None, description="The stored object's real size.")
    md5_hash: str | None = None
    crc32c: str | None = None
    stored_content_type: str | None = None
    generation: str | None = Field(default=None, description="The object generation accepted.")
    reason: str | None = Field(default=None, description="Why it was rejected.")
    ready_at: datetime | None = None
    deleted_at: datetime | None = None
    expires_at: datetime | None = Field(
        default=None, description="A temporary file: deleted at this time, referenced or not."
    )
    cloned_from: str | None = Field(default=None, description="The file this one copies.")
    resumable: bool = Field(
        default=False,
        description="Uploaded through a resumable session (usable for a week, not minutes).",
    )
    counted_pending: bool = Field(
        default=False,
        description="Counted in its uploader's pending allowance while pending (receipts made "
        "before the allowance existed were not, and give nothing back).",
    )

    def public_view(self, *, with_token: bool = False) -> "ReceiptView":
        """What a caller sees; the token only for the uploader's own answer."""
        return ReceiptView(
            id=self.id,
            status=self.status,
            grouping_id=self.grouping_id,
            name=self.name,
            content_type=self.content_type,
            declared_size=self.declared_size,
            size=self.size,
            public=self.public,
            owner_id=self.owner_id,
            reason=self.reason,
            expires_at=self.expires_at,
            token=self.token if with_token else None,
        )


class TenantUsage(Document):
    """``tenants/{tenantId}/fileUsage/totals``: exact totals, changed only in transactions.
    Pending receipts count with their declared size; ready ones with their real size."""

    bytes: int = 0
    files: int = 0
    quota_bytes: int | None = Field(
        default=None, description="The tenant's own byte quota (None: static/files.yaml's)."
    )
    quota_files: int | None = Field(
        default=None, description="The tenant's own file-count quota (None: the default)."
    )


class PendingUploads(Document):
    """``tenants/{tenantId}/filePending/{userId}`` (server-only): what the user holds reserved
    in pending uploads, moved by increments in the units that create and settle receipts."""

    bytes: int = 0
    files: int = 0


class CachedUrl(Document):
    """``tenants/{tenantId}/fileUrls/{fileId}``: a signed download URL until near expiry
    (server-only: no rule opens it)."""

    url: str
    expires_at: datetime
    token: str = Field(description="The receipt token it was signed for (a new token: re-sign).")


class FileReferences(Document):
    """``tenants/{tenantId}/fileRefs/{fileId}`` (server-only): who refers to a file. When the
    last holder lets go, deletion is scheduled (``deletionTaskId``) after a delay."""

    holders: list[str] = Field(default_factory=list)
    deletion_task_id: str | None = None
    deletion_due_at: datetime | None = None


class DeleteExpired(Model):
    """Payload of the ``filesDeleteExpired`` task (queued at a temporary file's expiry)."""

    tenant_id: str
    file_id: str


class DeleteUnreferenced(Model):
    """Payload of the ``filesDeleteUnreferenced`` task."""

    tenant_id: str
    file_id: str


# -- requests ----------------------------------------------------------------------------------
class CreateUpload(RequestModel):
    file_name: str = Field(min_length=1, max_length=255)
    content_type: str = Field(min_length=3, max_length=127)
    size: int = Field(gt=0, description="Declared size in bytes; the bucket enforces it.")
    grouping_id: Id = Field(max_length=64)
    public: bool | None = Field(default=None, description="Defaults to the grouping's setting.")
    expires_in_seconds: int | None = Field(
        default=None,
        gt=0,
        le=MAX_TEMPORARY_SECONDS,
        description="A temporary file: deleted this long after the upload was created.",
    )
    tenant_id: Id | None = None

    @field_validator("file_name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if _BAD_NAME.search(value) or value in {".", ".."}:
            raise ValueError(
                "must not contain path separators, control, separator or bidi characters"
            )
        if value[0] in _INVISIBLE_EDGES or value[-1] in _INVISIBLE_EDGES:
            raise ValueError("must not start or end with an invisible character")
        return value

    @field_validator("content_type")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class CloneFile(RequestModel):
    """Copy a ready file the caller holds the token of into a new receipt of its own."""

    id: Id = Field(description="The file to copy.")
    token: str = Field(min_length=1, max_length=128, description="Its receipt's token.")
    grouping_id: Id | None = Field(
        default=None, max_length=64, description="The copy's grouping (default: the source's)."
    )
    tenant_id: Id | None = None


class SetTenantQuota(RequestModel):
    """A platform admin's override of one tenant's storage quota (None: the default)."""

    tenant_id: Id = Field(description="The tenant whose quota changes.")
    bytes: int | None = Field(default=None, gt=0, le=2**53, description="Bytes (None: default).")
    files: int | None = Field(default=None, gt=0, le=2**31, description="Files (None: default).")


class ReceiptRef(RequestModel):
    id: Id
    token: str = Field(min_length=1, max_length=128, description="The receipt's secret token.")


class DownloadRequest(RequestModel):
    receipts: list[ReceiptRef] = Field(min_length=1, max_length=100)
    tenant_id: Id | None = None


# -- answers -----------------------------------------------------------------------------------
class ReceiptView(Model):
    id: str
    status: FileStatus
    grouping_id: str
    name: str
    content_type: str
    declared_size: int
    size: int | None = None
    public: bool
    owner_id: str
    reason: str | None = None
    expires_at: datetime | None = None
    token: str | None = None


class UploadAnswer(Model):
    file_id: str
    upload_url: str
    upload_method: str = "PUT"
    resumable: bool = Field(
        default=False,
        description="A resumable session URL: PUT the body whole, or in Content-Range chunks.",
    )
    upload_headers: dict[str, str]
    expires_at: datetime
    receipt: ReceiptView


class QuotaAnswer(Model):
    """A tenant's quota in force and what it uses."""

    tenant_id: str
    quota_bytes: int
    quota_files: int
    used_bytes: int
    used_files: int
    overridden: bool


class CloneAnswer(Model):
    file_id: str
    receipt: ReceiptView


class DownloadError(Model):
    code: str
    message: str


class DownloadAnswer(Model):
    urls: dict[str, str]
    errors: dict[str, DownloadError]
    signed: int = Field(default=0, description="URLs signed by this call (0: all from cache).")
