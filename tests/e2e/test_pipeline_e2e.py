"""End to end on the real servers, through the real commands:

fixture sites (GBK provincial portal + UTF-8 finance site) -> `policywatch crawl` ->
Kafka raw topic -> `policywatch consume` (classify + index) -> Elasticsearch ->
`policywatch matcher` -> `policywatch digest send-now` -> a real SMTP server.

A second crawl of the unchanged sites publishes nothing and leaves Elasticsearch as it
was. What the sites hold is described in tests/fixtures/sites/e2e/articles.json.
"""

from __future__ import annotations

import json

import pytest
from kafka import KafkaConsumer, TopicPartition

from policywatch.urls import article_id
from tests.support.fixture_site import (E2E_SITE, e2e_sources, run_policywatch, serve_site,
                                        write_registry)

pytestmark = pytest.mark.e2e

EXPECTED = json.loads((E2E_SITE / "articles.json").read_text(encoding="utf-8"))["articles"]


@pytest.fixture
def deployment(tmp_path, unique, kafka_bootstrap, es_url, es_prefix, smtp_server):
    """A distributed deployment of its own: unique topics, groups and index prefix."""
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "ELASTICSEARCH_URL": es_url,
        "ELASTICSEARCH_INDEX_PREFIX": es_prefix, "ELASTICSEARCH_REFRESH_INTERVAL": "1s",
        "KAFKA_TOPIC_RAW": f"{unique}.raw", "KAFKA_TOPIC_CLASSIFIED": f"{unique}.classified",
        "KAFKA_TOPIC_DLQ": f"{unique}.dlq", "KAFKA_CONSUMER_GROUP": f"{unique}-indexer",
        "KAFKA_MATCHER_GROUP": f"{unique}-matcher", "CONSUMER_POLL_TIMEOUT_MS": "500",
        "SMTP_HOST": smtp_server.host, "SMTP_PORT": str(smtp_server.port), "SMTP_TLS": "none",
        "ALERTS_LATE_BUFFER_S": "0",
    }
    yield env, tmp_path
    from kafka.admin import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.delete_topics([env["KAFKA_TOPIC_RAW"], env["KAFKA_TOPIC_CLASSIFIED"], env["KAFKA_TOPIC_DLQ"]])
    finally:
        admin.close()


def _ok(result) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result.stdout


def _raw_topic_size(bootstrap: str, topic: str) -> int:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()


def _stored(es_client, prefix: str) -> dict[str, dict]:
    es_client.indices.refresh(index=f"{prefix}-articles")
    hits = es_client.search(index=f"{prefix}-articles", size=100, query={"match_all": {}})["hits"]["hits"]
    return {hit["_id"]: hit["_source"] for hit in hits}


def test_crawl_to_kafka_to_elasticsearch_to_digest(deployment, es_client, es_prefix, kafka_bootstrap,
                                                   smtp_server):
    env, work = deployment
    registry, data = work / "registry", work / "data"
    run = lambda *args: _ok(run_policywatch(registry, data, env, *args, timeout=180))  # noqa: E731

    with serve_site(E2E_SITE) as site:
        write_registry(registry, e2e_sources(site))
        run("bootstrap")
        run("subscriptions", "add", "--id", "henan-watch", "--email", "analyst@example.org",
            "--name", "Analyst", "--region", "Henan", "--daily", "08:00")

        run("crawl", "--all")
        published_first = _raw_topic_size(kafka_bootstrap, env["KAFKA_TOPIC_RAW"])
        run("consume", "--max-idle-polls", "6")
        stored = _stored(es_client, es_prefix)

        # Every article of the fixture sites is stored once, under its URL's id.
        expected_ids = {article_id(site.url(a["path"])): a for a in EXPECTED}
        assert published_first == len(EXPECTED)
        assert set(stored) == set(expected_ids)
        for doc_id, expected in expected_ids.items():
            doc = stored[doc_id]
            # GBK pages, one of them labelled utf-8, decode to the right characters.
            assert doc["title"] == expected["title"]
            assert doc["published"] == expected["published"].replace("+00:00", "Z")
            assert doc["source"] == expected["source"]
            assert doc["lang"] == "zh"
            assert doc["article_id"] == doc_id
            if expected["blockchain_policy"] is not None:
                assert doc["relevant"] is expected["blockchain_policy"], doc["title"]
            if expected["blockchain_policy"]:
                assert set(expected["regions"]) <= set(doc["regions"]), doc["title"]
                assert doc["themes"] and doc["evidence"], doc["title"]
                assert 0.5 <= doc["relevance"] <= 1.0
            if expected["blockchain_policy"] is False:
                assert doc["themes"] == [] and doc["applications"] == []
            for hint in expected.get("themes_hint", [])[:1] + expected.get("applications_hint", [])[:1]:
                assert hint in doc["themes"] + doc["applications"], (doc["title"], hint)
        plan = stored[article_id(site.url(EXPECTED[0]["path"]))]
        assert any(a["url"].endswith(EXPECTED[0]["attachment"]) for a in plan["attachments"])

        # The digest: the Henan subscriber gets the Henan blockchain items, not the rest.
        run("matcher", "--max-idle-polls", "6")
        run("digest", "send-now", "henan-watch")
        [message] = smtp_server.wait_for(1)
        assert message["To"].addresses[0].addr_spec == "analyst@example.org"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        assert EXPECTED[0]["title"] in html and EXPECTED[0]["title"] in text
        assert site.url(EXPECTED[0]["path"]) in html
        not_relevant = [a["title"] for a in EXPECTED if a["blockchain_policy"] is False]
        assert not any(title in text for title in not_relevant)

        # Crawling the unchanged sites again publishes nothing and duplicates nothing.
        run("crawl", "--all")
        assert _raw_topic_size(kafka_bootstrap, env["KAFKA_TOPIC_RAW"]) == published_first
        run("consume", "--max-idle-polls", "4")
        assert set(_stored(es_client, es_prefix)) == set(expected_ids)
