"""One document read outside a transaction, by the unary ``GetDocument`` RPC.

The client library reads a single document with ``BatchGetDocuments``, a server-streaming RPC:
Python's gRPC drives every streaming call with a thread of its own, and in a threaded worker
(gunicorn's gthread, which functions-framework serves) the hand-offs between that thread, the
request's thread and the server loop cost more than the read itself. ``GetDocument`` is unary:
measured in a functions-framework worker against the emulator, the caller-state read of every
callable went from about 5.4 ms to 2.3 ms, and a read from a plain process from 2.4 ms to 1.4 ms
(``bench/callable_latency.py`` shows the figures for the whole call).

Reads inside a transaction keep the client's path: a transaction must register every read it
makes, missing documents included, and ``GetDocument`` answers a missing document with an
error, not a read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from google.cloud.firestore_v1.base_document import DocumentSnapshot
    from google.cloud.firestore_v1.document import DocumentReference


def get_document(
    ref: DocumentReference, *, field_paths: Iterable[str] | None = None
) -> DocumentSnapshot:
    """The document's snapshot (``exists`` False when there is none), as ``ref.get()`` gives it,
    but for ``read_time``, which a unary read does not report."""
    from google.api_core.exceptions import NotFound
    from google.cloud.firestore_v1 import _helpers
    from google.cloud.firestore_v1.base_document import DocumentSnapshot

    client = ref._client
    request: dict[str, object] = {"name": ref._document_path}
    if field_paths is not None:
        request["mask"] = {"field_paths": list(field_paths)}
    try:
        document = client._firestore_api.get_document(
            request=request, metadata=client._rpc_metadata
        )
    except NotFound:
        return DocumentSnapshot(
            ref, None, exists=False, read_time=None, create_time=None, update_time=None
        )
    return DocumentSnapshot(
        ref,
        _helpers.decode_dict(document.fields, client),
        exists=True,
        read_time=None,
        create_time=document.create_time,
        update_time=document.update_time,
    )
