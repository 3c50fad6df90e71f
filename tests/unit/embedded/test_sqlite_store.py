"""What only the SQLite adapter has to show: persistence, locking, dead letters."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from policywatch.bus.base import Record
from policywatch.errors import PermanentError, TransientError
from policywatch.store.base import ArticleQuery
from policywatch.store.sqlite import SqliteArticleStore, SqliteDeadLetters, list_dead_letters, query_terms
from tests.unit.embedded.articles import NAMES, document, documents, names_of


@pytest.fixture
def store(tmp_path):
    adapter = SqliteArticleStore(tmp_path / "store.sqlite3")
    adapter.ensure_ready()
    yield adapter
    adapter.close()


def test_documents_survive_reopening_the_database(tmp_path):
    first = SqliteArticleStore(tmp_path / "db.sqlite3")
    first.ensure_ready()
    first.index(documents())
    first.close()
    second = SqliteArticleStore(tmp_path / "db.sqlite3")
    second.ensure_ready()
    assert second.count() == len(NAMES)
    assert names_of(second.search(ArticleQuery(text="试点")).hits) == ["pilot"]
    second.close()


def test_reindexing_replaces_labels_and_text(store):
    store.index([document("plan")])
    store.index([document("plan", regions=["Hebei"], text="雄安新区区块链应用", title="雄安")])
    assert store.count() == 1
    assert names_of(store.search(ArticleQuery(regions=("Hebei",))).hits) == ["plan"]
    assert store.search(ArticleQuery(regions=("Henan",))).total == 0
    assert store.search(ArticleQuery(text="郑州")).total == 0
    assert store.search(ArticleQuery(text="雄安新区")).total == 1


def test_a_bad_document_is_refused_and_the_rest_are_stored(store):
    bad = dict(document("pilot"), regions="Henan")  # a string where a list belongs
    failures = store.index([document("plan"), bad, {"title": "no id"}])
    assert [f.article_id for f in failures] == [bad["article_id"], "?"]
    assert "list" in failures[0].reason and "article_id" in failures[1].reason
    assert store.count() == 1


def test_like_fallback_escapes_wildcards(store):
    store.index([document("plan", text="增长100%的区块链"), document("pilot")])
    assert names_of(store.search(ArticleQuery(text="0%")).hits) == ["plan"]
    assert store.search(ArticleQuery(text="_")).total == 0


def test_unknown_sort_is_a_permanent_error(store):
    with pytest.raises(PermanentError, match="sort"):
        store.search(ArticleQuery(sort="random"))


def test_a_locked_database_is_a_transient_error(tmp_path):
    path = tmp_path / "locked.sqlite3"
    store = SqliteArticleStore(path)
    store.ensure_ready()
    store._db.execute("PRAGMA busy_timeout = 0")  # fail at once instead of waiting 30 s
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(TransientError, match="locked"):
            store.index([document("plan")])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.index([document("plan")]) == []
    store.close()


def test_query_terms_split_on_whitespace_and_drop_quotes():
    assert query_terms(' 区块链  "试点" “郑州” ') == ["区块链", "试点", "郑州"]


def test_dead_letters_are_kept_durably_and_listed_newest_first(tmp_path):
    path = tmp_path / "dlq.sqlite3"
    letters = SqliteDeadLetters(path)
    now = datetime(2026, 1, 20, 8, 0, tzinfo=timezone.utc)
    letters.handle_batch([
        Record("news.articles.dlq", 0, 0, b"k1", b'{"error": "schema_version 9 is not supported"}'),
        Record("news.articles.dlq", 0, 1, None, b"\xff\xfe not utf-8"),
    ], now=now)
    letters.close()
    total, listed = list_dead_letters(path, limit=10)
    assert total == 2
    assert [item["offset"] for item in listed] == [1, 0]
    assert listed[1]["error"] == "schema_version 9 is not supported"
    assert listed[1]["key"] == "k1" and listed[1]["received_at"] == "2026-01-20T08:00:00Z"
    assert listed[0]["error"] is None and listed[0]["payload"].startswith("b'")


def test_dead_letters_read_oldest_first_and_deleted_after_replay(tmp_path):
    letters = SqliteDeadLetters(tmp_path / "dlq.sqlite3")
    letters.handle_batch([Record("dlq", 0, offset, None, b"{}") for offset in range(3)])
    oldest = letters.list(limit=2, oldest_first=True)
    assert [item["offset"] for item in oldest] == [0, 1]
    assert letters.delete([item["id"] for item in oldest]) == 2
    assert [item["offset"] for item in letters.list()] == [2]
    assert letters.delete([]) == 0
    letters.close()
