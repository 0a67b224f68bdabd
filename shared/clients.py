"""Google and Firebase clients, built lazily on first use and once per process.

Nothing here is imported at module level: a function that never publishes never pays for the
Pub/Sub client. Under the emulators the clients get anonymous credentials and an explicit
project id, because there are no Application Default Credentials locally.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from shared.settings import get_settings

if TYPE_CHECKING:
    import firebase_admin
    from firebase_admin import functions as admin_functions
    from google.cloud import firestore
    from google.cloud.pubsub_v1 import PublisherClient
    from google.cloud.storage import Client as StorageClient


def _anonymous() -> Any:
    from google.auth.credentials import AnonymousCredentials

    return AnonymousCredentials()


@functools.cache
def admin_app() -> firebase_admin.App:
    """The default Firebase Admin app (callable token checks in the SDK need it to exist)."""
    import firebase_admin
    from firebase_admin import credentials

    settings = get_settings()
    try:
        return firebase_admin.get_app()
    except ValueError:
        pass
    options = {"projectId": settings.project_id}
    if settings.uses_emulators:

        class _EmulatorCredential(credentials.Base):
            def get_credential(self) -> Any:
                return _anonymous()

        return firebase_admin.initialize_app(_EmulatorCredential(), options)
    return firebase_admin.initialize_app(options=options)


@functools.cache
def firestore_client() -> firestore.Client:
    """The Firestore client of the default database."""
    from google.cloud import firestore

    settings = get_settings()
    if settings.firestore_emulator_host:
        return firestore.Client(project=settings.project_id, credentials=_anonymous())
    return firestore.Client(project=settings.project_id)


@functools.cache
def publisher() -> PublisherClient:
    """The Pub/Sub publisher, with message ordering on (events of one subject stay in order)."""
    from google.cloud import pubsub_v1

    settings = get_settings()
    options = pubsub_v1.types.PublisherOptions(enable_message_ordering=True)
    if settings.pubsub_emulator_host:
        return pubsub_v1.PublisherClient(publisher_options=options, credentials=_anonymous())
    return pubsub_v1.PublisherClient(publisher_options=options)


@functools.cache
def storage_client() -> StorageClient:
    """The Cloud Storage client (the GCS emulator when STORAGE_EMULATOR_HOST is set)."""
    from google.cloud import storage

    settings = get_settings()
    if settings.storage_emulator_host:
        return storage.Client(project=settings.project_id, credentials=_anonymous())
    return storage.Client(project=settings.project_id)


def task_queue(function_name: str) -> admin_functions.TaskQueue:
    """The Cloud Tasks queue that feeds the task-queue function ``function_name``."""
    from firebase_admin import functions as admin_functions

    settings = get_settings()
    resource = f"locations/{settings.region}/functions/{function_name}"
    return admin_functions.task_queue(resource, app=admin_app())


def init_admin_app() -> None:
    """Create the default Admin app at import of ``main.py``: the SDK verifies callable ID
    tokens with it before any of our code runs. Cheap: credentials load on first use."""
    admin_app()
