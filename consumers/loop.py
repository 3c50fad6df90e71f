"""The Kafka consumer loop: poll a batch, hand it to a stage, commit only after it.

Generic over topics and handlers (the indexer runs it on the raw topic, the alerts
matcher on the classified topic). Delivery is at-least-once:

* offsets are committed (offset + 1 per partition) only after the handler returned,
  i.e. after the batch's effects are durable; auto-commit is off;
* a handler raising ``TransientError`` gets the same batch again, with exponential
  backoff (CONSUMER_RETRY_BACKOFF_S doubling up to CONSUMER_RETRY_BACKOFF_MAX_S).
  Meanwhile the partitions are paused and the loop keeps polling, so the group keeps
  this member (no rebalance on a long outage) and nothing new is read;
* after CONSUMER_MAX_RETRIES failed retries the loop raises ``RetriesExhausted`` and
  the process exits non-zero, having committed nothing of the batch: a restart (by the
  supervisor) resumes from the last commit. Nothing is lost either way;
* a stop request (SIGTERM/SIGINT, ``stop_event``) ends the loop between batches, or
  abandons a batch that is waiting for a retry, uncommitted;
* a rebalance that takes partitions away during a retry abandons the batch (the new
  owner reads it again from the last commit).

Handlers must therefore be idempotent (the indexer upserts by article id).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata
from prometheus_client import Counter, Gauge, Histogram

import settings
from policywatch import clients
from policywatch.bus.base import BatchHandler, Record
from policywatch.errors import TransientError, UserError

log = logging.getLogger(__name__)

CONSUMED = Counter("policywatch_consumer_records_total", "Records handed to a stage's handler",
                   ["group", "topic"])
COMMITTED = Counter("policywatch_consumer_records_committed_total",
                    "Records whose offsets were committed after their batch succeeded", ["group", "topic"])
BATCH_SECONDS = Histogram("policywatch_consumer_batch_seconds", "Time a handler took for one batch (per try)",
                          ["group"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120))
RETRIES = Counter("policywatch_consumer_retries_total", "Batches retried after a transient failure", ["group"])
COMMIT_FAILURES = Counter("policywatch_consumer_commit_failures_total",
                          "Offset commits that failed (the batch will be handled again)", ["group"])
STALLED_REJOINS = Counter("policywatch_consumer_stalled_rejoins_total",
                          "Group rejoins kafka-python left unfinished and the loop restarted", ["group"])
LAG = Gauge("policywatch_consumer_lag", "Messages in a partition not yet handled and committed",
            ["group", "topic", "partition"])

# Fetch sizes: one message may be up to the broker's message.max.bytes (10 MB in
# deploy/local), and an oversized one must still be read to be dead-lettered.
_MAX_PARTITION_FETCH_BYTES = 16 * 1024 * 1024


class RetriesExhausted(Exception):
    """A batch kept failing transiently; nothing of it was committed."""


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int
    backoff_s: float
    backoff_max_s: float

    @classmethod
    def from_settings(cls) -> RetryPolicy:
        return cls(settings.CONSUMER_MAX_RETRIES, settings.CONSUMER_RETRY_BACKOFF_S,
                   settings.CONSUMER_RETRY_BACKOFF_MAX_S)

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        return min(self.backoff_s * (2 ** (attempt - 1)), self.backoff_max_s)


class _Rebalances(ConsumerRebalanceListener):
    def __init__(self) -> None:
        self.revoked = False

    def on_partitions_revoked(self, revoked) -> None:
        if revoked:
            self.revoked = True

    def on_partitions_assigned(self, assigned) -> None:
        pass


def to_records(polled: dict) -> list[Record]:
    """kafka-python's poll result as plain Records, partition by partition in offset order."""
    return [Record(m.topic, m.partition, m.offset, m.key, m.value if m.value is not None else b"", m.timestamp)
            for messages in polled.values() for m in messages]


def next_offsets(records: Iterable[Record]) -> dict[TopicPartition, int]:
    """Offsets to commit after ``records``: the highest offset + 1 per partition."""
    offsets: dict[TopicPartition, int] = {}
    for record in records:
        tp = TopicPartition(record.topic, record.partition)
        offsets[tp] = max(offsets.get(tp, 0), record.offset + 1)
    return offsets


