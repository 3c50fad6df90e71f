"""Where dead letters are kept: the Kafka DLQ topic, or the embedded SQLite table.

Both offer ``read(limit)`` (letters in replay order, each with its lane), ``pending()``
and ``forget(letters)`` (after their replay was delivered), so ``replay`` below is one
function for both deployments.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from policywatch.bus.base import Publisher
from policywatch.errors import UserError
from policywatch.ops.dlq import DeadLetter, ReplayPlan, parse, plan_replay, replay_item

log = logging.getLogger(__name__)


class KafkaDeadLetterQueue:
    """The DLQ topic read with a dedicated consumer group whose committed offsets mark
    how far replay has come. Partitions are assigned (not subscribed), so no group
    rebalance delays an operator command."""

    def __init__(self, config: dict[str, Any], topic: str, group: str, timeout_s: float = 10.0) -> None:
        from kafka import KafkaConsumer, TopicPartition

        self.topic = topic
        self._timeout_ms = int(timeout_s * 1000)
        self._consumer = KafkaConsumer(**config, group_id=group, enable_auto_commit=False,
                                       auto_offset_reset="earliest", request_timeout_ms=max(self._timeout_ms, 5000) + 1000)
        partitions = self._consumer.partitions_for_topic(topic)
        if not partitions:
            self._consumer.close()
            raise UserError(f"dead-letter topic {topic} does not exist (run `policywatch bootstrap`)")
        self._partitions = [TopicPartition(topic, p) for p in sorted(partitions)]
        self._consumer.assign(self._partitions)
        self._ends = self._consumer.end_offsets(self._partitions)
        beginnings = self._consumer.beginning_offsets(self._partitions)
        self._starts = {}
        for tp in self._partitions:
            committed = self._consumer.committed(tp)
            self._starts[tp] = max(committed if committed is not None else 0, beginnings[tp])
        self._where: dict[str, tuple[Any, int]] = {}

    def pending(self) -> int:
        return sum(max(self._ends[tp] - self._starts[tp], 0) for tp in self._partitions)

    def read(self, limit: int) -> list[tuple[str, DeadLetter]]:
        """Up to ``limit`` letters after the replay mark, partition by partition."""
        letters: list[tuple[str, DeadLetter]] = []
        for tp in self._partitions:
            if len(letters) >= limit or self._starts[tp] >= self._ends[tp]:
                continue
            self._consumer.assign([tp])
            self._consumer.seek(tp, self._starts[tp])
            wanted = min(self._ends[tp] - self._starts[tp], limit - len(letters))
            got = 0
            idle_polls = 0
            while got < wanted and idle_polls < 3:
                batch = self._consumer.poll(timeout_ms=self._timeout_ms // 3 or 1, max_records=wanted - got)
                records = batch.get(tp, [])
                idle_polls = 0 if records else idle_polls + 1
                for record in records[: wanted - got]:
                    position = f"{tp.topic}/{tp.partition}/{record.offset}"
                    self._where[position] = (tp, record.offset)
                    letters.append((str(tp.partition), parse(position, record.value)))
                    got += 1
            if got < wanted:
                raise UserError(f"read only {got} of {wanted} dead letters from {tp.topic}/{tp.partition} "
                                "in time; is Kafka healthy? (`policywatch doctor`)")
        self._consumer.assign(self._partitions)
        return letters

    def forget(self, letters: list[DeadLetter]) -> None:
        """Move the replay mark past ``letters`` (each partition's letters are a prefix)."""
        from kafka.structs import OffsetAndMetadata

        marks: dict[Any, int] = {}
        for dead in letters:
            tp, offset = self._where[dead.position]
            marks[tp] = max(marks.get(tp, -1), offset + 1)
        if marks:
            self._consumer.commit({tp: OffsetAndMetadata(offset, "", -1) for tp, offset in marks.items()})

    def close(self) -> None:
        self._consumer.close(autocommit=False)


class SqliteDeadLetterQueue:
    """The embedded dead-letter table (policywatch/store/sqlite.py), oldest first.
    A replayed letter's row is deleted; if it fails again, the pipeline stores a new row."""

    def __init__(self, db_path: Path) -> None:
        from policywatch.store.sqlite import SqliteDeadLetters

        self._letters = SqliteDeadLetters(db_path)
        self._ids: dict[str, int] = {}

    def pending(self) -> int:
        return self._letters.count()

    def read(self, limit: int) -> list[tuple[str, DeadLetter]]:
        rows = self._letters.list(limit, oldest_first=True)
        letters = []
        for row in rows:
            position = f"sqlite#{row['id']}"
            self._ids[position] = row["id"]
            letters.append(("sqlite", parse(position, row["payload"])))
        return letters

    def forget(self, letters: list[DeadLetter]) -> None:
        self._letters.delete([self._ids[dead.position] for dead in letters])

    def close(self) -> None:
        self._letters.close()


def replay(queue, publisher: Publisher | None, topic: str, limit: int, dry_run: bool,
           skip_unreplayable: bool) -> ReplayPlan:
    """Re-publish up to ``limit`` pending dead letters' originals to ``topic``; the
    queue forgets them only after the publisher confirmed delivery. A dry run reads
    and plans only (``publisher`` may then be None)."""
    plan = plan_replay(queue.read(limit), skip_unreplayable)
    if dry_run:
        return plan
    if plan.replay:
        publisher.publish_many(topic, [replay_item(dead) for dead in plan.replay])
        publisher.flush()
    queue.forget(plan.done)
    log.info("dead letters replayed", extra={"replayed": len(plan.replay), "skipped": len(plan.skipped),
                                             "held": len(plan.held), "topic": topic})
    return plan
