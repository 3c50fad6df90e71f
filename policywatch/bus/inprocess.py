"""In-process hand-off for the embedded mode: ``publish`` runs the next stage now.

The next stage's batch handler is the very function its Kafka consumer loop calls, so
embedded and distributed runs classify, index and match with the same code. Delivery
is synchronous: when ``publish`` returns, the article is stored; when the handler
raises, ``publish`` raises DeliveryError and the crawler does not mark it seen.
"""

from __future__ import annotations

import itertools
import threading
import time

from policywatch.bus.base import BatchHandler, Publisher, Record
from policywatch.errors import DeliveryError


class InProcessPublisher(Publisher):
    def __init__(self, handlers: dict[str, BatchHandler] | None = None) -> None:
        self._handlers: dict[str, BatchHandler] = dict(handlers or {})
        self._offsets = itertools.count()
        # Publishers may call from several threads (the crawler's delivery pool); the
        # stages run one batch at a time, as they would behind a Kafka partition.
        self._lock = threading.RLock()

    def subscribe(self, topic: str, handler: BatchHandler) -> None:
        self._handlers[topic] = handler

    def publish(self, topic: str, key: str, value: bytes) -> None:
        self.publish_many(topic, [(key, value)])

    def publish_many(self, topic: str, items: list[tuple[str, bytes]]) -> None:
        handler = self._handlers.get(topic)
        if handler is None:
            return  # nobody listens: like a Kafka topic without consumers
        now_ms = int(time.time() * 1000)
        with self._lock:
            records = [Record(topic, 0, next(self._offsets), key.encode("utf-8"), value, now_ms)
                       for key, value in items]
        try:
            with self._lock:
                handler(records)
        except Exception as exc:
            raise DeliveryError(f"in-process delivery to {topic} failed: {exc}") from exc
