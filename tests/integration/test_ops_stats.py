"""``policywatch stats`` on a real Elasticsearch index built through the article store."""

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from policywatch.schema import RawArticle, build_document, content_hash
from policywatch.store.elasticsearch import ElasticsearchArticleStore
from policywatch.urls import article_id
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.integration


def _doc(n: int, source: str, regions: list[str], themes: list[str], relevant: bool, indexed_at: datetime):
    url = f"https://gov.example.cn/ops-stats/{n}.html"
    title, text = f"关于区块链试点的通知 {n}", "正文"
    article = RawArticle(article_id(url), url, url, source, "provincial", title, text,
                         "2024-05-01T00:00:00Z", content_hash(title, text), lang="zh")
    labels = {"relevant": relevant, "relevance": 0.9 if relevant else 0.1, "regions": regions, "themes": themes,
              "applications": [], "doc_type": "policy_document", "evidence": [], "classifier_version": "test"}
    story = {"story_id": article.article_id, "story_fingerprint": "0" * 16, "story_bands": []}
    return build_document(article, labels, story, indexed_at)


def test_stats_counts_by_region_theme_source_and_day(es_client, es_url, es_prefix, tmp_path):
    now = datetime.now(timezone.utc)
    store = ElasticsearchArticleStore(es_client, es_prefix)
    store.ensure_ready()
    assert store.index([
        _doc(1, "gov-a", ["Beijing"], ["regulation"], True, now - timedelta(days=1)),
        _doc(2, "gov-a", ["Beijing", "Shanghai"], ["application_scenarios"], True, now - timedelta(days=2)),
        _doc(3, "news-b", [], [], False, now - timedelta(days=2)),
        _doc(4, "news-b", ["Hainan"], ["application_scenarios"], True, now - timedelta(days=30)),  # outside --since 7d
    ]) == []
    store.refresh()

    result = subprocess.run(
        [sys.executable, "-m", "policywatch", "stats", "--since", "7d", "--json"], cwd=REPO_ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "POLICYWATCH_DATA_DIR": str(tmp_path),
             "ELASTICSEARCH_URL": es_url, "ELASTICSEARCH_INDEX_PREFIX": es_prefix},
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert (counts["total"], counts["relevant"]) == (3, 2)
    assert counts["by_region"] == {"Beijing": 2, "Shanghai": 1}
    assert counts["by_theme"] == {"regulation": 1, "application_scenarios": 1}
    assert counts["by_source"] == {"gov-a": 2, "news-b": 1}
    assert sum(counts["by_day"].values()) == 3
    assert (now - timedelta(days=1)).strftime("%Y-%m-%d") in counts["by_day"]
