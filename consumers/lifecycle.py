"""Lifecycle of the articles indices: rollover behind the alias, and retention.

Rollover starts a new write index (next generation, same mapping version) when the
current one holds ELASTICSEARCH_ROLLOVER_MAX_DOCS documents or is
ELASTICSEARCH_ROLLOVER_MAX_AGE old; the older index stays behind the alias for
reads (the store deletes an article's old copy when it is re-indexed). Retention
deletes rolled-over indices whose newest document is older than
ELASTICSEARCH_RETENTION_DAYS. Neither needs ILM (absent from the test server), and
``policywatch consume`` runs both as housekeeping.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from policywatch.schema import utc_iso
from policywatch.store import es_layout
from policywatch.store.es_errors import mapped_errors

log = logging.getLogger(__name__)


def rollover(client, prefix: str, max_docs: int = 0, max_age: str = "") -> str | None:
    """Roll the alias over if a condition is met; the new index, or None."""
    conditions: dict[str, object] = {}
    if max_docs:
        conditions["max_docs"] = max_docs
    if max_age:
        conditions["max_age"] = max_age
    if not conditions:
        return None
    names = es_layout.ArticleIndexNames(prefix)
    with mapped_errors(f"rolling over {names.alias}"):
        response = client.indices.rollover(alias=names.alias, conditions=conditions)
        if not response["rolled_over"]:
            return None
        # Writes still in flight to the old index must be searchable for the store's
        # look-up of older copies.
        client.indices.refresh(index=response["old_index"])
    log.info("articles alias rolled over", extra={"old_index": response["old_index"],
                                                  "new_index": response["new_index"]})
    return response["new_index"]


def expired_indices(client, prefix: str, retention_days: int, now: datetime) -> list[str]:
    """Read-only indices behind the alias whose newest document is older than the
    retention period (none when retention_days is 0; the write index never)."""
    if retention_days <= 0:
        return []
    cutoff = utc_iso(now - timedelta(days=retention_days))
    expired = []
    for index, is_write in es_layout.alias_indices(client, es_layout.ArticleIndexNames(prefix)).items():
        if is_write:
            continue
        with mapped_errors(f"reading the newest document of {index}"):
            response = client.search(index=index, size=0, aggs={"newest": {"max": {"field": "indexed_at"}}})
        newest = response["aggregations"]["newest"].get("value_as_string")
        if newest is None or newest < cutoff:
            expired.append(index)
    return expired


def apply_retention(client, prefix: str, retention_days: int, now: datetime) -> list[str]:
    """Delete the expired indices; returns their names."""
    expired = expired_indices(client, prefix, retention_days, now)
    for index in expired:
        with mapped_errors(f"deleting expired index {index}"):
            client.indices.delete(index=index)
        log.info("expired articles index deleted", extra={"index": index, "retention_days": retention_days})
    return expired
