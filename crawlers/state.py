"""Incremental crawl state: which articles were delivered, as what, and each run's health.

An article is remembered by canonical URL with its content hash, ETag and
Last-Modified, and only AFTER its publish succeeded, so an undelivered article is
fetched and published again next run. Listing pages are never remembered: they are
re-read on every run.

Two adapters behind ``CrawlState``: SQLite (the embedded database, tables ``crawl_*``)
and Elasticsearch (index ``<prefix>-crawlstate``, shared by every crawler process in
production). One behavioural test runs against both.
"""

from __future__ import annotations

import json
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from policywatch.errors import TransientError
from policywatch.urls import article_id


@dataclass(frozen=True)
class SeenArticle:
    canonical_url: str
    article_id: str
    source: str
    content_hash: str
    seen_at: str
    etag: str | None = None
    last_modified: str | None = None


class CrawlState(ABC):
    @abstractmethod
    def get(self, canonical_url: str) -> SeenArticle | None:
        """What was last delivered for this URL, or None."""

    @abstractmethod
    def mark_seen(self, article: SeenArticle) -> None:
        """Remember a delivered article (replacing what was known about its URL)."""

    @abstractmethod
    def record_run(self, report: dict[str, Any]) -> None:
        """Store one run's health report (see crawlers.health.run_report)."""

    @abstractmethod
    def recent_runs(self, source: str, limit: int) -> list[dict[str, Any]]:
        """The latest ``limit`` run reports of a source, newest first."""

    @abstractmethod
    def count_seen(self, source: str) -> int:
        """How many articles of the source are remembered."""

    def close(self) -> None:
        """Release connections."""


class SqliteCrawlState(CrawlState):
    def __init__(self, path: Path) -> None:
        from policywatch.store.sqlite_db import connect

        # Articles are marked seen from the pipeline's delivery threads.
        self._lock = threading.Lock()
        self._db = connect(path)
        self._db.executescript("""
            CREATE TABLE IF NOT EXISTS crawl_articles (
                canonical_url TEXT PRIMARY KEY, article_id TEXT NOT NULL, source TEXT NOT NULL,
                content_hash TEXT NOT NULL, etag TEXT, last_modified TEXT, seen_at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS crawl_articles_source ON crawl_articles (source);
            CREATE TABLE IF NOT EXISTS crawl_runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL,
                finished_at TEXT NOT NULL, report TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS crawl_runs_source ON crawl_runs (source, finished_at);
        """)

    def get(self, canonical_url: str) -> SeenArticle | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM crawl_articles WHERE canonical_url = ?",
                                   (canonical_url,)).fetchone()
        return SeenArticle(**dict(row)) if row else None

    def mark_seen(self, article: SeenArticle) -> None:
        values = asdict(article)
        with self._lock:
            self._db.execute(
                f"INSERT OR REPLACE INTO crawl_articles ({', '.join(values)}) "
                f"VALUES ({', '.join('?' for _ in values)})", tuple(values.values()))

    def record_run(self, report: dict[str, Any]) -> None:
        self._db.execute("INSERT INTO crawl_runs (source, finished_at, report) VALUES (?, ?, ?)",
                         (report["source"], report["finished_at"], json.dumps(report, ensure_ascii=False)))

    def recent_runs(self, source: str, limit: int) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT report FROM crawl_runs WHERE source = ? ORDER BY finished_at DESC, id DESC LIMIT ?",
            (source, limit)).fetchall()
        return [json.loads(row["report"]) for row in rows]

    def count_seen(self, source: str) -> int:
        return self._db.execute("SELECT COUNT(*) FROM crawl_articles WHERE source = ?", (source,)).fetchone()[0]

    def close(self) -> None:
        self._db.close()


_ES_MAPPINGS = {
    "dynamic": False,
    "properties": {
        "type": {"type": "keyword"}, "canonical_url": {"type": "keyword"},
        "article_id": {"type": "keyword"}, "source": {"type": "keyword"},
        "content_hash": {"type": "keyword"}, "seen_at": {"type": "date"},
        "finished_at": {"type": "date"}, "seq": {"type": "long"},
    },
}


class ElasticsearchCrawlState(CrawlState):
    """Documents ``article:<article id of the canonical URL>`` and run reports in one index;
    the article's fields and the full run report are kept in ``_source``."""

    def __init__(self, client, index: str) -> None:
        self._es = client
        self._index = index
        try:
            if not self._es.indices.exists(index=index):
                self._es.options(ignore_status=400).indices.create(index=index, mappings=_ES_MAPPINGS)
        except Exception as exc:  # elasticsearch transport errors: the state is unusable now
            raise TransientError(f"crawl state index {index} not available: {exc}") from exc

    @staticmethod
    def _article_doc_id(canonical_url: str) -> str:
        return f"article:{article_id(canonical_url)}"

    def get(self, canonical_url: str) -> SeenArticle | None:
        found = self._es.options(ignore_status=404).get(index=self._index, id=self._article_doc_id(canonical_url))
        if not found.get("found"):
            return None
        doc = found["_source"]
        return SeenArticle(**{k: doc.get(k) for k in SeenArticle.__dataclass_fields__})

    def mark_seen(self, article: SeenArticle) -> None:
        self._es.index(index=self._index, id=self._article_doc_id(article.canonical_url),
                       document={"type": "article", **asdict(article)})

    def record_run(self, report: dict[str, Any]) -> None:
        # seq orders runs that finished within the same second.
        self._es.index(index=self._index, document={
            "type": "run", "source": report["source"], "finished_at": report["finished_at"],
            "seq": time.time_ns(), "report": report}, refresh="wait_for")

    def recent_runs(self, source: str, limit: int) -> list[dict[str, Any]]:
        found = self._es.search(index=self._index, size=limit, sort=[{"finished_at": "desc"}, {"seq": "desc"}],
                                query={"bool": {"filter": [{"term": {"type": "run"}},
                                                           {"term": {"source": source}}]}})
        return [hit["_source"]["report"] for hit in found["hits"]["hits"]]

    def count_seen(self, source: str) -> int:
        self._es.indices.refresh(index=self._index)
        return self._es.count(index=self._index, query={"bool": {"filter": [
            {"term": {"type": "article"}}, {"term": {"source": source}}]}})["count"]
