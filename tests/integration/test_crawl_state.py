"""One behavioural test for both crawl-state adapters: SQLite and the real Elasticsearch."""

from __future__ import annotations

import pytest

from crawlers.state import ElasticsearchCrawlState, SeenArticle, SqliteCrawlState

pytestmark = pytest.mark.integration
URL = "https://www.henan.gov.cn/2020/01-14/1001001.html"


@pytest.fixture(params=["sqlite", "elasticsearch"])
def state(request, tmp_path):
    if request.param == "sqlite":
        adapter = SqliteCrawlState(tmp_path / "state.sqlite3")
    else:
        es_client, es_prefix = request.getfixturevalue("es_client"), request.getfixturevalue("es_prefix")
        adapter = ElasticsearchCrawlState(es_client, f"{es_prefix}-crawlstate")
    yield adapter
    adapter.close()


def seen(content_hash: str, etag: str | None = None) -> SeenArticle:
    return SeenArticle(canonical_url=URL, article_id="a" * 32, source="gov-henan", content_hash=content_hash,
                       seen_at="2020-01-14T02:00:00Z", etag=etag, last_modified="Tue, 14 Jan 2020 01:30:00 GMT")


def run(source: str, finished_at: str, new: int) -> dict:
    return {"source": source, "finished_at": finished_at, "articles": {"new": new, "changed": 0, "unchanged": 0},
            "problems": []}


def test_articles_are_remembered_by_canonical_url_and_replaced(state):
    assert state.get(URL) is None
    state.mark_seen(seen("h1", '"e1"'))
    assert state.get(URL) == seen("h1", '"e1"')
    state.mark_seen(seen("h2"))
    assert state.get(URL) == seen("h2")
    assert state.count_seen("gov-henan") == 1
    assert state.count_seen("gov-beijing") == 0


def test_a_batch_is_remembered_at_once_and_looked_up_at_once(state):
    other = SeenArticle(canonical_url=URL.replace("1001001", "1001002"), article_id="b" * 32, source="gov-henan",
                        content_hash="h9", seen_at="2020-01-14T02:00:00Z")
    state.mark_seen_many([seen("h1"), other, seen("h2", '"e2"')])  # the same URL twice: the last one wins
    unknown = URL.replace("1001001", "1001003")
    assert state.get_many([URL, unknown, other.canonical_url, URL]) == {URL: seen("h2", '"e2"'),
                                                                         other.canonical_url: other}
    assert state.get_many([]) == {}
    assert state.count_seen("gov-henan") == 2


def test_run_reports_come_back_newest_first_per_source(state):
    state.record_run(run("gov-henan", "2020-01-14T01:00:00Z", 3))
    state.record_run(run("gov-henan", "2020-01-14T04:00:00Z", 0))
    state.record_run(run("gov-beijing", "2020-01-14T05:00:00Z", 9))
    state.record_run(run("gov-henan", "2020-01-14T02:00:00Z", 1))
    assert [r["articles"]["new"] for r in state.recent_runs("gov-henan", 2)] == [0, 1]
    assert state.recent_runs("gov-henan", 10)[-1] == run("gov-henan", "2020-01-14T01:00:00Z", 3)
    assert state.recent_runs("gov-tibet", 5) == []


def test_two_crawler_processes_share_the_elasticsearch_state(kafka_bootstrap, kafka_topics, es_url, es_prefix,
                                                             es_client, tmp_path):
    from tests.integration.test_crawl_kafka import read_topic
    from tests.support.fixture_site import E2E_SITE, e2e_sources, run_crawl, serve_site, write_registry

    env = {"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "KAFKA_TOPIC_RAW": kafka_topics["raw"],
           "ELASTICSEARCH_URL": es_url, "ELASTICSEARCH_INDEX_PREFIX": es_prefix}
    with serve_site(E2E_SITE, conditional=False) as site:
        write_registry(tmp_path / "registry", e2e_sources(site)[1:])
        for data_dir in (tmp_path / "host-a", tmp_path / "host-b"):  # separate machines: no shared SQLite
            result = run_crawl(tmp_path / "registry", data_dir, env, "e2e-finance-news")
            assert result.returncode == 0, result.stderr[-3000:]
    assert len(read_topic(kafka_bootstrap, kafka_topics["raw"], expected=2, timeout_ms=4000)) == 2
    state = ElasticsearchCrawlState(es_client, f"{es_prefix}-crawlstate")
    assert state.count_seen("e2e-finance-news") == 2
    assert [r["articles"] for r in state.recent_runs("e2e-finance-news", 5)] == [
        {"new": 0, "changed": 0, "unchanged": 2}, {"new": 2, "changed": 0, "unchanged": 0}]
