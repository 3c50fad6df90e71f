"""The consumer loop's commit and retry rules, on a fake consumer (no broker)."""

from __future__ import annotations

import threading
from collections import namedtuple

import pytest
from kafka import TopicPartition

from consumers.loop import RetriesExhausted, RetryPolicy, next_offsets, run_consumer
from policywatch.bus.base import Record
from policywatch.errors import TransientError

Message = namedtuple("Message", "topic partition offset key value timestamp")
FAST = RetryPolicy(max_retries=3, backoff_s=0.001, backoff_max_s=0.002)


class FakeConsumer:
    """Serves prepared batches once each; records commits, pauses and seeks."""

    def __init__(self, batches, **config):
        self.config = config
        self.batches = list(batches)
        self.commits, self.seeks, self.paused_calls = [], [], 0
        self.paused: set = set()
        self.closed = None
        self.tps = {TopicPartition("raw", 0), TopicPartition("raw", 1)}

    def topics(self):
        return {tp.topic for tp in self.tps}

    def subscribe(self, topics, listener=None):
        self.listener = listener

    def poll(self, timeout_ms=0, max_records=None):
        if self.paused or not self.batches:
            return {}
        batch = self.batches.pop(0)
        polled = {}
        for m in batch:
            polled.setdefault(TopicPartition(m.topic, m.partition), []).append(m)
        return polled

    def assignment(self):
        return set(self.tps)

    def pause(self, *tps):
        self.paused_calls += 1
        self.paused |= set(tps)

    def resume(self, *tps):
        self.paused -= set(tps)

    def seek(self, tp, offset):
        self.seeks.append((tp, offset))

    def commit(self, offsets):
        self.commits.append({tp: meta.offset for tp, meta in offsets.items()})

    def highwater(self, tp):
        return 10

    def close(self, autocommit=True):
        self.closed = autocommit


def messages(*spec):
    return [Message("raw", p, o, b"k", b"v", 0) for p, o in spec]


def run(consumer, handler, **options):
    holder = {}

    def factory(**config):
        holder["config"] = config
        return consumer

    committed = run_consumer(["raw"], "g", handler, kafka_config={}, consumer_factory=factory,
                             retry=options.pop("retry", FAST), max_idle_polls=options.pop("max_idle_polls", 2),
                             **options)
    return committed, holder["config"]


def test_commits_offset_plus_one_per_partition_after_the_handler_returned():
    seen = []
    consumer = FakeConsumer([messages((0, 3), (0, 4), (1, 7)), messages((1, 8))])
    committed, config = run(consumer, lambda records: seen.append([r.offset for r in records]))
    assert seen == [[3, 4, 7], [8]]
    assert consumer.commits == [{TopicPartition("raw", 0): 5, TopicPartition("raw", 1): 8},
                                {TopicPartition("raw", 1): 9}]
    assert committed == 4
    assert config["enable_auto_commit"] is False and config["group_id"] == "g"
    assert consumer.closed is False  # closing never commits


def test_a_transient_failure_retries_the_same_batch_while_paused_then_commits():
    calls = []

    def flaky(records):
        calls.append([r.offset for r in records])
        if len(calls) < 3:
            raise TransientError("es down")

    consumer = FakeConsumer([messages((0, 0), (0, 1))])
    committed, _ = run(consumer, flaky)
    assert calls == [[0, 1]] * 3
    assert consumer.paused_calls == 2 and consumer.paused == set()
    assert consumer.commits == [{TopicPartition("raw", 0): 2}]


def test_exhausted_retries_raise_and_commit_nothing():
    def down(records):
        raise TransientError("es down")

    consumer = FakeConsumer([messages((0, 0))])
    with pytest.raises(RetriesExhausted, match="after 3 retries"):
        run(consumer, down)
    assert consumer.commits == []


def test_a_stop_request_during_a_retry_wait_abandons_the_batch_uncommitted():
    stop = threading.Event()

    def down(records):
        stop.set()
        raise TransientError("es down")

    consumer = FakeConsumer([messages((0, 0)), messages((0, 1))])
    committed, _ = run(consumer, down, stop_event=stop, retry=RetryPolicy(5, 10.0, 10.0))
    assert committed == 0 and consumer.commits == []
    assert consumer.batches == [messages((0, 1))]  # nothing more was read


def test_other_errors_stop_the_loop_uncommitted():
    def bug(records):
        raise KeyError("bug")

    consumer = FakeConsumer([messages((0, 0))])
    with pytest.raises(KeyError):
        run(consumer, bug)
    assert consumer.commits == []


def test_backoff_doubles_up_to_its_cap():
    policy = RetryPolicy(8, 0.5, 3.0)
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_next_offsets_take_the_highest_offset_per_partition():
    records = [Record("t", 0, 9, None, b""), Record("t", 0, 4, None, b""), Record("u", 0, 1, None, b"")]
    assert next_offsets(records) == {TopicPartition("t", 0): 10, TopicPartition("u", 0): 2}


def test_a_missing_topic_is_a_clear_error_not_an_endless_wait():
    from consumers.loop import run_consumer
    from policywatch.errors import UserError

    made = []

    def factory(**config):
        made.append(FakeConsumer([], **config))
        return made[0]

    with pytest.raises(UserError, match="no topic other.raw.*policywatch bootstrap"):
        run_consumer(["other.raw"], "group", lambda records: None, kafka_config={}, consumer_factory=factory)
    assert made[0].closed is not None


class FakeCoordinator:
    """kafka-python's group coordinator as far as the stalled-rejoin check sees it."""

    def __init__(self, rejoining, need_rejoin):
        self.rejoining, self._need_rejoin, self.requests = rejoining, need_rejoin, 0

    def need_rejoin(self):
        return self._need_rejoin

    def request_rejoin(self):
        self.requests += 1
        self._need_rejoin = True


@pytest.mark.parametrize("rejoining, need_rejoin, restarted", [
    (True, False, True),    # the stall: a join under way that nobody will finish
    (True, True, False),    # a join under way that the next poll finishes anyway
    (False, False, False),  # a settled member
])
def test_a_rejoin_the_kafka_client_left_unfinished_is_requested_again(rejoining, need_rejoin, restarted):
    consumer = FakeConsumer([messages((0, 0))])
    consumer._coordinator = FakeCoordinator(rejoining, need_rejoin)
    run(consumer, lambda records: None)
    assert (consumer._coordinator.requests > 0) is restarted
    assert consumer.commits == [{TopicPartition("raw", 0): 1}]
