"""Drill: Elasticsearch stopped for 30 s while `policywatch consume` is indexing, then
started again. The consumer retries instead of committing, nothing is lost, and the
lag drains. Runs on a dedicated Elasticsearch (tests/support/servers.py): the shared
one is never stopped."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from elasticsearch import Elasticsearch

from bench import harness
from bench.corpus import raw_articles

pytestmark = pytest.mark.reliability

OUTAGE_S = 30
BATCH = 50


def test_elasticsearch_down_30s_loses_nothing_and_lag_drains(drill_elasticsearch, kafka_bootstrap, kafka_topics,
                                                            unique, tmp_path, report):
    es = Elasticsearch(drill_elasticsearch.address, request_timeout=10)
    prefix = f"pw-{unique}"
    alias = f"{prefix}-articles"
    first, second = raw_articles(1200, unique, size=1500)[:600], raw_articles(1200, unique, size=1500)[600:]
    env = harness.pipeline_env(kafka_bootstrap, drill_elasticsearch.address, prefix, kafka_topics, unique,
                               CONSUMER_BATCH_SIZE=str(BATCH), CONSUMER_MAX_RETRIES="60",
                               CONSUMER_RETRY_BACKOFF_S="0.5", CONSUMER_RETRY_BACKOFF_MAX_S="2",
                               ELASTICSEARCH_REQUEST_TIMEOUT_S="5")
    log_path = tmp_path / "consume.log"
    raw = kafka_topics["raw"]
    harness.produce(kafka_bootstrap, raw, first)
    consumer = harness.start(["consume"], env, log_path)
    try:
        assert harness.wait_until(lambda: harness.count(es, alias) >= 200 or consumer.poll() is not None, 60)
        assert consumer.poll() is None, log_path.read_text()[-3000:]
        took = drill_elasticsearch.stop()
        down_at = time.monotonic()
        report(f"stopped Elasticsearch ({took:.1f} s) with {600 - harness.lag(kafka_bootstrap, unique, raw)} "
               f"of 600 articles committed, consumer still indexing")
        harness.produce(kafka_bootstrap, raw, second)
        committed_during = harness.lag(kafka_bootstrap, unique, raw)
        report(f"produced {len(second)} more articles during the outage; lag {committed_during}")
        time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - down_at)))
        lag_before_restart = harness.lag(kafka_bootstrap, unique, raw)
        alive = consumer.poll() is None
        report(f"after {time.monotonic() - down_at:.0f} s down: consumer alive={alive}, lag {lag_before_restart}, "
               f"retries logged: {log_path.read_text().count('batch failed transiently')}")
        assert alive, log_path.read_text()[-3000:]
        assert lag_before_restart >= len(second)  # nothing is committed without Elasticsearch

        took = drill_elasticsearch.start()
        report(f"Elasticsearch restarted ({took:.0f} s to healthy); waiting for the lag to drain")
        drained = harness.wait_until(lambda: harness.lag(kafka_bootstrap, unique, raw) == 0
                                     or consumer.poll() is not None, 120, interval_s=0.5)
        assert drained and consumer.poll() is None, log_path.read_text()[-3000:]
        report(f"lag 0 {time.monotonic() - down_at:.0f} s after the stop; consumer still running")
        assert harness.stop(consumer) == 0, log_path.read_text()[-3000:]

        ids = harness.stored_ids(es, alias)
        counts = Counter(ids)
        expected = {a.article_id for a in first + second}
        report(f"stored {len(ids)} documents, {len(counts)} distinct; missing {len(expected - set(counts))}, "
               f"duplicated {sum(1 for n in counts.values() if n > 1)}")
        assert set(counts) == expected and len(ids) == len(expected)
        assert harness.committed_offsets(kafka_bootstrap, unique, raw) == harness.end_offsets(kafka_bootstrap, raw)
    finally:
        harness.stop(consumer)
        harness.delete_group(kafka_bootstrap, unique)
        if drill_elasticsearch.running():
            harness.delete_indices(es, prefix)
        es.close()
