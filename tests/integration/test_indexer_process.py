"""`policywatch consume` as a process on the real servers: drains the topic, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from policywatch.bus.kafka import KafkaPublisher
from policywatch.schema import encode_raw
from policywatch.store.base import ArticleQuery
from policywatch.store.elasticsearch import ElasticsearchArticleStore
from tests.conftest import REPO_ROOT
from tests.unit.consumers.raw_articles import raw_article

pytestmark = pytest.mark.integration


def _environment(kafka_bootstrap, es_url, es_prefix, kafka_topics, unique):
    return {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "ELASTICSEARCH_URL": es_url,
            "ELASTICSEARCH_INDEX_PREFIX": es_prefix, "KAFKA_TOPIC_RAW": kafka_topics["raw"],
            "KAFKA_TOPIC_CLASSIFIED": kafka_topics["classified"], "KAFKA_TOPIC_DLQ": kafka_topics["dlq"],
            "KAFKA_CONSUMER_GROUP": unique, "CONSUMER_POLL_TIMEOUT_MS": "300"}


def test_consume_indexes_then_stops_cleanly_on_sigterm(kafka_bootstrap, es_url, es_client, es_prefix,
                                                       kafka_topics, unique):
    articles = [raw_article(n) for n in range(8)]
    publisher = KafkaPublisher({"bootstrap_servers": kafka_bootstrap})
    publisher.publish_many(kafka_topics["raw"], [(a.article_id, encode_raw(a)) for a in articles])
    publisher.close()
    store = ElasticsearchArticleStore(es_client, es_prefix)
    process = subprocess.Popen([sys.executable, "-m", "policywatch", "consume"], cwd=REPO_ROOT,
                               env=_environment(kafka_bootstrap, es_url, es_prefix, kafka_topics, unique),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        indexed = 0
        while time.monotonic() < deadline and indexed < len(articles):
            time.sleep(0.5)
            try:
                store.refresh()
                indexed = store.search(ArticleQuery(size=0)).total
            except Exception:  # the process creates the alias itself; not there yet
                indexed = 0
        assert indexed == len(articles)
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode("utf-8", "replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    print(f"consume indexed {indexed} articles, exited {process.returncode} on SIGTERM")
    assert process.returncode == 0, output
    assert "stop requested" in output and "consumer stopped" in output