def install_stop_signals(stop_event: threading.Event) -> None:
    """SIGTERM and SIGINT ask the loop to stop at the next safe point."""
    def _stop(signum, _frame) -> None:
        log.info("stop requested", extra={"signal": signal.Signals(signum).name})
        stop_event.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)


class ConsumerLoop:
    """One consumer in ``group_id`` reading ``topics`` in batches for ``handler``."""

    def __init__(self, consumer, group_id: str, handler: BatchHandler, *, batch_size: int,
                 poll_timeout_ms: int, retry: RetryPolicy, stop_event: threading.Event,
                 rebalances: _Rebalances, clock: Callable[[], float] = time.monotonic) -> None:
        self.consumer = consumer
        self.group_id = group_id
        self.handler = handler
        self.batch_size = batch_size
        self.poll_timeout_ms = poll_timeout_ms
        self.retry = retry
        self.stop_event = stop_event
        self.rebalances = rebalances
        self.clock = clock
        self.committed = 0
        self._next: dict[TopicPartition, int] = {}

    def poll(self) -> list[Record]:
        records = to_records(self._poll(self.poll_timeout_ms, self.batch_size))
        for record in records:
            CONSUMED.labels(self.group_id, record.topic).inc()
        return records

    def _poll(self, timeout_ms: int, max_records: int | None = None) -> dict:
        polled = self.consumer.poll(timeout_ms=timeout_ms, max_records=max_records)
        self._restart_stalled_rejoin()
        return polled

    def _restart_stalled_rejoin(self) -> None:
        """Work around a kafka-python 3.0 stall: when a poll times out while the group
        leader rejoins because metadata changed (new partitions, a new topic), the
        leader records the new metadata before the join completes, stops asking to
        rejoin, and never finishes the join - its partitions stay unfetchable and its
        heartbeat off for good. Asking for the rejoin again lets the next poll finish it."""
        coordinator = getattr(self.consumer, "_coordinator", None)  # private: absent in other clients
        if getattr(coordinator, "rejoining", False) and not coordinator.need_rejoin():
            STALLED_REJOINS.labels(self.group_id).inc()
            log.warning("group rejoin left unfinished by the Kafka client; rejoining again",
                        extra={"group": self.group_id})
            coordinator.request_rejoin()

    def handle(self, records: list[Record]) -> bool:
        """Run the handler until it succeeds, then commit; False when the batch was
        abandoned (stop requested or partitions revoked), with nothing committed."""
        attempt = 0
        self.rebalances.revoked = False
        while True:
            started = self.clock()
            try:
                self.handler(records)
                break
            except TransientError as exc:
                attempt += 1
                RETRIES.labels(self.group_id).inc()
                if attempt > self.retry.max_retries:
                    raise RetriesExhausted(f"batch of {len(records)} records still failing after "
                                           f"{self.retry.max_retries} retries: {exc}") from exc
                delay = self.retry.delay(attempt)
                log.warning("batch failed transiently; retrying", extra={
                    "group": self.group_id, "attempt": attempt, "delay_s": delay, "error": str(exc)})
                if not self._wait_paused(delay):
                    log.info("batch abandoned uncommitted", extra={"group": self.group_id, "records": len(records)})
                    assigned = self.consumer.assignment()
                    self._rewind([r for r in records if TopicPartition(r.topic, r.partition) in assigned])
                    return False
            finally:
                BATCH_SECONDS.labels(self.group_id).observe(self.clock() - started)
        self.commit(records)
        return True

    def _wait_paused(self, delay: float) -> bool:
        """Wait ``delay`` seconds polling paused partitions (keeps group membership);
        False when the batch must be abandoned."""
        paused = list(self.consumer.assignment())
        self.consumer.pause(*paused)
        deadline = self.clock() + delay
        try:
            while self.clock() < deadline:
                if self.stop_event.is_set():
                    return False
                remaining_ms = max(1, int((deadline - self.clock()) * 1000))
                stray = self._poll(min(remaining_ms, 500))
                if stray:  # partitions newly assigned by a rebalance are not paused
                    self._rewind(to_records(stray))
                if self.rebalances.revoked:
                    return False
            return True
        finally:
            self.consumer.resume(*[tp for tp in paused if tp in self.consumer.assignment()])

    def _rewind(self, records: list[Record]) -> None:
        """Put records read during a retry wait back, so none is skipped."""
        first: dict[TopicPartition, int] = {}
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            first[tp] = min(first.get(tp, record.offset), record.offset)
        for tp, offset in first.items():
            self.consumer.seek(tp, offset)

    def commit(self, records: list[Record]) -> None:
        offsets = next_offsets(records)
        try:
            self.consumer.commit({tp: OffsetAndMetadata(offset, "", -1) for tp, offset in offsets.items()})
        except KafkaError as exc:  # e.g. rebalanced away: the new owner handles the batch again
            COMMIT_FAILURES.labels(self.group_id).inc()
            log.warning("offset commit failed; the batch will be handled again",
                        extra={"group": self.group_id, "error": str(exc)})
            return
        self._next.update(offsets)
        self.committed += len(records)
        for record in records:
            COMMITTED.labels(self.group_id, record.topic).inc()

    def update_lag(self) -> None:
        """Lag of each assigned partition this loop has committed in (the high-water
        mark comes with every fetch, so this costs no request)."""
        for tp in self.consumer.assignment():
            highwater = self.consumer.highwater(tp)
            if highwater is not None and tp in self._next:
                LAG.labels(self.group_id, tp.topic, str(tp.partition)).set(max(0, highwater - self._next[tp]))


