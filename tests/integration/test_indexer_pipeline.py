"""Raw topic -> indexer loop -> Elasticsearch, DLQ and classified topics, on the real servers."""

from __future__ import annotations

import json

import pytest
from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient

from consumers.indexer import build_indexer
from consumers.loop import RetriesExhausted, RetryPolicy, run_consumer
from policywatch.bus.kafka import KafkaPublisher
from policywatch.schema import decode_document, encode_raw
from policywatch.store.base import ArticleQuery
from policywatch.store.elasticsearch import ElasticsearchArticleStore
from tests.unit.consumers.raw_articles import POISON, raw_article

pytestmark = pytest.mark.integration

QUICK_RETRY = RetryPolicy(max_retries=2, backoff_s=0.05, backoff_max_s=0.1)


@pytest.fixture
def publisher(kafka_bootstrap):
    publisher = KafkaPublisher({"bootstrap_servers": kafka_bootstrap})
    yield publisher
    publisher.close()


@pytest.fixture
def store(es_client, es_prefix):
    return ElasticsearchArticleStore(es_client, es_prefix)


def _consume(kafka_bootstrap, kafka_topics, store, publisher, group, **options):
    indexer = build_indexer(store, publisher, classified_topic=kafka_topics["classified"],
                            dlq_topic=kafka_topics["dlq"])
    return run_consumer([kafka_topics["raw"]], group, indexer.handle_batch,
                        kafka_config={"bootstrap_servers": kafka_bootstrap}, batch_size=7, poll_timeout_ms=500,
                        max_idle_polls=options.pop("max_idle_polls", 3), retry=options.pop("retry", QUICK_RETRY),
                        **options)


def _read_all(kafka_bootstrap, topic):
    consumer = KafkaConsumer(bootstrap_servers=kafka_bootstrap, consumer_timeout_ms=3000,
                             max_partition_fetch_bytes=16 * 1024 * 1024)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    messages = list(consumer)
    consumer.close()
    return messages


def _committed(kafka_bootstrap, group):
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        return {tp.partition: meta.offset for tp, meta in admin.list_group_offsets(group)[group].items()}
    finally:
        admin.close()


def _end_offsets(kafka_bootstrap, topic):
    consumer = KafkaConsumer(bootstrap_servers=kafka_bootstrap)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return {tp.partition: offset for tp, offset in consumer.end_offsets(partitions).items() if offset}
    finally:
        consumer.close()


def test_articles_are_indexed_once_with_labels_and_poison_goes_to_the_dlq(
        kafka_bootstrap, kafka_topics, store, publisher, unique):
    store.ensure_ready()
    articles = [raw_article(n) for n in range(30)]
    items = [(a.article_id, encode_raw(a)) for a in articles]
    items += [(f"poison-{name}", payload) for name, (payload, _, _) in POISON.items()]
    items += [(a.article_id, encode_raw(a)) for a in articles[:5]]  # re-delivered copies
    publisher.publish_many(kafka_topics["raw"], items)

    committed = _consume(kafka_bootstrap, kafka_topics, store, publisher, unique)
    print(f"produced {len(items)} records ({len(POISON)} poison, 5 duplicates); loop committed {committed}")
    assert committed == len(items)
    assert _committed(kafka_bootstrap, unique) == _end_offsets(kafka_bootstrap, kafka_topics["raw"])

    store.refresh()
    result = store.search(ArticleQuery(size=100, sort="indexed"))
    assert result.total == len(articles)
    assert sorted(h["article_id"] for h in result.hits) == sorted(a.article_id for a in articles)
    assert all(h["relevant"] is True and "Henan" in h["regions"] and h["classifier_version"] for h in result.hits)

    letters = [json.loads(m.value) for m in _read_all(kafka_bootstrap, kafka_topics["dlq"])]
    by_key = {letter["key"]: letter for letter in letters}
    assert sorted(by_key) == sorted(f"poison-{name}" for name in POISON)
    for name, (_, kind, words) in POISON.items():
        letter = by_key[f"poison-{name}"]
        assert letter["error_kind"] == kind and words in letter["error"], name
        assert letter["source"]["topic"] == kafka_topics["raw"] and letter["source"]["offset"] >= 0, name
        print(f"dead letter {name}: {kind}: {letter['error'][:80]}")

    classified = [decode_document(m.value) for m in _read_all(kafka_bootstrap, kafka_topics["classified"])]
    assert {d["article_id"] for d in classified} == {a.article_id for a in articles}


@pytest.mark.parametrize("fault", ["alias_missing", "index_closed"])
def test_nothing_is_committed_while_elasticsearch_refuses_then_it_drains(
        kafka_bootstrap, kafka_topics, store, publisher, es_client, unique, fault):
    if fault == "index_closed":
        store.ensure_ready()
        es_client.indices.close(index=f"{store.names.prefix}-articles-v1-000001")
    articles = [raw_article(n) for n in range(12)]
    publisher.publish_many(kafka_topics["raw"], [(a.article_id, encode_raw(a)) for a in articles])

    with pytest.raises(RetriesExhausted):
        _consume(kafka_bootstrap, kafka_topics, store, publisher, unique)
    assert _committed(kafka_bootstrap, unique) == {}
    assert _read_all(kafka_bootstrap, kafka_topics["classified"]) == []
    print(f"{fault}: retries exhausted, nothing committed, nothing published")

    if fault == "index_closed":
        es_client.indices.open(index=f"{store.names.prefix}-articles-v1-000001", wait_for_active_shards="1")
    else:
        store.ensure_ready()
    assert _consume(kafka_bootstrap, kafka_topics, store, publisher, unique) == len(articles)
    store.refresh()
    assert store.search(ArticleQuery(size=0)).total == len(articles)
    assert _committed(kafka_bootstrap, unique) == _end_offsets(kafka_bootstrap, kafka_topics["raw"])
