"""The two sides of a hand-off between pipeline stages.

A ``Publisher`` takes encoded payloads for a topic. The Kafka adapter (kafka.py)
sends them to the broker; the in-process adapter (inprocess.py) hands them straight to
the next stage's batch handler, which is the same function the Kafka consumer loop
calls. Either way, ``publish`` only returns once the payload is delivered or raises
``DeliveryError``: a crawler marks an article seen only after that. ``send_many`` starts
a delivery and returns a ``Delivery`` to wait on, so a stage can go on working while the
broker acknowledges (the in-process adapter delivers before it returns).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Record:
    """One message as a consumer sees it (from Kafka or handed over in-process)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    timestamp_ms: int = 0


# A stage's batch handler: processes the records and returns once their effects are
# durable. It raises policywatch.errors.TransientError to ask for a retry of the batch.
BatchHandler = Callable[[list[Record]], None]


class Delivery:
    """Payloads on their way; ``wait`` returns once all are delivered or raises
    DeliveryError. This base class is a delivery already complete."""

    def wait(self) -> None:
        return None


class Publisher(ABC):
    @abstractmethod
    def publish(self, topic: str, key: str, value: bytes) -> None:
        """Deliver one payload, keyed by article id; raises DeliveryError on failure.

        Kafka: waits for the broker's acknowledgement (acks=all) before returning."""

    def publish_many(self, topic: str, items: list[tuple[str, bytes]]) -> None:
        """Deliver several payloads; raises DeliveryError if any was not delivered."""
        for key, value in items:
            self.publish(topic, key, value)

    def send_many(self, topic: str, items: list[tuple[str, bytes]]) -> Delivery:
        """Start delivering several payloads; the returned Delivery's ``wait`` raises
        DeliveryError if any was not delivered. By default: delivered before returning."""
        self.publish_many(topic, items)
        return Delivery()

    def flush(self) -> None:
        """Wait until everything published so far is delivered."""

    def close(self) -> None:
        """Flush and release connections."""
