"""The local stack itself: what ops/with-emulators promises every test and service."""

from __future__ import annotations

import json
import os
import time
import uuid

from shared.clients import storage_client


def test_the_emulator_variables_are_set():
    assert os.environ["GCLOUD_PROJECT"] == "demo-foundation"
    for variable in (
        "FIRESTORE_EMULATOR_HOST",
        "FIREBASE_AUTH_EMULATOR_HOST",
        "PUBSUB_EMULATOR_HOST",
        "STORAGE_EMULATOR_HOST",
        "CLOUD_TASKS_EMULATOR_HOST",
    ):
        assert os.environ[variable], variable


def test_an_object_written_to_the_storage_emulator_is_announced_on_pubsub():
    from google.cloud import pubsub_v1

    project = os.environ["GCLOUD_PROJECT"]
    subscriber = pubsub_v1.SubscriberClient()
    subscription = subscriber.subscription_path(project, f"tap-storage-{uuid.uuid4().hex[:8]}")
    subscriber.create_subscription(
        name=subscription, topic=f"projects/{project}/topics/storage-events"
    )
    try:
        bucket = storage_client().create_bucket(f"bucket-{uuid.uuid4().hex[:8]}")
        name = f"uploads/{uuid.uuid4().hex}.txt"
        bucket.blob(name).upload_from_string(b"hello", content_type="text/plain")

        deadline, seen = time.monotonic() + 30, []
        while time.monotonic() < deadline:
            answer = subscriber.pull(subscription=subscription, max_messages=10, timeout=10)
            seen += [
                (m.message.attributes.get("eventType"), json.loads(m.message.data).get("name"))
                for m in answer.received_messages
            ]
            if ("OBJECT_FINALIZE", name) in seen:
                break
        assert ("OBJECT_FINALIZE", name) in seen
    finally:
        subscriber.delete_subscription(subscription=subscription)
