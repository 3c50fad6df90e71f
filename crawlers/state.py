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
from operator import attrgetter
from pathlib import Path
from typing import Any

from policywatch.errors import TransientError
from policywatch.urls import id_of_canonical


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
    """Articles are looked up and remembered in batches: the crawl's delivery thread
    handles every article queued since its last round at once."""

    @abstractmethod
    def get_many(self, canonical_urls: list[str]) -> dict[str, SeenArticle]:
        """What was last delivered for each of these URLs that is known, by URL."""

    @abstractmethod
    def mark_seen_many(self, articles: list[SeenArticle]) -> None:
        """Remember delivered articles (replacing what was known about their URLs; the
        last one wins when a URL repeats)."""

    def get(self, canonical_url: str) -> SeenArticle | None:
        """What was last delivered for this URL, or None."""
        return self.get_many([canonical_url]).get(canonical_url)

    def mark_seen(self, article: SeenArticle) -> None:
        """Remember a delivered article (replacing what was known about its URL)."""
        self.mark_seen_many([article])

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


_SEEN_FIELDS = tuple(SeenArticle.__dataclass_fields__)
_SEEN_COLUMNS = ", ".join(_SEEN_FIELDS)
_seen_row = attrgetter(*_SEEN_FIELDS)
_SQL_BATCH = 500  # URLs per IN (...) query, well below SQLite's limit on parameters


class SqliteCrawlState(CrawlState):
    def __init__(self, path: Path) -> None:
        from policywatch.store.sqlite_db import connect

        # Articles are marked seen from the pipeline's delivery thread while the reactor
        # reads (conditional requests): one connection, so one statement or transaction at a time.
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

    def get_many(self, canonical_urls: list[str]) -> dict[str, SeenArticle]:
        found: dict[str, SeenArticle] = {}
        with self._lock:
            for start in range(0, len(canonical_urls), _SQL_BATCH):
                chunk = canonical_urls[start:start + _SQL_BATCH]
                rows = self._db.execute(f"SELECT {_SEEN_COLUMNS} FROM crawl_articles WHERE canonical_url IN "
                                        f"({', '.join('?' * len(chunk))})", chunk).fetchall()
                found.update((row[0], SeenArticle(*row)) for row in rows)
        return found

    def mark_seen_many(self, articles: list[SeenArticle]) -> None:
        rows = [_seen_row(article) for article in articles]
        with self._lock:
            # One transaction for the batch: a commit per article costs more than the insert.
            self._db.execute("BEGIN")
            try:
                self._db.executemany(f"INSERT OR REPLACE INTO crawl_articles ({_SEEN_COLUMNS}) "
                                     f"VALUES ({', '.join('?' * len(_SEEN_FIELDS))})", rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def record_run(self, report: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT INTO crawl_runs (source, finished_at, report) VALUES (?, ?, ?)",
                             (report["source"], report["finished_at"], json.dumps(report, ensure_ascii=False)))

    def recent_runs(self, source: str, limit: int) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT report FROM crawl_runs WHERE source = ? ORDER BY finished_at DESC, id DESC LIMIT ?",
                (source, limit)).fetchall()
        return [json.loads(row["report"]) for row in rows]

    def count_seen(self, source: str) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM crawl_articles WHERE source = ?",
                                    (source,)).fetchone()[0]

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
        return f"article:{id_of_canonical(canonical_url)}"

    def get_many(self, canonical_urls: list[str]) -> dict[str, SeenArticle]:
        if not canonical_urls:
            return {}
        ids = [self._article_doc_id(url) for url in dict.fromkeys(canonical_urls)]
        found = self._es.mget(index=self._index, ids=ids)
        articles = (SeenArticle(**{k: doc["_source"].get(k) for k in _SEEN_FIELDS})
                    for doc in found["docs"] if doc.get("found"))
        return {article.canonical_url: article for article in articles}

    def mark_seen_many(self, articles: list[SeenArticle]) -> None:
        if not articles:
            return
        operations: list[dict[str, Any]] = []
        for article in articles:
            operations += [{"index": {"_index": self._index, "_id": self._article_doc_id(article.canonical_url)}},
                           {"type": "article", **asdict(article)}]
        result = self._es.bulk(operations=operations)
        if result.get("errors"):
            failed = [item["index"] for item in result["items"] if item["index"].get("error")]
            raise TransientError(f"{len(failed)} of {len(articles)} articles not remembered in {self._index} "
                                 f"(first: {failed[0].get('error')})")

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
