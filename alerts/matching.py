"""Matching articles to subscriptions, in pure Python, once per article.

The test Elasticsearch has no percolator and the embedded mode has no Elasticsearch,
so both run this one implementation. ``compile_index`` turns all subscriptions into an
inverted index: each subscription is filed under ONE of its required values (a region,
application, source, theme, doc type or language it insists on), or, when it has no
facet filter, under a term of its query. An article then only visits the
subscriptions filed under the values it carries and the terms it contains, so the cost
per article grows with the matching candidates, not with all subscriptions.
``match_documents`` is the pure entry point a benchmark can time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from alerts.subscriptions import Filters, Subscription
from policywatch.schema import utc_iso

# Facet filters in the order they are preferred as the index key: the most values
# first, so a subscription lands in the smallest posting list.
_FACETS = (("regions", "regions"), ("applications", "applications"), ("sources", "source"),
           ("themes", "themes"), ("doc_types", "doc_type"), ("langs", "lang"))
SNIPPET_CHARS = 200
# Article fields a match keeps, so a digest needs nothing but its matches.
SNAPSHOT_FIELDS = ("article_id", "title", "url", "source", "published", "indexed_at", "regions",
                   "themes", "applications", "doc_type", "relevance", "story_id", "lang")
_QUERY_TOKEN = re.compile(r'"([^"]+)"|(\S+)')


@dataclass(frozen=True)
class Match:
    subscription_id: str
    article_id: str
    matched_at: str
    indexed_at: str
    article: dict[str, Any] = field(compare=False)

    @property
    def match_id(self) -> str:
        return f"{self.subscription_id}:{self.article_id}"


def parse_query(query: str) -> tuple[tuple[str, ...], ...]:
    """Term groups of a free-text query: every group must match, any term of a group
    will do (``区块链|blockchain``); ``"digital currency"`` is one phrase. Lower-cased."""
    groups = []
    for phrase, word in _QUERY_TOKEN.findall(query):
        alternatives = [phrase] if phrase else word.split("|")
        terms = tuple(t.strip().lower() for t in alternatives if t.strip())
        if terms:
            groups.append(terms)
    return tuple(groups)


@lru_cache(maxsize=8192)
def term_pattern(term: str) -> re.Pattern:
    """ASCII words match whole words (``ai`` must not match ``said``); Chinese terms
    and mixed strings match as substrings, since Chinese has no spaces."""
    escaped = re.escape(term)
    if term.isascii() and re.fullmatch(r"[\w .-]+", term):
        return re.compile(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])", re.IGNORECASE)
    return re.compile(escaped, re.IGNORECASE)


class _Haystack:
    """An article's searchable text with a per-article cache of term look-ups, so a
    term shared by many subscriptions is searched once."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.text = f"{doc.get('title') or ''}\n{doc.get('text') or ''}"
        self._seen: dict[str, bool] = {}

    def has(self, term: str) -> bool:
        found = self._seen.get(term)
        if found is None:
            found = self._seen[term] = term_pattern(term).search(self.text) is not None
        return found


@dataclass(frozen=True)
class _Compiled:
    id: str
    facets: tuple[tuple[str, frozenset[str]], ...]  # (document field, accepted values)
    groups: tuple[tuple[str, ...], ...]
    exclude: tuple[str, ...]
    min_relevance: float


def _compile(sub: Subscription) -> tuple[_Compiled, tuple[str, tuple[str, ...]] | None]:
    f: Filters = sub.filters
    facets = tuple((doc_field, frozenset(getattr(f, name))) for name, doc_field in _FACETS if getattr(f, name))
    compiled = _Compiled(sub.id, facets, parse_query(f.query), tuple(t.lower() for t in f.exclude),
                         f.min_relevance)
    for name, doc_field in _FACETS:
        values = getattr(f, name)
        if values:
            return compiled, (doc_field, values)
    if compiled.groups:
        return compiled, ("", compiled.groups[0])
    return compiled, None


