"""Callables of the files service: thin entry points over the domain modules."""

from __future__ import annotations

from files import downloads, uploads
from files.models.receipts import CreateUpload, DownloadAnswer, DownloadRequest, UploadAnswer
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call


@on_call()
@callable_endpoint(CreateUpload, permission="files.own")
def files_create_upload(ctx: AuthContext, req: CreateUpload) -> UploadAnswer:
    return uploads.create_upload(ctx.tenant(req.tenant_id), ctx.uid, req)


@on_call()
@callable_endpoint(DownloadRequest, permission="files.own")
def files_get_download_urls(ctx: AuthContext, req: DownloadRequest) -> DownloadAnswer:
    return downloads.download_urls(ctx.tenant(req.tenant_id), req)
