"""Pure translations between the store interface and Elasticsearch request bodies.

``search_body`` turns an ``ArticleQuery`` into a search request, ``stats_body`` /
``stats_from_response`` do the same for ``ArticleStore.stats``. No I/O here: the
adapter (elasticsearch.py) sends what these return.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from policywatch.schema import utc_iso
from policywatch.store.base import ArticleQuery
from policywatch.store.sqlite import query_terms

TEXT_FIELDS = ("title", "text")

# Sort orders, matching the SQLite adapter's (undated articles last, id breaks ties).
SORTS: dict[str, list[dict[str, Any]]] = {
    "relevance": [{"relevance": {"order": "desc"}},
                  {"published": {"order": "desc", "missing": "_last"}},
                  {"article_id": {"order": "asc"}}],
    "published": [{"published": {"order": "desc", "missing": "_last"}},
                  {"article_id": {"order": "asc"}}],
    "indexed": [{"indexed_at": {"order": "desc"}}, {"article_id": {"order": "asc"}}],
}

# Keyword list filters: query attribute -> document field.
_TERMS_FILTERS = (("regions", "regions"), ("themes", "themes"), ("applications", "applications"),
                  ("doc_types", "doc_type"), ("sources", "source"), ("langs", "lang"),
                  ("story_ids", "story_id"), ("article_ids", "article_id"))


def term_clause(term: str) -> dict[str, Any]:
    """True when ``term`` occurs in the title or text. A phrase query, so a Chinese
    term (analysed into characters or bigrams) must occur as written, in order."""
    return {"multi_match": {"query": term, "type": "phrase", "fields": list(TEXT_FIELDS)}}


def _range(field: str, since: datetime | None, until: datetime | None) -> dict[str, Any] | None:
    bounds = {}
    if since is not None:
        bounds["gte"] = utc_iso(since)
    if until is not None:
        bounds["lt"] = utc_iso(until)
    return {"range": {field: bounds}} if bounds else None


def query_clause(query: ArticleQuery) -> dict[str, Any]:
    """The bool query selecting what ``query`` asks for (everything when empty)."""
    filters: list[dict[str, Any]] = [term_clause(t) for t in query_terms(query.text)]
    for attribute, field in _TERMS_FILTERS:
        values = getattr(query, attribute)
        if values:
            filters.append({"terms": {field: list(values)}})
    if query.relevant is not None:
        filters.append({"term": {"relevant": query.relevant}})
    if query.min_relevance:
        filters.append({"range": {"relevance": {"gte": query.min_relevance}}})
    for field, since, until in (("published", query.published_since, query.published_until),
                                ("indexed_at", query.indexed_since, query.indexed_until)):
        bounds = _range(field, since, until)
        if bounds:
            filters.append(bounds)
    excluded = [term_clause(t) for t in query_terms(" ".join(query.exclude))]
    return {"bool": {"filter": filters, "must_not": excluded}}


def search_body(query: ArticleQuery) -> dict[str, Any]:
    if query.sort not in SORTS:
        raise ValueError(f"unknown sort {query.sort!r}; use one of {sorted(SORTS)}")
    return {"query": query_clause(query), "sort": SORTS[query.sort], "size": max(0, query.size),
            "track_total_hits": True}


# stats(): result key -> (document field, count only relevant documents).
_STATS_TERMS = {"by_region": ("regions", True), "by_theme": ("themes", True),
                "by_application": ("applications", True), "by_doc_type": ("doc_type", True),
                "by_source": ("source", False)}
_BUCKETS = 1000  # more distinct values than the taxonomy or the sources registry hold


def stats_body(since: datetime | None, until: datetime | None) -> dict[str, Any]:
    relevant_aggs = {name: {"terms": {"field": field, "size": _BUCKETS}}
                     for name, (field, only_relevant) in _STATS_TERMS.items() if only_relevant}
    aggs: dict[str, Any] = {
        "relevant": {"filter": {"term": {"relevant": True}}, "aggs": relevant_aggs},
        "by_day": {"date_histogram": {"field": "indexed_at", "calendar_interval": "day",
                                      "format": "yyyy-MM-dd", "min_doc_count": 1}},
    }
    aggs.update({name: {"terms": {"field": field, "size": _BUCKETS}}
                 for name, (field, only_relevant) in _STATS_TERMS.items() if not only_relevant})
    return {"query": query_clause(ArticleQuery(indexed_since=since, indexed_until=until)),
            "size": 0, "track_total_hits": True, "aggs": aggs}


def _buckets(agg: dict[str, Any], key: str = "key") -> dict[str, int]:
    return {bucket[key]: bucket["doc_count"] for bucket in agg["buckets"]}


def stats_from_response(response: dict[str, Any]) -> dict[str, Any]:
    aggs = response["aggregations"]
    relevant = aggs["relevant"]
    result: dict[str, Any] = {"total": response["hits"]["total"]["value"], "relevant": relevant["doc_count"]}
    for name, (_, only_relevant) in _STATS_TERMS.items():
        result[name] = _buckets(relevant[name] if only_relevant else aggs[name])
    result["by_day"] = _buckets(aggs["by_day"], key="key_as_string")
    return result
