"""Drill: the raw topic gains partitions while a consumer polls with short timeouts.

The group leader rejoins when it sees the new partitions. kafka-python 3.0 can leave
that rejoin unfinished when a poll times out in the middle of it, and the member then
never fetches again; the loop must notice, finish the rejoin and read every record,
old partitions and new."""

from __future__ import annotations

import threading

import pytest
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient, NewPartitions

from bench import harness
from consumers.loop import STALLED_REJOINS, RetryPolicy, run_consumer

pytestmark = pytest.mark.reliability

BEFORE, GROWN = 3, 6
PER_PARTITION = 5


def _produce(bootstrap, topic, partitions, tag):
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    keys = [f"{tag}-{p}-{n}" for p in partitions for n in range(PER_PARTITION)]
    for key in keys:
        producer.send(topic, key=key.encode(), value=b"{}", partition=int(key.split("-")[1]))
    producer.flush()
    producer.close()
    return keys


def test_new_partitions_are_read_after_the_leader_rejoins(kafka_bootstrap, kafka_topics, unique, report):
    topic = kafka_topics["raw"]
    seen: list[str] = []
    stop = threading.Event()
    errors: list[BaseException] = []
    restarts_before = STALLED_REJOINS.labels(unique)._value.get()

    def consume():
        try:
            # Short polls make a poll time out in the middle of the rejoin; a short
            # metadata age makes the leader notice the new partitions quickly.
            run_consumer([topic], unique, lambda records: seen.extend(r.key.decode() for r in records),
                         kafka_config={"bootstrap_servers": kafka_bootstrap, "metadata_max_age_ms": 200},
                         batch_size=10, poll_timeout_ms=2, retry=RetryPolicy(1, 0.01, 0.01), stop_event=stop)
        except BaseException as exc:  # surfaced by the assertions below
            errors.append(exc)

    thread = threading.Thread(target=consume, name="drill-consumer")
    thread.start()
    try:
        first = _produce(kafka_bootstrap, topic, range(BEFORE), "before")
        assert harness.wait_until(lambda: set(first) <= set(seen), 30, 0.05), f"first records not read: {len(seen)}/{len(first)}"
        report(f"read {len(first)} records from {BEFORE} partitions; growing {topic} to {GROWN} partitions")

        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        admin.create_partitions({topic: NewPartitions(GROWN)})
        admin.close()
        second = _produce(kafka_bootstrap, topic, range(GROWN), "after")
        read_all = harness.wait_until(lambda: set(second) <= set(seen), 60, 0.05)
    finally:
        stop.set()
        thread.join(30)
    assert not errors, errors
    restarts = STALLED_REJOINS.labels(unique)._value.get() - restarts_before
    missing = sorted(set(first + second) - set(seen))
    report(f"produced {len(second)} more records on all {GROWN} partitions; read {len(set(seen))} distinct, "
           f"missing {len(missing)}; unfinished rejoins restarted by the loop: {restarts:.0f}")
    assert read_all and not missing, f"never read after the partitions grew: {missing}"
    assert harness.lag(kafka_bootstrap, unique, topic) == 0, "records read but not committed"
