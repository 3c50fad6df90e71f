"""The matcher stage in the Kafka consumer loop on the classified topic, storing matches
in the real Elasticsearch; subscription changes apply without a restart."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from kafka import KafkaProducer

from alerts.matcher import build_match_handler
from alerts.store.elasticsearch import ElasticsearchMatchStore, ElasticsearchSubscriptionStore
from alerts.subscriptions import parse_subscription
from bench.harness import read_topic
from consumers.loop import run_consumer
from policywatch import dead_letters
from policywatch.bus.kafka import KafkaPublisher
from policywatch.schema import DOCUMENT_SCHEMA, DOCUMENT_SCHEMA_VERSION

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)


def _doc(article_id: str, region: str) -> dict:
    return {"schema": DOCUMENT_SCHEMA, "schema_version": DOCUMENT_SCHEMA_VERSION, "article_id": article_id,
            "url": f"https://gov.example/{article_id}", "source": "gov.example", "title": f"{region} 区块链政策",
            "text": f"{region} 推进区块链应用。", "regions": [region], "themes": ["regulation"], "applications": [],
            "doc_type": "policy_document", "relevant": True, "relevance": 0.9, "lang": "zh",
            "indexed_at": "2026-11-21T00:00:00Z", "published": "2026-11-20T00:00:00Z", "story_id": article_id}


def _produce(bootstrap: str, topic: str, docs: list[dict], extra: list[bytes] = ()) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for doc in docs:
        producer.send(topic, key=doc["article_id"].encode(), value=json.dumps(doc, ensure_ascii=False).encode())
    for value in extra:
        producer.send(topic, key=b"bad", value=value)
    producer.flush()
    producer.close()


def test_matcher_consumes_the_classified_topic_and_reloads_subscriptions(
        kafka_bootstrap, kafka_topics, es_client, es_prefix, unique):
    subs = ElasticsearchSubscriptionStore(es_client, f"{es_prefix}-subscriptions")
    matches = ElasticsearchMatchStore(es_client, f"{es_prefix}-matches")
    subs.ensure_ready()
    subs.put(parse_subscription({"id": "henan", "email": "h@example.com", "schedule": "immediate",
                                 "filters": {"regions": ["Henan"]}}).stamped(NOW))
    publisher = KafkaPublisher({"bootstrap_servers": kafka_bootstrap})
    handler = build_match_handler(subs, matches, publisher, kafka_topics["dlq"])
    topic = kafka_topics["classified"]
    consume = dict(kafka_config={"bootstrap_servers": kafka_bootstrap}, max_idle_polls=5, poll_timeout_ms=500)

    _produce(kafka_bootstrap, topic, [_doc("h1", "Henan"), _doc("j1", "Jilin")], extra=[b"not json"])
    assert run_consumer([topic], f"{unique}-matcher", handler, **consume) == 3  # the bad record too
    window = ("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z")
    assert [m.article_id for m in matches.for_window("henan", *window)] == ["h1"]
    [letter] = [json.loads(message.value) for message in read_topic(kafka_bootstrap, kafka_topics["dlq"])]
    assert (letter["error_kind"], letter["key"], letter["source"]["topic"]) == (dead_letters.UNDECODABLE, "bad", topic)
    assert dead_letters.original_bytes(letter) == b"not json"

    # a subscription added while the handler lives is used for the next batch
    subs.put(parse_subscription({"id": "jilin", "email": "j@example.com", "schedule": "immediate",
                                 "filters": {"regions": ["Jilin"]}}).stamped(NOW))
    _produce(kafka_bootstrap, topic, [_doc("j2", "Jilin"), _doc("h1", "Henan")])
    assert run_consumer([topic], f"{unique}-matcher", handler, **consume) == 2
    assert [m.article_id for m in matches.for_window("jilin", *window)] == ["j2"]
    assert [m.article_id for m in matches.for_window("henan", *window)] == ["h1"]  # re-delivery kept once
    publisher.close()
