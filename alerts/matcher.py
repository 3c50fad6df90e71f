"""The matcher stage: classified article documents in, stored matches out.

``build_match_handler`` returns the batch handler that both the embedded in-process
bus and the Kafka consumer loop (``policywatch matcher``, consumers/loop.py) call with
records of the classified topic. It keeps the compiled subscription index in memory and
rebuilds it when the subscription store's revision changes, so added, changed and
removed subscriptions apply without a restart. A record it cannot decode becomes a dead
letter on the DLQ topic (the article itself is stored already; the letter keeps the
record for inspection and replay).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timezone

from prometheus_client import Counter, Histogram

from alerts.matching import MatchIndex, compile_index, match_document
from alerts.store.base import MatchStore, SubscriptionStore
from policywatch import dead_letters
from policywatch.bus.base import BatchHandler, Publisher, Record
from policywatch.errors import DeliveryError, TransientError
from policywatch.schema import SchemaError, decode_document

log = logging.getLogger(__name__)

MATCHED = Counter("policywatch_alert_matches_total", "Article-subscription matches stored")
UNREADABLE = Counter("policywatch_matcher_unreadable_total",
                     "Classified-topic records the matcher could not decode (dead-lettered)")
MATCH_SECONDS = Histogram("policywatch_matcher_batch_seconds", "Time to match one batch of articles",
                          buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5))


class SubscriptionIndex:
    """The compiled index of the current subscriptions, rebuilt when they change.

    The store's revision is read at most every ``check_interval_s`` seconds (0 = on
    every batch), so a busy topic does not query the store for each batch."""

    def __init__(self, store: SubscriptionStore, check_interval_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._store, self._interval, self._clock = store, check_interval_s, clock
        self._revision: str | None = None
        self._checked_at = float("-inf")
        self._index = MatchIndex()

    def current(self) -> MatchIndex:
        moment = self._clock()
        if moment - self._checked_at >= self._interval:
            self._checked_at = moment
            revision = self._store.revision()
            if revision != self._revision:
                self._index = compile_index(self._store.list())
                self._revision = revision
                log.info("subscriptions loaded", extra={"subscriptions": self._index.size, "revision": revision})
        return self._index


def build_match_handler(subscriptions: SubscriptionStore, matches: MatchStore, dead_letter_publisher: Publisher,
                        dlq_topic: str, check_interval_s: float = 0.0) -> BatchHandler:
    """The classified-topic batch handler. Store errors and undelivered dead letters
    propagate as TransientError (the loop retries the batch; storing a match twice
    keeps the first)."""
    subscriptions.ensure_ready()
    matches.ensure_ready()
    index = SubscriptionIndex(subscriptions, check_interval_s)

    def handle(records: list[Record]) -> None:
        started = time.perf_counter()
        compiled = index.current()
        now = datetime.now(timezone.utc)
        found = []
        letters = []
        for record in records:
            try:
                doc = decode_document(record.value)
            except SchemaError as exc:
                UNREADABLE.inc()
                log.error("unreadable classified record dead-lettered", extra={
                    "topic": record.topic, "partition": record.partition, "offset": record.offset,
                    "error": str(exc)})
                letters.append(dead_letters.dead_letter(record, dead_letters.UNDECODABLE, str(exc), now))
                continue
            found += match_document(compiled, doc, now)
        matches.add(found)
        if letters:
            try:
                dead_letter_publisher.publish_many(
                    dlq_topic, [(dead_letters.dead_letter_key(l), dead_letters.encode(l)) for l in letters])
            except DeliveryError as exc:  # the batch is retried, so nothing is lost
                raise TransientError(f"{len(letters)} dead letters to {dlq_topic} not delivered: {exc}") from exc
        MATCHED.inc(len(found))
        MATCH_SECONDS.observe(time.perf_counter() - started)

    return handle
