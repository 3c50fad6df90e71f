"""Drill: the Kafka broker restarted in the middle of a crawl. Every article is either
delivered, or left unseen and delivered by the next run: after the second run every
article of the site is on the raw topic, and no article was ever marked seen without
being on the topic. Runs on a dedicated broker (tests/support/servers.py)."""

from __future__ import annotations

import time

import pytest

from bench import harness
from bench.corpus import fast_crawl_settings, listing_count, site_source, write_site
from crawlers.state import SqliteCrawlState
from policywatch.urls import article_id
from tests.support.fixture_site import serve_site, write_registry

pytestmark = pytest.mark.reliability

PAGES = 300


def _keys_on(bootstrap: str, topic: str) -> set[str]:
    return {m.key.decode() for m in harness.read_topic(bootstrap, topic, idle_ms=2000)}


def _seen_ids(db_path) -> set[str]:
    state = SqliteCrawlState(db_path)
    try:
        return {row[0] for row in state._db.execute("SELECT article_id FROM crawl_articles")}
    finally:
        state.close()


def test_broker_restart_during_crawl_loses_no_article(drill_kafka, unique, tmp_path, report):
    site_dir, data_dir, registry_dir = tmp_path / "site", tmp_path / "data", tmp_path / "sources"
    paths = write_site(site_dir, PAGES)
    topic = f"{unique}.raw"
    harness.create_topics(drill_kafka.address, [topic])
    with serve_site(site_dir) as site:
        write_registry(registry_dir, [site_source(site.base_url)])
        expected = {article_id(site.url(path)) for path in paths}
        env = harness.pipeline_env(drill_kafka.address, "", "unused", {"raw": topic, "classified": "-", "dlq": "-"},
                                   unique, CRAWL_SOURCES_DIR=str(registry_dir), POLICYWATCH_DATA_DIR=str(data_dir),
                                   **fast_crawl_settings(listing_count(PAGES)))
        env.update(CONCURRENT_REQUESTS_PER_DOMAIN="2", DOWNLOAD_DELAY="0.03")  # a crawl of ~10 s
        env.pop("ELASTICSEARCH_URL")  # crawl state in the embedded database of data_dir
        crawl = harness.start(["crawl", "bench-site"], env, tmp_path / "crawl-1.log")
        try:
            assert harness.wait_until(lambda: sum(harness.end_offsets(drill_kafka.address, topic).values()) >= 40
                                      or crawl.poll() is not None, 60)
            assert crawl.poll() is None, "the crawl ended before the broker could be restarted"
            delivered_before = sum(harness.end_offsets(drill_kafka.address, topic).values())
            stopped = drill_kafka.stop()
            time.sleep(3)
            restarted = drill_kafka.start()
            report(f"broker stopped after {delivered_before} of {PAGES} articles were delivered "
                   f"(stop {stopped:.1f} s, down 3 s, restart {restarted:.1f} s)")
            crawl.wait(timeout=180)
        finally:
            harness.stop(crawl)
        output = (tmp_path / "crawl-1.log").read_text(errors="replace")
        on_topic, seen = _keys_on(drill_kafka.address, topic), _seen_ids(data_dir / "policywatch.sqlite3")
        report(f"run 1 exit {crawl.returncode}: {len(on_topic)} articles on the topic, {len(seen)} marked seen, "
               f"{len(seen - on_topic)} seen but not delivered, {len(expected - seen)} left unseen for the next run")
        assert seen <= on_topic, "an article was marked seen without being on the topic"
        assert crawl.returncode in (0, 1), output[-3000:]

        second = harness.start(["crawl", "bench-site"], env, tmp_path / "crawl-2.log")
        second.wait(timeout=180)
        output = (tmp_path / "crawl-2.log").read_text(errors="replace")
        on_topic, seen = _keys_on(drill_kafka.address, topic), _seen_ids(data_dir / "policywatch.sqlite3")
        report(f"run 2 exit {second.returncode}: {len(on_topic & expected)} of {PAGES} articles on the topic, "
               f"{len(seen)} marked seen, missing {len(expected - on_topic)}")
        assert second.returncode == 0, output[-3000:]
        assert expected <= on_topic and on_topic <= expected
        assert seen == expected
    harness.delete_topics(drill_kafka.address, [topic])
