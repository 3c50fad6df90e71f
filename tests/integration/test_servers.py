"""The harness itself: the real servers answer and the fixtures isolate tests."""

import smtplib
from email.message import EmailMessage

import pytest

pytestmark = pytest.mark.integration


def test_kafka_round_trip(kafka_bootstrap, kafka_topics):
    from kafka import KafkaConsumer, KafkaProducer

    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    producer.send(kafka_topics["raw"], key=b"k", value=b"hello").get(timeout=30)
    producer.close()
    consumer = KafkaConsumer(kafka_topics["raw"], bootstrap_servers=kafka_bootstrap,
                             auto_offset_reset="earliest", consumer_timeout_ms=15000)
    values = [message.value for message, _ in zip(consumer, range(1))]
    consumer.close()
    assert values == [b"hello"]


def test_elasticsearch_indexes_and_searches(es_client, es_prefix):
    es_client.index(index=f"{es_prefix}-probe", id="1", document={"title": "区块链"}, refresh=True)
    assert es_client.count(index=f"{es_prefix}-probe")["count"] == 1


def test_smtp_sink_receives_a_message(smtp_server):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "probe"
    message.set_content("body")
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=10) as client:
        client.send_message(message)
    received = smtp_server.wait_for(1)
    assert [m["Subject"] for m in received] == ["probe"]
