"""Crawl -> Kafka on the real broker: the e2e fixture sites are crawled by the same
generic spider as every registry source and published to a fresh raw topic."""

from __future__ import annotations

import shutil
import socket

import pytest
from kafka import KafkaConsumer

from crawlers.state import SqliteCrawlState
from policywatch.schema import decode_raw
from policywatch.urls import article_id
from tests.support.fixture_site import E2E_SITE, e2e_sources, run_crawl, serve_site, write_registry

pytestmark = pytest.mark.integration


def read_topic(bootstrap: str, topic: str, expected: int, timeout_ms: int = 5000):
    """The records of ``topic``, waiting ``timeout_ms`` after the last one for more than
    ``expected`` to show up."""
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=timeout_ms)
    try:
        records = []
        for record in consumer:
            records.append(record)
            if len(records) > expected:
                break
        return records
    finally:
        consumer.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def site_copy(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(E2E_SITE, root)
    return root


def test_crawl_publishes_each_article_once_keyed_by_id_and_republishes_only_changes(
        kafka_bootstrap, kafka_topics, site_copy, tmp_path):
    env = {"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "KAFKA_TOPIC_RAW": kafka_topics["raw"]}
    with serve_site(site_copy) as site:
        registry = tmp_path / "registry"
        write_registry(registry, e2e_sources(site))

        first = run_crawl(registry, tmp_path, env, "--all")
        assert first.returncode == 0, first.stderr[-3000:]
        records = read_topic(kafka_bootstrap, kafka_topics["raw"], expected=6)
        articles = {r.key.decode(): decode_raw(r.value) for r in records}
        assert len(records) == 6 and len(articles) == 6
        assert all(key == article_id(a.url) for key, a in articles.items())
        by_title = {a.title: a for a in articles.values()}
        plan = by_title["河南省加快区块链产业发展行动计划（2020—2022年）"]
        assert plan.published == "2020-01-13T16:00:00Z" and plan.source == "e2e-gov-portal"
        assert "李喆" in plan.text and "Zhengzhou Zhengdong New District" in plan.text  # GBK-only char; PDF text
        mislabelled = by_title["关于开展“区块链+政务服务”试点工作的通知"]
        assert "王堃" in mislabelled.text and "\ufffd" not in mislabelled.text
        assert by_title["监管部门发布通知 严厉打击虚拟货币交易炒作"].published == "2020-01-14T01:30:00Z"
        assert "/portal/2020/01-18/1005.html" not in site.paths_requested(), "robots.txt disallows it"
        assert not any("example.com" in a.url for a in articles.values())

        # Again, with conditional requests (304s) ...
        second = run_crawl(registry, tmp_path, env, "--all")
        assert second.returncode == 0, second.stderr[-3000:]
        assert any(headers.get("If-None-Match") for path, headers in site.requests if path.endswith("1001.html"))
        # ... and without (the content hash decides): nothing is published again.
        site.conditional = False
        third = run_crawl(registry, tmp_path, env, "--all")
        assert third.returncode == 0, third.stderr[-3000:]
        assert len(read_topic(kafka_bootstrap, kafka_topics["raw"], expected=6, timeout_ms=4000)) == 6

        # A changed article is published again under the same key.
        page = site_copy / "finance/news/20200115/b2.html"
        page.write_text(page.read_text(encoding="utf-8").replace("8700美元", "8800美元"), encoding="utf-8")
        fourth = run_crawl(registry, tmp_path, env, "e2e-finance-news")
        assert fourth.returncode == 0, fourth.stderr[-3000:]
        records = read_topic(kafka_bootstrap, kafka_topics["raw"], expected=7)
        assert len(records) == 7
        key = article_id(site.url("finance/news/20200115/b2.html"))
        versions = [decode_raw(r.value).text for r in records if r.key.decode() == key]
        assert len(versions) == 2 and "8700美元" in versions[0] and "8800美元" in versions[1]  # one partition: in order

    state = SqliteCrawlState(tmp_path / "policywatch.sqlite3")
    try:
        runs = state.recent_runs("e2e-gov-portal", 5)
        assert [r["articles"]["new"] for r in runs] == [0, 0, 4]
        assert runs[0]["articles"]["unchanged"] == 4 and runs[1]["articles"]["unchanged"] == 4
        assert all(r["problems"] == [] for r in runs)
    finally:
        state.close()


def test_unreachable_kafka_fails_the_crawl_loudly_and_marks_nothing_seen(kafka_topics, tmp_path):
    env = {"KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{closed_port()}", "KAFKA_TOPIC_RAW": kafka_topics["raw"]}
    with serve_site(E2E_SITE) as site:
        registry = tmp_path / "registry"
        write_registry(registry, e2e_sources(site)[1:])
        result = run_crawl(registry, tmp_path, env, "e2e-finance-news", timeout=180)
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    assert "e2e-finance-news: delivery_failed" in result.stdout
    assert "could not be delivered" in result.stdout
    state = SqliteCrawlState(tmp_path / "policywatch.sqlite3")
    try:
        assert state.count_seen("e2e-finance-news") == 0
        (run,) = state.recent_runs("e2e-finance-news", 5)
        assert run["finish_reason"] == "delivery_failed" and run["problems"] == ["failed"]
        assert run["errors"]["delivery"] >= 1
    finally:
        state.close()