def run_consumer(topics: list[str], group_id: str, handler: BatchHandler, *,
                 kafka_config: dict | None = None, batch_size: int | None = None,
                 poll_timeout_ms: int | None = None, retry: RetryPolicy | None = None,
                 stop_event: threading.Event | None = None, max_idle_polls: int | None = None,
                 housekeeping: Callable[[], None] | None = None, housekeeping_interval_s: float = 3600.0,
                 consumer_factory=KafkaConsumer) -> int:
    """Consume ``topics`` as ``group_id`` until stopped; returns how many records were
    committed. Stops when ``stop_event`` is set, or after ``max_idle_polls`` empty
    polls in a row once partitions are assigned (for tests and drains). Raises
    ``RetriesExhausted`` when a batch keeps failing (see the module docstring)."""
    stop_event = stop_event or threading.Event()
    batch_size = batch_size or settings.CONSUMER_BATCH_SIZE
    rebalances = _Rebalances()
    consumer = consumer_factory(
        **(kafka_config if kafka_config is not None else clients.kafka_config()),
        group_id=group_id, enable_auto_commit=False, auto_offset_reset="earliest",
        max_poll_records=batch_size, max_partition_fetch_bytes=_MAX_PARTITION_FETCH_BYTES,
        session_timeout_ms=settings.CONSUMER_SESSION_TIMEOUT_MS,
        heartbeat_interval_ms=max(1000, settings.CONSUMER_SESSION_TIMEOUT_MS // 3),
    )
    missing = sorted(set(topics) - consumer.topics())
    if missing:
        consumer.close()
        raise UserError(f"Kafka has no topic {', '.join(missing)}: create the topics with `policywatch bootstrap`")
    consumer.subscribe(topics, listener=rebalances)
    loop = ConsumerLoop(consumer, group_id, handler, batch_size=batch_size,
                        poll_timeout_ms=poll_timeout_ms or settings.CONSUMER_POLL_TIMEOUT_MS,
                        retry=retry or RetryPolicy.from_settings(), stop_event=stop_event, rebalances=rebalances)
    log.info("consumer started", extra={"group": group_id, "topics": ",".join(topics)})
    idle = 0
    next_housekeeping = loop.clock()
    try:
        while not stop_event.is_set():
            if housekeeping is not None and loop.clock() >= next_housekeeping:
                _run_housekeeping(housekeeping)
                next_housekeeping = loop.clock() + housekeeping_interval_s
            records = loop.poll()
            if records:
                idle = 0
                loop.handle(records)
            elif consumer.assignment():
                idle += 1
                if max_idle_polls is not None and idle >= max_idle_polls:
                    break
            loop.update_lag()
    finally:
        consumer.close(autocommit=False)
        log.info("consumer stopped", extra={"group": group_id, "committed": loop.committed})
    return loop.committed


def _run_housekeeping(task: Callable[[], None]) -> None:
    try:
        task()
    except Exception:  # housekeeping must never stop consumption; it runs again later
        log.exception("housekeeping failed")
