"""Mapping migration, rollover, retention and re-classification on the real Elasticsearch."""

from __future__ import annotations

import json
import shutil
import threading
from datetime import timedelta

import pytest

from consumers import lifecycle
from consumers.migrate import migrate
from consumers.reclassify import reclassify
from policywatch.errors import PermanentError, TransientError
from policywatch.store import es_layout
from policywatch.store.base import ArticleQuery
from policywatch.store.elasticsearch import ElasticsearchArticleStore
from tests.unit.embedded.articles import INDEXED_AT, NAMES, document, documents

pytestmark = pytest.mark.integration


@pytest.fixture
def store(es_client, es_prefix):
    store = ElasticsearchArticleStore(es_client, es_prefix)
    store.ensure_ready()
    assert store.index(documents()) == []
    return store


def _next_version_templates(tmp_path):
    directory = tmp_path / "elasticsearch"
    shutil.copytree(es_layout.TEMPLATE_DIR, directory)
    path = directory / "articles.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["mapping_version"] = 2
    data["mappings"]["properties"]["title"]["fields"]["raw"]["ignore_above"] = 512
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return directory


def _write_until(store, stop, written):
    """Index fresh documents one by one, retrying transient refusals, until told to stop."""
    n = 0
    while not stop.is_set() or n < 3:
        doc = document("plan", url=f"https://gov.example.cn/during-migration-{n}.html")
        try:
            assert store.index([doc]) == []
        except TransientError:
            continue
        written.append(doc["article_id"])
        n += 1


def test_migrate_swaps_the_alias_without_losing_concurrent_writes(store, es_client, es_prefix, tmp_path):
    templates = _next_version_templates(tmp_path)
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_write_until, args=(store, stop, written))
    writer.start()
    try:
        report = migrate(es_client, es_prefix, store.options, template_dir=templates, batch_size=3)
    finally:
        stop.set()
        writer.join(timeout=60)
    print(f"migrated {report.copied} copied, {report.caught_up} caught up, {len(written)} written meanwhile")
    assert report.new_index == f"{es_prefix}-articles-v2-000001"
    assert es_layout.alias_indices(es_client, store.names) == {report.new_index: True}
    store.refresh()
    stored = {doc["article_id"] for batch in store.scan() for doc in batch}
    assert stored == {d["article_id"] for d in documents()} | set(written)
    mapping = es_client.indices.get_mapping(index=report.new_index)[report.new_index]["mappings"]
    assert mapping["properties"]["title"]["fields"]["raw"]["ignore_above"] == 512
    settings = es_client.indices.get_settings(index=report.old_indices[0])
    assert "blocks" not in settings[report.old_indices[0]]["settings"]["index"]
    with pytest.raises(PermanentError, match="not newer"):
        migrate(es_client, es_prefix, store.options, template_dir=templates)


def test_rollover_keeps_one_copy_per_article_and_retention_drops_old_indices(store, es_client, es_prefix):
    store.refresh()
    new_index = lifecycle.rollover(es_client, es_prefix, max_docs=1)
    assert new_index == f"{es_prefix}-articles-v1-000002"
    assert lifecycle.rollover(es_client, es_prefix, max_docs=1000) is None
    changed = document("plan", title="河南省区块链产业发展行动计划（修订）")
    assert store.index([changed, document("pilot")]) == []
    store.refresh()
    assert store.search(ArticleQuery(size=0)).total == len(NAMES)
    assert store.get(changed["article_id"])["title"].endswith("（修订）")
    assert es_client.count(index=new_index)["count"] == 2

    old_index = f"{es_prefix}-articles-v1-000001"
    later = INDEXED_AT + timedelta(days=40)
    assert lifecycle.expired_indices(es_client, es_prefix, 0, later) == []
    assert lifecycle.expired_indices(es_client, es_prefix, 60, later) == []
    assert lifecycle.apply_retention(es_client, es_prefix, 30, later) == [old_index]
    assert es_layout.alias_indices(es_client, store.names) == {new_index: True}


def test_reclassify_relabels_through_the_alias_and_resumes(store, tmp_path):
    checkpoint = tmp_path / "reclassify.json"
    calls = []

    def classify_all_national(title, text, lang=None, url=None):
        calls.append(title)
        if len(calls) == 4:
            raise TransientError("interrupted")
        return {"relevant": True, "relevance": 0.5, "regions": ["National"], "themes": [], "applications": [],
                "doc_type": "news_report", "evidence": [], "classifier_version": "test-2"}

    store.refresh()
    with pytest.raises(TransientError):
        reclassify(store, classify_all_national, checkpoint, batch_size=3)
    assert json.loads(checkpoint.read_text())["scanned"] == 3
    report = reclassify(store, classify_all_national, checkpoint, resume=True, batch_size=3)
    assert (report.scanned, report.changed) == (len(NAMES) - 3, len(NAMES) - 3)
    assert not checkpoint.exists()
    store.refresh()
    assert store.search(ArticleQuery(regions=("National",), size=0)).total == len(NAMES)
    assert {d["indexed_at"] for b in store.scan() for d in b} == {d["indexed_at"] for d in documents()}
