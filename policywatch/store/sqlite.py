"""Embedded article store and dead-letter table on SQLite (the single-machine default).

Documents are kept whole as JSON in ``article_docs``; the fields the store filters and
sorts on are copied into columns, the list fields (regions, themes, applications,
story bands) into ``article_labels`` rows, and title + text into an FTS5 table with the
``trigram`` tokenizer. Trigrams make any Chinese term of three or more characters
(区块链, 数字经济) match as a substring and English case-insensitively; shorter terms
(试点, AI) fall back to LIKE over the same columns, which is exact but unindexed.
Upserts replace all of a document's rows in one transaction, so re-indexing never
duplicates.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from policywatch.bus.base import Record
from policywatch.errors import PermanentError, TransientError
from policywatch.schema import utc_iso
from policywatch.store.base import ArticleQuery, ArticleStore, IndexFailure, SearchResult
from policywatch.store.sqlite_db import connect

# Document list fields kept as article_labels rows (field, value).
_LIST_FIELDS = ("regions", "themes", "applications", "story_bands")
# Trigram FTS5 cannot look up terms shorter than this; they use LIKE instead.
_TRIGRAM = 3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS article_docs (
    article_id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    source TEXT, lang TEXT, doc_type TEXT, story_id TEXT, story_fingerprint TEXT,
    relevant INTEGER NOT NULL DEFAULT 0,
    relevance REAL NOT NULL DEFAULT 0,
    published TEXT,
    indexed_at TEXT
);
CREATE INDEX IF NOT EXISTS article_docs_published ON article_docs (published);
CREATE INDEX IF NOT EXISTS article_docs_indexed ON article_docs (indexed_at);
CREATE TABLE IF NOT EXISTS article_labels (
    article_id TEXT NOT NULL REFERENCES article_docs (article_id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (article_id, field, value)
);
CREATE INDEX IF NOT EXISTS article_labels_value ON article_labels (field, value);
CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5 (
    article_id UNINDEXED, title, text, tokenize = 'trigram'
);
CREATE TABLE IF NOT EXISTS article_dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    topic TEXT NOT NULL, partition INTEGER NOT NULL, "offset" INTEGER NOT NULL,
    key TEXT,
    error TEXT,
    payload BLOB NOT NULL
);
"""


def _utc(value: Any) -> str | None:
    """A document timestamp as comparable UTC ISO text; None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return utc_iso(moment)


def _bound(moment: datetime | None) -> str | None:
    return utc_iso(moment) if moment is not None else None


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _term_clause(term: str) -> tuple[str, list[Any]]:
    """SQL true when ``term`` occurs in the article's title or text (d.article_id)."""
    if len(term) >= _TRIGRAM:
        return ("d.article_id IN (SELECT article_id FROM article_fts WHERE article_fts MATCH ?)",
                [_fts_phrase(term)])
    pattern = _like(term)
    return ("d.article_id IN (SELECT article_id FROM article_fts "
            "WHERE title LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\')", [pattern, pattern])


def query_terms(text: str) -> list[str]:
    """The whitespace-separated terms of a free-text query, quotes stripped."""
    return [t for t in (raw.strip("\"'“”") for raw in text.split()) if t]


