"""What every article store answers, whichever backend holds the articles.

``ElasticsearchArticleStore`` (elasticsearch.py) serves the distributed deployment,
``SqliteArticleStore`` (sqlite.py) the embedded one. Both pass the same behavioural
suite (tests/integration/test_article_store_contract.py). Documents are the dicts built
by ``policywatch.schema.build_document``.

Errors: adapters raise ``policywatch.errors.TransientError`` for failures worth
retrying (server down, 429, timeout) and ``PermanentError`` otherwise.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ArticleQuery:
    """A search over stored articles. Empty filters match everything.

    ``text`` is a free-text query in Chinese and/or English: whitespace-separated
    terms, all of which must occur (Chinese terms as substrings/phrases).
    ``exclude`` terms must not occur. List filters match when the article carries any
    of the listed values. Time bounds are inclusive-exclusive ``[since, until)``.
    """

    text: str = ""
    exclude: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    applications: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    relevant: bool | None = None
    min_relevance: float = 0.0
    published_since: datetime | None = None
    published_until: datetime | None = None
    indexed_since: datetime | None = None
    indexed_until: datetime | None = None
    story_ids: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    sort: str = "relevance"  # "relevance" (score, then published) | "published" | "indexed"
    size: int = 50


@dataclass
class SearchResult:
    total: int
    hits: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class IndexFailure:
    """A document the store refused for good (it goes to the dead-letter topic)."""

    article_id: str
    reason: str


class ArticleStore(ABC):
    @abstractmethod
    def ensure_ready(self) -> None:
        """Create what the store needs (tables; templates, index and alias). Idempotent."""

    @abstractmethod
    def index(self, docs: list[dict[str, Any]]) -> list[IndexFailure]:
        """Upsert documents by ``article_id`` (re-indexing one replaces it, never
        duplicates it). Returns the documents refused for good; raises TransientError
        when the whole batch should be retried."""

    @abstractmethod
    def get(self, article_id: str) -> dict[str, Any] | None:
        """One document by id, or None."""

    @abstractmethod
    def search(self, query: ArticleQuery) -> SearchResult:
        """Documents matching ``query``, best first as ``query.sort`` says."""

    @abstractmethod
    def stats(self, since: datetime | None, until: datetime | None) -> dict[str, Any]:
        """Counts for documents indexed in [since, until):
        ``{"total": n, "relevant": n, "by_region": {..}, "by_theme": {..},
        "by_application": {..}, "by_doc_type": {..}, "by_source": {..},
        "by_day": {"YYYY-MM-DD": n}}``; the ``by_*`` counts are over relevant documents
        except ``by_source`` and ``by_day``, which count all."""

    @abstractmethod
    def story_candidates(self, bands: list[str], limit: int = 20) -> list[dict[str, Any]]:
        """Stored documents sharing at least one SimHash band key with ``bands``:
        dicts with ``article_id``, ``story_id``, ``story_fingerprint``, ``source``."""

    @abstractmethod
    def scan(self, after_id: str | None = None, batch_size: int = 500) -> Iterator[list[dict[str, Any]]]:
        """Every document in ``article_id`` order, in batches, starting after
        ``after_id`` (so a re-classification can resume where it stopped)."""

    @abstractmethod
    def refresh(self) -> None:
        """Make everything indexed so far visible to search (a no-op where it already is)."""

    def close(self) -> None:
        """Release connections."""
