"""One behavioural suite for both article stores: SQLite (embedded) and Elasticsearch.

Every product feature that reads articles (search, subscription matching, digests,
stats, story grouping, re-classification) goes through ``ArticleStore``; this suite
pins what both adapters answer, on the corpus in tests/unit/embedded/articles.py.
English terms used here are whole words: the adapters may differ on word parts
(SQLite matches substrings), which no product feature relies on.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from policywatch.store.base import ArticleQuery
from tests.unit.embedded.articles import INDEXED_AT, NAMES, document, documents, ids, names_of

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "elasticsearch"])
def store(request, tmp_path):
    if request.param == "sqlite":
        from policywatch.store.sqlite import SqliteArticleStore

        adapter = SqliteArticleStore(tmp_path / "contract.sqlite3")
    else:
        try:
            from policywatch.store.elasticsearch import ElasticsearchArticleStore
        except ImportError as exc:  # must show up as a failure, not vanish as a skip
            pytest.fail(f"policywatch.store.elasticsearch is missing or broken: {exc}", pytrace=False)
        adapter = ElasticsearchArticleStore(request.getfixturevalue("es_client"),
                                            request.getfixturevalue("es_prefix"))
    adapter.ensure_ready()
    yield adapter
    adapter.close()


@pytest.fixture
def filled(store):
    assert store.index(documents()) == []
    store.refresh()
    return store


def _names(store, **query) -> list[str]:
    return names_of(store.search(ArticleQuery(size=100, **query)).hits)


def test_ensure_ready_twice_keeps_the_documents(filled):
    filled.ensure_ready()
    filled.ensure_ready()
    assert filled.search(ArticleQuery(size=0)).total == len(NAMES)


def test_upsert_by_article_id_replaces_never_duplicates(filled):
    changed = document("plan", title="河南省区块链产业发展行动计划（修订）", relevance=0.5)
    assert filled.index([changed, document("pilot")]) == []
    filled.refresh()
    assert filled.search(ArticleQuery(size=0)).total == len(NAMES)
    stored = filled.get(changed["article_id"])
    assert stored["title"] == "河南省区块链产业发展行动计划（修订）"
    assert stored["relevance"] == 0.5
    assert _names(filled, text="修订") == ["plan"]


def test_get_returns_the_document_or_none(filled):
    original = document("crackdown")
    stored = filled.get(original["article_id"])
    for field in ("title", "text", "source", "lang", "regions", "themes", "applications", "doc_type",
                  "relevant", "relevance", "story_id", "story_bands", "published", "url"):
        assert stored[field] == original[field], field
    assert filled.get("0" * 32) is None


@pytest.mark.parametrize("query, expected", [
    (dict(regions=("Henan",)), {"plan", "pilot", "notice"}),
    (dict(regions=("Henan", "Hunan")), {"plan", "pilot", "notice", "report"}),
    (dict(themes=("industrial_parks",)), {"plan", "pilot"}),
    (dict(applications=("e_government",)), {"plan", "report"}),
    (dict(applications=("trade", "tax_invoicing")), {"pilot", "undated"}),
    (dict(doc_types=("news_report",)), {"pilot", "crackdown", "price", "undated"}),
    (dict(sources=("finance-news",)), {"crackdown", "price"}),
    (dict(langs=("en",)), {"crackdown", "price"}),
    (dict(relevant=True), {"plan", "pilot", "report", "crackdown", "undated"}),
    (dict(relevant=False), {"notice", "price"}),
    (dict(min_relevance=0.85), {"plan", "crackdown"}),
    (dict(story_ids=("s-plan",)), {"plan", "undated"}),
    (dict(article_ids=tuple(ids("report", "price"))), {"report", "price"}),
    (dict(regions=("Henan",), relevant=True, themes=("industrial_parks",), langs=("zh",)), {"plan", "pilot"}),
], ids=lambda value: "-".join(map(str, value)) if isinstance(value, dict) else None)
def test_filters(filled, query, expected):
    assert set(_names(filled, **query)) == expected


def test_time_bounds_are_inclusive_exclusive(filled):
    since = INDEXED_AT.replace(day=10, hour=2)  # plan's publication instant
    until = INDEXED_AT.replace(day=12, hour=2)  # pilot's publication instant
    assert set(_names(filled, published_since=since, published_until=until)) == {"plan", "crackdown"}
    assert set(_names(filled, indexed_since=INDEXED_AT + timedelta(hours=24))) == {"crackdown", "price", "undated"}
    assert set(_names(filled, indexed_until=INDEXED_AT + timedelta(hours=2))) == {"plan", "pilot"}


@pytest.mark.parametrize("text, exclude, expected", [
    ("区块链", (), {"plan", "pilot", "report", "undated"}),
    ("区块链 试点", (), {"pilot"}),
    ("试点", (), {"pilot"}),
    ("郑州", (), {"plan", "pilot"}),
    ("数字经济", (), {"report"}),
    ("电子发票", (), {"undated"}),
    ("crackdown", (), {"crackdown"}),
    ("CRACKDOWN", (), {"crackdown"}),
    ("crypto trading", (), {"crackdown"}),
    ("bitcoin price", (), {"price"}),
    ("区块链 crackdown", (), set()),
    ("区块链", ("试点",), {"plan", "report", "undated"}),
    ("区块链", ("郑州", "深圳"), {"report"}),
    ("", ("bitcoin",), set(NAMES) - {"price"}),
])
def test_free_text_in_chinese_and_english(filled, text, exclude, expected):
    assert set(_names(filled, text=text, exclude=exclude)) == expected


def test_free_text_combines_with_filters(filled):
    assert set(_names(filled, text="区块链", regions=("Henan",))) == {"plan", "pilot"}
    assert _names(filled, text="区块链", sources=("finance-news",)) == []


def test_sort_by_published_newest_first_undated_last(filled):
    assert _names(filled, sort="published") == ["price", "pilot", "crackdown", "plan", "notice", "report",
                                                "undated"]


def test_sort_by_indexed_newest_first(filled):
    assert _names(filled, sort="indexed") == ["undated", "price", "crackdown", "notice", "report", "pilot",
                                              "plan"]


def test_sort_by_relevance_puts_the_most_relevant_first(filled):
    assert _names(filled, relevant=True, sort="relevance") == ["plan", "crackdown", "pilot", "undated", "report"]


def test_size_limits_hits_not_total(filled):
    result = filled.search(ArticleQuery(sort="published", size=2))
    assert result.total == len(NAMES)
    assert names_of(result.hits) == ["price", "pilot"]


def test_stats_shape_and_counts(filled):
    stats = filled.stats(None, None)
    assert stats == {
        "total": 7,
        "relevant": 5,
        "by_region": {"Henan": 2, "Hunan": 1, "National": 1, "Guangdong": 1},
        "by_theme": {"industrial_upgrading": 1, "industrial_parks": 2, "application_scenarios": 2,
                     "digital_economy": 1, "regulation": 1},
        "by_application": {"e_government": 2, "finance": 1, "trade": 1, "digital_assets": 1,
                           "tax_invoicing": 1},
        "by_doc_type": {"policy_document": 1, "news_report": 3, "government_report": 1},
        "by_source": {"henan-gov": 3, "hunan-gov": 1, "finance-news": 2, "guangdong-gov": 1},
        "by_day": {"2026-01-20": 4, "2026-01-21": 3},
    }


def test_stats_window_counts_documents_indexed_in_it(filled):
    stats = filled.stats(INDEXED_AT + timedelta(hours=24), INDEXED_AT + timedelta(hours=26))
    assert (stats["total"], stats["relevant"]) == (2, 1)
    assert stats["by_source"] == {"finance-news": 2}
    assert stats["by_region"] == {"National": 1}


def test_story_candidates_share_a_band(filled):
    candidates = filled.story_candidates(["1:bb"])
    assert {c["article_id"] for c in candidates} == set(ids("plan", "crackdown", "undated"))
    by_id = {c["article_id"]: c for c in candidates}
    plan = document("plan")
    assert by_id[plan["article_id"]]["story_id"] == "s-plan"
    assert by_id[plan["article_id"]]["story_fingerprint"] == plan["story_fingerprint"]
    assert by_id[plan["article_id"]]["source"] == "henan-gov"
    assert len(filled.story_candidates(["1:bb"], limit=2)) == 2
    assert filled.story_candidates(["9:none"]) == []


def test_scan_visits_everything_in_id_order_and_resumes(filled):
    batches = list(filled.scan(batch_size=3))
    assert [len(b) for b in batches] == [3, 3, 1]
    seen = [doc["article_id"] for batch in batches for doc in batch]
    assert seen == sorted(ids(*NAMES))
    resumed = [doc["article_id"] for batch in filled.scan(after_id=seen[3], batch_size=3) for doc in batch]
    assert resumed == seen[4:]
