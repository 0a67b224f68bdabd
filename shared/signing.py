"""V4 signed Cloud Storage URLs, behind one helper for every service.

In production (Cloud Functions) there is no key file: the runtime's service account signs
through IAM ``signBlob``, which ``generate_signed_url(service_account_email=..., access_token=...)``
calls for us. Under the GCS emulator (``STORAGE_EMULATOR_HOST``) a service-account credential
built from an RSA key generated once per process signs locally; the emulator does not check
signatures, and URLs point at the emulator.
"""

from __future__ import annotations

import functools
import threading
from datetime import timedelta
from typing import Any

from shared.settings import get_settings

LOCAL_SIGNER = "local-signer@{project}.iam.gserviceaccount.com"
_lock = threading.Lock()
signatures = 0
"""How many URLs this process has signed (benchmarks and tests read it through logs)."""


@functools.cache
def _local_credentials() -> Any:
    """A service-account credential over a key generated now: signs locally, never leaves."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from google.oauth2 import service_account

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    project = get_settings().project_id
    return service_account.Credentials.from_service_account_info(
        {
            "type": "service_account",
            "project_id": project,
            "client_email": LOCAL_SIGNER.format(project=project),
            "private_key": pem,
            "token_uri": "https://oauth2.googleapis.com/token",
        }
    )


@functools.cache
def _runtime_credentials() -> Any:
    import google.auth

    credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    return credentials


def _iam_signing() -> dict[str, Any]:
    """The runtime account's email and a fresh access token: IAM signBlob signs with them."""
    from google.auth.transport.requests import Request

    credentials = _runtime_credentials()
    with _lock:
        if not credentials.valid:
            credentials.refresh(Request())
    return {
        "service_account_email": credentials.service_account_email,
        "access_token": credentials.token,
    }


def signed_url(
    bucket: str,
    object_name: str,
    *,
    method: str,
    expires_in: timedelta,
    content_type: str | None = None,
    headers: dict[str, str] | None = None,
) -> str:
    """A V4 signed URL for ``method`` on one object. ``content_type`` and ``headers`` are bound
    into the signature: the client must send exactly them, or Cloud Storage refuses."""
    global signatures
    from shared.clients import storage_client

    settings = get_settings()
    blob = storage_client().bucket(bucket).blob(object_name)
    options: dict[str, Any] = {}
    if settings.storage_emulator_host:
        options["credentials"] = _local_credentials()
        options["api_access_endpoint"] = settings.storage_emulator_host
    else:
        options.update(_iam_signing())
    url = blob.generate_signed_url(
        version="v4",
        expiration=expires_in,
        method=method,
        content_type=content_type,
        headers=headers,
        **options,
    )
    with _lock:
        signatures += 1
    return str(url)
