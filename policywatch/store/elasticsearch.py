"""``ArticleStore`` on Elasticsearch: the alias ``<prefix>-articles`` over versioned indices.

Writes are bulk requests to the alias (``require_alias``, so a missing alias is an
error to retry, never an auto-created index with guessed mappings), ``_id`` =
article id, so re-delivery replaces. After a rollover the alias spans several
indices and only the newest takes writes: a document re-indexed later would then
exist twice, so ``index`` first deletes older copies of the batch's ids from the
read-only indices, in the same bulk request. Reads (``get`` by realtime mget, search,
stats, scan) go through the alias and see every index behind it.

Library errors become ``TransientError`` / ``PermanentError`` here (es_errors.py).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import settings
from policywatch.errors import PermanentError, TransientError
from policywatch.store import es_layout, es_query
from policywatch.store.base import ArticleQuery, ArticleStore, IndexFailure, SearchResult
from policywatch.store.es_errors import is_transient, mapped_errors

log = logging.getLogger(__name__)

# story_candidates() answers these (story_bands too, so the indexer can match a batch's
# articles to candidates found by one lookup for the whole batch).
_STORY_FIELDS = ["article_id", "story_id", "story_fingerprint", "source", "story_bands"]


def default_index_options() -> es_layout.IndexOptions:
    return es_layout.IndexOptions(refresh_interval=settings.ELASTICSEARCH_REFRESH_INTERVAL,
                                  replicas=settings.ELASTICSEARCH_REPLICAS)


class ElasticsearchArticleStore(ArticleStore):
    def __init__(self, client, prefix: str, options: es_layout.IndexOptions | None = None,
                 template_dir: Path = es_layout.TEMPLATE_DIR) -> None:
        self.client = client
        self.names = es_layout.ArticleIndexNames(prefix)
        self.options = options or default_index_options()
        self.template_dir = template_dir

    @property
    def alias(self) -> str:
        return self.names.alias

    def ensure_ready(self) -> None:
        es_layout.ensure_articles(self.client, self.names.prefix, self.options, self.template_dir)

    # --- writes -------------------------------------------------------------------------
    def index(self, docs: list[dict[str, Any]]) -> list[IndexFailure]:
        failures: list[IndexFailure] = []
        lines: list[bytes] = []
        ids: list[str] = []
        for doc in docs:
            article_id = doc.get("article_id")
            if not isinstance(article_id, str) or not article_id:
                failures.append(IndexFailure(str(article_id or "?"), "document has no article_id"))
                continue
            try:
                source = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
            except (TypeError, ValueError) as exc:
                failures.append(IndexFailure(article_id, f"document is not JSON-serialisable: {exc}"))
                continue
            lines.append(_action("index", self.alias, article_id))
            lines.append(source.encode("utf-8"))
            ids.append(article_id)
        if not ids:
            return failures
        lines = self._stale_copy_deletes(ids) + lines
        with mapped_errors(f"bulk indexing {len(ids)} documents into {self.alias}"):
            response = self.client.bulk(operations=b"\n".join(lines) + b"\n", require_alias=True)
        return failures + _item_failures(response["items"], self.alias)

    def _stale_copy_deletes(self, ids: list[str]) -> list[bytes]:
        """Delete actions for copies of ``ids`` in the alias's read-only indices."""
        indices = es_layout.alias_indices(self.client, self.names)
        if not indices:
            raise TransientError(f"alias {self.alias} does not exist yet: run `policywatch bootstrap`")
        read_only = [index for index, is_write in indices.items() if not is_write]
        if not read_only:
            return []
        with mapped_errors(f"looking up older copies in {read_only}"):
            response = self.client.mget(docs=[{"_index": index, "_id": i} for index in read_only for i in ids],
                                        source=False)
        return [_action("delete", doc["_index"], doc["_id"]) for doc in response["docs"] if doc.get("found")]

    # --- reads --------------------------------------------------------------------------
    def get(self, article_id: str) -> dict[str, Any] | None:
        indices = sorted(es_layout.alias_indices(self.client, self.names).items(), key=lambda kv: not kv[1])
        if not indices:
            return None
        with mapped_errors(f"getting article {article_id}"):
            response = self.client.mget(docs=[{"_index": index, "_id": article_id} for index, _ in indices])
        for doc in response["docs"]:
            if doc.get("found"):
                return doc["_source"]
        return None

    def search(self, query: ArticleQuery) -> SearchResult:
        try:
            body = es_query.search_body(query)
        except ValueError as exc:
            raise PermanentError(str(exc)) from None
        with mapped_errors(f"searching {self.alias}"):
            response = self.client.search(index=self.alias, **body)
        hits = response["hits"]
        return SearchResult(total=hits["total"]["value"], hits=[hit["_source"] for hit in hits["hits"]])

    def count(self) -> int:
        """How many documents the alias holds (after the last refresh)."""
        with mapped_errors(f"counting {self.alias}"):
            return self.client.count(index=self.alias)["count"]

    def stats(self, since: datetime | None, until: datetime | None) -> dict[str, Any]:
        with mapped_errors(f"computing stats over {self.alias}"):
            response = self.client.search(index=self.alias, **es_query.stats_body(since, until))
        return es_query.stats_from_response(response)

    def story_candidates(self, bands: list[str], limit: int = 20) -> list[dict[str, Any]]:
        if not bands:
            return []
        with mapped_errors(f"looking up story candidates in {self.alias}"):
            response = self.client.search(
                index=self.alias, query={"terms": {"story_bands": list(bands)}}, size=limit,
                source=_STORY_FIELDS, sort=es_query.SORTS["indexed"])
        return [{name: hit["_source"].get(name) for name in _STORY_FIELDS} for hit in response["hits"]["hits"]]

    def scan(self, after_id: str | None = None, batch_size: int = 500) -> Iterator[list[dict[str, Any]]]:
        cursor = after_id
        while True:
            extra = {"search_after": [cursor]} if cursor is not None else {}
            with mapped_errors(f"scanning {self.alias}"):
                response = self.client.search(index=self.alias, query={"match_all": {}}, size=batch_size,
                                              sort=[{"article_id": {"order": "asc"}}], **extra)
            batch = [hit["_source"] for hit in response["hits"]["hits"]]
            if not batch:
                return
            yield batch
            cursor = batch[-1]["article_id"]

    def refresh(self) -> None:
        with mapped_errors(f"refreshing {self.alias}"):
            self.client.indices.refresh(index=self.alias)

    def close(self) -> None:
        """Nothing to release: the client belongs to whoever made it (and may be shared)."""


def _action(kind: str, index: str, doc_id: str) -> bytes:
    return json.dumps({kind: {"_index": index, "_id": doc_id}}).encode("utf-8")


def _item_failures(items: list[dict[str, Any]], alias: str) -> list[IndexFailure]:
    """Permanent refusals of a bulk response; raises TransientError when any item
    failed in a way a retry of the whole batch can fix (re-indexing is idempotent)."""
    failures: list[IndexFailure] = []
    transient: list[str] = []
    for item in items:
        kind, result = next(iter(item.items()))
        error = result.get("error")
        if not error or (kind == "delete" and result.get("status") == 404):
            continue
        error_kind = error.get("type") if isinstance(error, dict) else None
        reason = f"{error_kind}: {error.get('reason') if isinstance(error, dict) else error}"
        if is_transient(result.get("status"), error_kind):
            transient.append(reason)
        else:
            failures.append(IndexFailure(result.get("_id", "?"), reason))
    if transient:
        raise TransientError(f"{len(transient)} of {len(items)} bulk items into {alias} failed "
                             f"transiently (first: {transient[0]})")
    for failure in failures:
        log.warning("document refused by Elasticsearch",
                    extra={"article_id": failure.article_id, "reason": failure.reason})
    return failures
