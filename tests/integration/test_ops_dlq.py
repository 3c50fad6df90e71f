"""``dlq list`` / ``dlq replay`` on the real Kafka broker: a dead letter put on a unique
DLQ topic is listed, replayed to a unique raw topic, read back from there, and not
replayed twice."""

import json
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from policywatch.dead_letters import UNDECODABLE, dead_letter, encode
from policywatch.bus.base import Record
from policywatch.bus.kafka import KafkaPublisher
from policywatch.ops import dlq_queues
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.integration


def _letter(original: bytes, key: bytes) -> bytes:
    record = Record("news.articles.raw", 1, 41, key, original, 1715130000000)
    return encode(dead_letter(record, UNDECODABLE, "payload is not JSON", datetime.now(timezone.utc)))


def _put(bootstrap: str, topic: str, values: list[tuple[bytes, bytes]]) -> None:
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for key, value in values:
        producer.send(topic, key=key, value=value, partition=0).get(timeout=30)
    producer.close()


def _read_all(bootstrap: str, topic: str, expected: int) -> list[tuple[bytes, bytes]]:
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             consumer_timeout_ms=8000)
    got = [(m.key, m.value) for m, _ in zip(consumer, range(expected + 1))]
    consumer.close()
    return got


def test_replay_round_trip_through_the_queue(kafka_bootstrap, kafka_topics, unique):
    _put(kafka_bootstrap, kafka_topics["dlq"], [(b"a1", _letter(b"original-one", b"a1")),
                                               (b"a2", _letter(b"original-two", b"a2"))])
    config = {"bootstrap_servers": [kafka_bootstrap]}
    group = f"{unique}-dlq-replay"

    queue = dlq_queues.KafkaDeadLetterQueue(config, kafka_topics["dlq"], group)
    publisher = KafkaPublisher(config)
    try:
        assert queue.pending() == 2
        dry = dlq_queues.replay(queue, None, kafka_topics["raw"], 10, dry_run=True, skip_unreplayable=False)
        assert len(dry.replay) == 2
    finally:
        queue.close()

    queue = dlq_queues.KafkaDeadLetterQueue(config, kafka_topics["dlq"], group)
    try:
        assert queue.pending() == 2, "a dry run must not move the replay mark"
        plan = dlq_queues.replay(queue, publisher, kafka_topics["raw"], 1, dry_run=False, skip_unreplayable=False)
        assert [d.letter["key"] for d in plan.replay] == ["a1"]
    finally:
        queue.close()

    queue = dlq_queues.KafkaDeadLetterQueue(config, kafka_topics["dlq"], group)
    try:
        assert queue.pending() == 1, "the replayed letter is committed, the other one is still pending"
        dlq_queues.replay(queue, publisher, kafka_topics["raw"], 10, dry_run=False, skip_unreplayable=False)
    finally:
        queue.close()
        publisher.close()

    assert sorted(_read_all(kafka_bootstrap, kafka_topics["raw"], 2)) == [
        (b"a1", b"original-one"), (b"a2", b"original-two")]


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policywatch", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_lists_and_replays_dead_letters(kafka_bootstrap, kafka_topics, unique, tmp_path):
    _put(kafka_bootstrap, kafka_topics["dlq"], [(b"k9", _letter("原文".encode(), b"k9")), (b"x", b"not a letter")])
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "POLICYWATCH_DATA_DIR": str(tmp_path),
           "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "KAFKA_TOPIC_DLQ": kafka_topics["dlq"],
           "KAFKA_TOPIC_RAW": kafka_topics["raw"], "KAFKA_CONSUMER_GROUP": unique}

    listed = _cli(env, "dlq", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    items = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(i["key"], i["error_kind"], i["replayable"]) for i in items] == [("k9", UNDECODABLE, True),
                                                                            (None, None, False)]
    assert items[0]["source"] == {"topic": "news.articles.raw", "partition": 1, "offset": 41,
                                  "timestamp_ms": 1715130000000}

    held = _cli(env, "dlq", "replay")
    assert held.returncode == 0, held.stderr
    assert "replayed 1 dead letter(s)" in held.stdout and "--skip-unreplayable" in held.stdout

    skipped = _cli(env, "dlq", "replay", "--skip-unreplayable")
    assert skipped.returncode == 0 and "skipped 1 unreplayable" in skipped.stdout, skipped.stdout + skipped.stderr
    assert _cli(env, "dlq", "list").stdout.startswith("0 dead letter(s)")
    assert _read_all(kafka_bootstrap, kafka_topics["raw"], 1) == [(b"k9", "原文".encode())]