def _where(query: ArticleQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for term in query_terms(query.text):
        clause, values = _term_clause(term)
        clauses.append(clause)
        params += values
    for term in query_terms(" ".join(query.exclude)):
        clause, values = _term_clause(term)
        clauses.append("NOT " + clause)
        params += values
    for field, values in (("regions", query.regions), ("themes", query.themes),
                          ("applications", query.applications)):
        if values:
            marks = ",".join("?" * len(values))
            clauses.append(f"d.article_id IN (SELECT article_id FROM article_labels "
                           f"WHERE field = ? AND value IN ({marks}))")
            params += [field, *values]
    for column, values in (("doc_type", query.doc_types), ("source", query.sources),
                           ("lang", query.langs), ("story_id", query.story_ids),
                           ("article_id", query.article_ids)):
        if values:
            clauses.append(f"d.{column} IN ({','.join('?' * len(values))})")
            params += list(values)
    if query.relevant is not None:
        clauses.append("d.relevant = ?")
        params.append(int(query.relevant))
    if query.min_relevance:
        clauses.append("d.relevance >= ?")
        params.append(query.min_relevance)
    for column, op, moment in (("published", ">=", query.published_since),
                               ("published", "<", query.published_until),
                               ("indexed_at", ">=", query.indexed_since),
                               ("indexed_at", "<", query.indexed_until)):
        if moment is not None:
            clauses.append(f"d.{column} {op} ?")
            params.append(_bound(moment))
    return (" AND ".join(clauses) or "1"), params


_ORDER = {
    "relevance": "d.relevance DESC, d.published IS NULL, d.published DESC, d.article_id",
    "published": "d.published IS NULL, d.published DESC, d.article_id",
    "indexed": "d.indexed_at DESC, d.article_id",
}


class SqliteArticleStore(ArticleStore):
    """``ArticleStore`` in the embedded SQLite database at ``db_path``."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self._db = connect(self.db_path)
        # One connection shared by the scheduler's threads: serialise its use.
        self._lock = threading.RLock()

    def _run(self, sql: str, params: list[Any] | tuple = ()) -> list[sqlite3.Row]:
        try:
            with self._lock:
                return self._db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise TransientError(f"SQLite {self.db_path}: {exc}") from exc

    def ensure_ready(self) -> None:
        with self._lock:
            self._db.executescript(_SCHEMA)

    def index(self, docs: list[dict[str, Any]]) -> list[IndexFailure]:
        failures: list[IndexFailure] = []
        try:
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    for doc in docs:
                        reason = self._upsert(doc)
                        if reason:
                            failures.append(IndexFailure(str(doc.get("article_id") or "?"), reason))
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
        except sqlite3.OperationalError as exc:  # locked, disk full, I/O: retry the batch
            raise TransientError(f"SQLite {self.db_path}: {exc}") from exc
        return failures

    def _upsert(self, doc: dict[str, Any]) -> str | None:
        """Write one document; returns why it was refused, or None."""
        article_id = doc.get("article_id")
        if not isinstance(article_id, str) or not article_id:
            return "document has no article_id"
        try:
            payload = json.dumps(doc, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            return f"document is not JSON-serialisable: {exc}"
        lists = {name: doc.get(name) or [] for name in _LIST_FIELDS}
        if not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in lists.values()):
            return f"list fields {_LIST_FIELDS} must be lists of strings"
        execute = self._db.execute
        execute("DELETE FROM article_labels WHERE article_id = ?", (article_id,))
        execute("DELETE FROM article_fts WHERE article_id = ?", (article_id,))
        execute(
            "INSERT OR REPLACE INTO article_docs (article_id, doc, source, lang, doc_type, story_id, "
            "story_fingerprint, relevant, relevance, published, indexed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, payload, doc.get("source"), doc.get("lang"), doc.get("doc_type"),
             doc.get("story_id"), doc.get("story_fingerprint"), int(bool(doc.get("relevant"))),
             float(doc.get("relevance") or 0.0), _utc(doc.get("published")), _utc(doc.get("indexed_at"))),
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO article_labels (article_id, field, value) VALUES (?, ?, ?)",
            [(article_id, name, value) for name, values in lists.items() for value in values],
        )
        execute("INSERT INTO article_fts (article_id, title, text) VALUES (?, ?, ?)",
                (article_id, doc.get("title") or "", doc.get("text") or ""))
        return None

    def get(self, article_id: str) -> dict[str, Any] | None:
        rows = self._run("SELECT doc FROM article_docs WHERE article_id = ?", (article_id,))
        return json.loads(rows[0]["doc"]) if rows else None

    def search(self, query: ArticleQuery) -> SearchResult:
        if query.sort not in _ORDER:
            raise PermanentError(f"unknown sort {query.sort!r}; use one of {sorted(_ORDER)}")
        where, params = _where(query)
        total = self._run(f"SELECT count(*) AS n FROM article_docs d WHERE {where}", params)[0]["n"]
        rows = self._run(f"SELECT d.doc FROM article_docs d WHERE {where} ORDER BY {_ORDER[query.sort]} "
                         f"LIMIT ?", [*params, max(0, query.size)])
        return SearchResult(total=total, hits=[json.loads(row["doc"]) for row in rows])

    def count(self) -> int:
        """How many documents the store holds."""
        return self._run("SELECT count(*) AS n FROM article_docs")[0]["n"]

    def stats(self, since: datetime | None, until: datetime | None) -> dict[str, Any]:
        where, params = _where(ArticleQuery(indexed_since=since, indexed_until=until))
        totals = self._run(f"SELECT count(*) AS total, coalesce(sum(relevant), 0) AS relevant "
                           f"FROM article_docs d WHERE {where}", params)[0]
        result: dict[str, Any] = {"total": totals["total"], "relevant": totals["relevant"]}
        for name, field in (("by_region", "regions"), ("by_theme", "themes"),
                            ("by_application", "applications")):
            rows = self._run(f"SELECT l.value AS key, count(*) AS n FROM article_labels l "
                             f"JOIN article_docs d ON d.article_id = l.article_id "
                             f"WHERE l.field = ? AND d.relevant = 1 AND {where} GROUP BY l.value",
                             [field, *params])
            result[name] = {row["key"]: row["n"] for row in rows}
        for name, expression, only_relevant in (("by_doc_type", "d.doc_type", True),
                                                ("by_source", "d.source", False),
                                                ("by_day", "substr(d.indexed_at, 1, 10)", False)):
            relevant = "d.relevant = 1 AND" if only_relevant else ""
            rows = self._run(f"SELECT {expression} AS key, count(*) AS n FROM article_docs d "
                             f"WHERE {relevant} {where} AND {expression} IS NOT NULL GROUP BY key", params)
            result[name] = {row["key"]: row["n"] for row in rows}
        return result

    def story_candidates(self, bands: list[str], limit: int = 20) -> list[dict[str, Any]]:
        if not bands:
            return []
        marks = ",".join("?" * len(bands))
        rows = self._run(
            f"SELECT d.article_id, d.story_id, d.story_fingerprint, d.source FROM article_docs d "
            f"WHERE d.article_id IN (SELECT article_id FROM article_labels WHERE field = 'story_bands' "
            f"AND value IN ({marks})) ORDER BY d.indexed_at DESC, d.article_id LIMIT ?",
            [*bands, limit])
        return [dict(row) for row in rows]

    def scan(self, after_id: str | None = None, batch_size: int = 500) -> Iterator[list[dict[str, Any]]]:
        cursor = after_id or ""
        while True:
            rows = self._run("SELECT article_id, doc FROM article_docs WHERE article_id > ? "
                             "ORDER BY article_id LIMIT ?", (cursor, batch_size))
            if not rows:
                return
            yield [json.loads(row["doc"]) for row in rows]
            cursor = rows[-1]["article_id"]

    def refresh(self) -> None:
        """Nothing to do: a committed SQLite write is visible at once."""

    def close(self) -> None:
        with self._lock:
            self._db.close()


class SqliteDeadLetters:
    """The embedded dead-letter queue: the DLQ topic's records, kept in SQLite.

    ``handle_batch`` is the DLQ topic's batch handler in the in-process pipeline. The
    payload is kept byte for byte; ``error`` is read from it when it is the JSON
    envelope the indexer publishes (an ``error`` field), so ``list`` can show it.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self._db = connect(self.db_path)
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def handle_batch(self, records: list[Record], now: datetime | None = None) -> None:
        received = utc_iso(now or datetime.now(timezone.utc))
        rows = [(received, r.topic, r.partition, r.offset,
                 r.key.decode("utf-8", "replace") if r.key is not None else None,
                 _error_of(r.value), r.value) for r in records]
        try:
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(
                    'INSERT INTO article_dead_letters (received_at, topic, partition, "offset", key, '
                    'error, payload) VALUES (?, ?, ?, ?, ?, ?, ?)', rows)
                self._db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise TransientError(f"SQLite {self.db_path}: {exc}") from exc

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM article_dead_letters").fetchone()[0]

    def list(self, limit: int = 50, oldest_first: bool = False) -> list[dict[str, Any]]:
        """Dead letters, newest first (or oldest first, for a replay): id, received_at,
        topic, partition, offset, key, error and payload (text when it is UTF-8, else
        repr of the bytes)."""
        order = "ASC" if oldest_first else "DESC"
        with self._lock:
            rows = self._db.execute('SELECT id, received_at, topic, partition, "offset", key, error, payload '
                                    f"FROM article_dead_letters ORDER BY id {order} LIMIT ?", (limit,)).fetchall()
        return [{**dict(row), "payload": _text(row["payload"])} for row in rows]

    def delete(self, ids: list[int]) -> int:
        """Forget the dead letters with these ids (after a successful replay); returns how many."""
        if not ids:
            return 0
        with self._lock:
            cursor = self._db.execute(f"DELETE FROM article_dead_letters WHERE id IN ({','.join('?' * len(ids))})",
                                      list(ids))
        return cursor.rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _error_of(payload: bytes) -> str | None:
    try:
        envelope = json.loads(payload)
    except (UnicodeDecodeError, ValueError):
        return None
    error = envelope.get("error") if isinstance(envelope, dict) else None
    return error if isinstance(error, str) else (json.dumps(error, ensure_ascii=False) if error else None)


def _text(payload: bytes) -> str:
    try:
        return bytes(payload).decode("utf-8")
    except UnicodeDecodeError:
        return repr(bytes(payload))


def list_dead_letters(db_path: Path, limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """(total, newest ``limit`` dead letters) of the embedded DLQ, for ``policywatch dlq list``."""
    letters = SqliteDeadLetters(db_path)
    try:
        return letters.count(), letters.list(limit)
    finally:
        letters.close()