@dataclass
class _Part:
    by_value: dict[tuple[str, str], list[_Compiled]] = field(default_factory=dict)
    by_term: dict[str, list[_Compiled]] = field(default_factory=dict)
    unkeyed: list[_Compiled] = field(default_factory=list)

    def add(self, compiled: _Compiled, key: tuple[str, tuple[str, ...]] | None) -> None:
        if key is None:
            self.unkeyed.append(compiled)
        elif key[0]:
            for value in key[1]:
                self.by_value.setdefault((key[0], value), []).append(compiled)
        else:
            for term in key[1]:
                self.by_term.setdefault(term, []).append(compiled)

    def candidates(self, doc: dict[str, Any], hay: _Haystack) -> dict[str, _Compiled]:
        found = {c.id: c for c in self.unkeyed}
        for _, doc_field in _FACETS:
            value = doc.get(doc_field)
            for item in value if isinstance(value, list) else [value]:
                for compiled in self.by_value.get((doc_field, item), ()):
                    found[compiled.id] = compiled
        for term, subs in self.by_term.items():
            if hay.has(term):
                found.update((c.id, c) for c in subs)
        return found


@dataclass
class MatchIndex:
    """All active subscriptions, compiled. Subscriptions that want relevant articles
    only are kept apart, so an irrelevant article (most crawled pages) skips them."""

    relevant_only: _Part = field(default_factory=_Part)
    any_article: _Part = field(default_factory=_Part)
    size: int = 0


def compile_index(subscriptions: Iterable[Subscription]) -> MatchIndex:
    index = MatchIndex()
    for sub in subscriptions:
        if not sub.active:
            continue
        part = index.relevant_only if sub.filters.relevant_only else index.any_article
        part.add(*_compile(sub))
        index.size += 1
    return index


def _accepts(c: _Compiled, doc: dict[str, Any], hay: _Haystack) -> list[str] | None:
    """The matched query terms if the article passes every filter, else None."""
    if (doc.get("relevance") or 0.0) < c.min_relevance:
        return None
    for doc_field, accepted in c.facets:
        value = doc.get(doc_field)
        if not accepted.intersection(value if isinstance(value, list) else [value]):
            return None
    matched = []
    for group in c.groups:
        hits = [term for term in group if hay.has(term)]
        if not hits:
            return None
        matched.extend(hits)
    if any(hay.has(term) for term in c.exclude):
        return None
    return matched


def snippet(text: str, terms: Iterable[str], width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``text`` around the first matched term."""
    flat = " ".join(text.split())
    starts = [m.start() for t in terms if (m := term_pattern(t).search(flat))]
    begin = max(0, min(starts) - width // 4) if starts else 0
    piece = flat[begin:begin + width]
    return ("…" if begin else "") + piece + ("…" if begin + width < len(flat) else "")


def match_document(index: MatchIndex, doc: dict[str, Any], now: datetime) -> list[Match]:
    """Every subscription the article document matches, as Match records."""
    hay = _Haystack(doc)
    parts = [index.any_article, index.relevant_only] if doc.get("relevant") else [index.any_article]
    matches = []
    matched_at = utc_iso(now)
    for part in parts:
        for compiled in part.candidates(doc, hay).values():
            terms = _accepts(compiled, doc, hay)
            if terms is None:
                continue
            article = {name: doc.get(name) for name in SNAPSHOT_FIELDS}
            article["matched_terms"] = list(dict.fromkeys(terms))
            article["snippet"] = snippet(doc.get("text") or "", terms)
            matches.append(Match(compiled.id, doc["article_id"], matched_at, doc["indexed_at"], article))
    return matches


def candidates(index: MatchIndex, doc: dict[str, Any]) -> set[str]:
    """Ids of the subscriptions an article visits (the work the index leaves to do)."""
    hay = _Haystack(doc)
    parts = [index.any_article, index.relevant_only] if doc.get("relevant") else [index.any_article]
    return {sub_id for part in parts for sub_id in part.candidates(doc, hay)}


def match_documents(index: MatchIndex, docs: Iterable[dict[str, Any]], now: datetime) -> list[Match]:
    """Bench hook: match a batch of article documents against a compiled index."""
    return [match for doc in docs for match in match_document(index, doc, now)]
