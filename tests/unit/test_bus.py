"""The in-process hand-off: same handler contract as the Kafka loop."""

import pytest

from policywatch.bus.inprocess import InProcessPublisher
from policywatch.errors import DeliveryError


def test_publish_hands_records_to_the_topic_handler_in_order():
    seen = []
    bus = InProcessPublisher({"raw": seen.extend})
    bus.publish_many("raw", [("a", b"1"), ("b", b"2")])
    bus.publish("raw", "c", b"3")
    assert [(r.key, r.value) for r in seen] == [(b"a", b"1"), (b"b", b"2"), (b"c", b"3")]
    assert [r.offset for r in seen] == [0, 1, 2]


def test_handler_failure_is_a_delivery_error():
    def failing(records):
        raise RuntimeError("store is down")

    bus = InProcessPublisher({"raw": failing})
    with pytest.raises(DeliveryError, match="store is down"):
        bus.publish("raw", "a", b"1")


def test_topic_without_handler_is_accepted():
    InProcessPublisher().publish("nobody-listens", "a", b"1")
