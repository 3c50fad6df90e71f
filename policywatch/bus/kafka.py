"""Kafka publisher: acks=all, compression, delivery confirmed before ``publish`` returns."""

from __future__ import annotations

import logging
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError

import settings
from policywatch.bus.base import Delivery, Publisher
from policywatch.errors import DeliveryError

log = logging.getLogger(__name__)


class KafkaPublisher(Publisher):
    def __init__(self, config: dict[str, Any], compression: str | None = None,
                 delivery_timeout_s: float = 30.0) -> None:
        """``compression`` defaults to KAFKA_COMPRESSION; "" means none."""
        self._timeout = delivery_timeout_s
        compression = settings.KAFKA_COMPRESSION if compression is None else compression
        try:
            self._producer = KafkaProducer(
                **config,
                acks="all",
                compression_type=compression or None,
                retries=5,
                linger_ms=5,
                # Articles are KBs: kafka-python's default 16 KB batches hold two or
                # three, and each batch costs Python work; 256 KB cuts the CPU per
                # message about threefold.
                batch_size=256 * 1024,
                # Nothing reads kafka-python's own metrics; recording them was about a
                # seventh of the sender thread's work per request.
                metrics_enabled=False,
                max_request_size=8 * 1024 * 1024,
                request_timeout_ms=int(delivery_timeout_s * 1000),
                max_block_ms=int(delivery_timeout_s * 1000),
            )
        except KafkaError as exc:
            raise DeliveryError(
                f"cannot reach Kafka at {config.get('bootstrap_servers')}: {exc}") from exc

    def publish(self, topic: str, key: str, value: bytes) -> None:
        self.publish_many(topic, [(key, value)])

    def publish_many(self, topic: str, items: list[tuple[str, bytes]]) -> None:
        self.send_many(topic, items).wait()

    def send_many(self, topic: str, items: list[tuple[str, bytes]]) -> Delivery:
        try:
            # send() itself raises (e.g. KafkaTimeoutError after max_block_ms) when the
            # topic's metadata cannot be fetched: that is a failed delivery too.
            futures = [self._producer.send(topic, key=key.encode("utf-8"), value=value) for key, value in items]
        except KafkaError as exc:
            raise DeliveryError(f"cannot send to {topic}: {exc}") from exc
        return _Acknowledgements(topic, [key for key, _ in items], futures, self._timeout)

    def flush(self) -> None:
        self._producer.flush(timeout=self._timeout)

    def close(self) -> None:
        try:
            self._producer.flush(timeout=self._timeout)
        finally:
            self._producer.close(timeout=self._timeout)


class _Acknowledgements(Delivery):
    """The broker's acknowledgements of one ``send_many``. Waiting on each future (not
    flush(), which waits for every thread's messages) lets several threads publish at
    once, batched by linger_ms."""

    def __init__(self, topic: str, keys: list[str], futures: list, timeout_s: float) -> None:
        self._topic, self._keys, self._futures, self._timeout = topic, keys, futures, timeout_s

    def wait(self) -> None:
        failed = []
        for key, future in zip(self._keys, self._futures):
            try:
                future.get(timeout=self._timeout)
            except KafkaError as exc:
                failed.append((key, exc))
        if failed:
            key, exc = failed[0]
            raise DeliveryError(f"{len(failed)} of {len(self._keys)} messages to {self._topic} not delivered "
                                f"(first: key {key}: {exc})")
