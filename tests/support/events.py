"""Watching a service's domain events in tests: a pull subscription on its topic.

Subscribe before the action (Pub/Sub delivers only messages published after a subscription
exists), then wait for the event you expect.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Callable

from shared.events import DomainEvent


class EventTap:
    """A throwaway pull subscription on ``<service>-events``."""

    def __init__(self, topic: str) -> None:
        from google.api_core.exceptions import AlreadyExists
        from google.cloud import pubsub_v1

        from shared.settings import get_settings

        project = get_settings().project_id
        self._publisher = pubsub_v1.PublisherClient()
        self._subscriber = pubsub_v1.SubscriberClient()
        topic_path = self._publisher.topic_path(project, topic)
        with contextlib.suppress(AlreadyExists):
            self._publisher.create_topic(name=topic_path)
        self.subscription = self._subscriber.subscription_path(
            project, f"tap-{topic}-{uuid.uuid4().hex[:8]}"
        )
        self._subscriber.create_subscription(name=self.subscription, topic=topic_path)
        self.seen: list[DomainEvent] = []

    def _pull(self) -> None:
        answer = self._subscriber.pull(subscription=self.subscription, max_messages=100, timeout=10)
        if not answer.received_messages:
            return
        for received in answer.received_messages:
            self.seen.append(DomainEvent.model_validate(json.loads(received.message.data)))
        self._subscriber.acknowledge(
            subscription=self.subscription, ack_ids=[m.ack_id for m in answer.received_messages]
        )

    def wait_for(
        self, predicate: Callable[[DomainEvent], bool], *, timeout: float = 30
    ) -> DomainEvent:
        """The first event (seen so far or arriving) that satisfies ``predicate``."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.seen:
                if predicate(event):
                    return event
            if time.monotonic() > deadline:
                types = [e.type for e in self.seen]
                raise AssertionError(f"no matching event within {timeout}s; seen: {types}")
            self._pull()

    def collect(self, seconds: float) -> list[DomainEvent]:
        """Every event seen after pulling for ``seconds`` more (to prove one did not come)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._pull()
        return self.seen

    def close(self) -> None:
        self._subscriber.delete_subscription(subscription=self.subscription)
