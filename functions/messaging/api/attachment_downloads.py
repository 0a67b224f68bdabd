"""Download URLs for a message's attachments, for the participants who may read the message.

A message holds its files privately (``holders.messaging: private`` in ``static/files.yaml``):
the files service signs them through ``files_get_download_urls`` for their uploader alone, so a
token read or forwarded elsewhere (a tenant admin's, say) opens nothing. Everyone else reads
them through this callable, which asks the files service for the files that this message holds
(``files.public.holder_download_urls``) once it has checked that the caller may read the
message: a current participant, and the message sent after they joined (``joinedSeq``) unless
the conversation's type keeps ``history: all`` (``messaging.conversations.require_visible``, the
bound the rules put on the message itself).
Managing a conversation is not reading it: a tenant admin outside it gets nothing.
"""

from __future__ import annotations

from pydantic import Field

from messaging import repositories as repos
from messaging.attachments import holder
from messaging.conversations import require_visible
from messaging.models.requests import MessageRef
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.errors import InvalidArgument, PermissionDenied
from shared.models import Model

OWN = "messaging.conversations.own"


class AttachmentUrlError(Model):
    code: str = Field(description="`not-found` (no longer held), `not-ready`.")
    message: str


class AttachmentUrls(Model):
    """Signed GET URLs by file id, and why the others have none."""

    urls: dict[str, str]
    errors: dict[str, AttachmentUrlError]


@on_call()
@callable_endpoint(MessageRef, permission=OWN)
def messaging_get_attachment_urls(ctx: AuthContext, req: MessageRef) -> AttachmentUrls:
    from files.public import holder_download_urls

    tenant_id = ctx.tenant(req.tenant_id)
    conversation = repos.conversations(tenant_id).get(req.conversation_id)
    if conversation is None or ctx.uid not in conversation.participant_ids:
        raise PermissionDenied(
            "You are not a participant of this conversation", type="messaging/not-participant"
        )
    message = repos.messages(tenant_id, req.conversation_id).get(req.message_id)
    if message is None:
        raise InvalidArgument(
            "No such message in this conversation",
            fields=[{"field": "messageId", "message": "not a message of this conversation"}],
        )
    require_visible(message.seq, conversation, ctx.uid)  # sent before they joined: "no such"
    file_ids = [a.file_id for a in message.attachments]
    if not file_ids:
        return AttachmentUrls(urls={}, errors={})
    signed = holder_download_urls(tenant_id, holder(conversation.id, message.id), file_ids)
    return AttachmentUrls(
        urls=signed.urls,
        errors={
            fid: AttachmentUrlError(code=e.code, message=e.message)
            for fid, e in signed.errors.items()
        },
    )
