"""Callables of the files service: thin entry points over the domain modules."""

from __future__ import annotations

from files import clones, downloads, uploads
from files.models.receipts import (
    CloneAnswer,
    CloneFile,
    CreateUpload,
    DownloadAnswer,
    DownloadRequest,
    UploadAnswer,
)
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call


@on_call()
@callable_endpoint(CreateUpload, permission="files.own")
def files_create_upload(ctx: AuthContext, req: CreateUpload) -> UploadAnswer:
    return uploads.create_upload(ctx.tenant(req.tenant_id), ctx.uid, req)


@on_call()
@callable_endpoint(DownloadRequest, permission="files.own")
def files_get_download_urls(ctx: AuthContext, req: DownloadRequest) -> DownloadAnswer:
    return downloads.download_urls(ctx.tenant(req.tenant_id), ctx.uid, req)


@on_call()
@callable_endpoint(CloneFile, permission="files.own")
def files_clone(ctx: AuthContext, req: CloneFile) -> CloneAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    copy = clones.clone(tenant_id, ctx.uid, req.id, token=req.token, grouping_id=req.grouping_id)
    return CloneAnswer(file_id=copy.id, receipt=copy.public_view(with_token=True))
