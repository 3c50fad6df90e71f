"""Building a digest from matched articles: pure values in, a Digest value out.

``build_digest`` collapses copies of one story (same ``story_id``) into one item that
names the other outlets, ranks items by relevance then recency, groups them by region
or theme as the subscriber chose, and writes the subject and the header summary in the
subscriber's language. Rendering (render.py) only lays the value out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from alerts import strings
from alerts.matching import term_pattern
from alerts.subscriptions import Subscription

SUBJECT_PLACES = 3  # group names listed in a subject before "…"


@dataclass(frozen=True)
class Window:
    """Articles indexed in ``[start, end)`` (aware datetimes)."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Item:
    article_id: str
    title: str
    url: str  # empty when the stored URL is not http(s): never link anything else
    source: str
    date: str  # YYYY-MM-DD in the subscriber's time zone, or ""
    regions: tuple[str, ...]
    themes: tuple[str, ...]
    snippet: tuple[tuple[str, bool], ...]  # (text, is a matched term)
    also_in: tuple[tuple[str, str], ...]  # (source, url) of the other copies
    relevance: float
    indexed_at: str


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Digest:
    subscription_id: str
    language: str
    recipient_name: str
    subject: str
    summary: str
    schedule: str
    groups: tuple[Group, ...]
    total: int  # items after collapsing copies, listed or not
    not_listed: int

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def _local_date(iso: str | None, tz: ZoneInfo) -> str:
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(tz).date().isoformat()


def highlight(snippet: str, terms: list[str]) -> tuple[tuple[str, bool], ...]:
    """Split ``snippet`` into (text, matched) pieces; the renderer escapes each piece."""
    if not terms:
        return ((snippet, False),) if snippet else ()
    combined = re.compile("|".join(f"(?:{term_pattern(t).pattern})" for t in sorted(terms, key=len, reverse=True)),
                          re.IGNORECASE)
    pieces, last = [], 0
    for found in combined.finditer(snippet):
        if found.start() > last:
            pieces.append((snippet[last:found.start()], False))
        pieces.append((found.group(0), True))
        last = found.end()
    if last < len(snippet):
        pieces.append((snippet[last:], False))
    return tuple(pieces)


def _safe_url(url: Any) -> str:
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else ""


def _collapse(docs: list[dict[str, Any]], tz: ZoneInfo) -> list[Item]:
    """One item per story: the best copy (relevance, then earliest indexed) and the
    other outlets that carried it."""
    stories: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        stories.setdefault(doc.get("story_id") or doc["article_id"], []).append(doc)
    items = []
    for copies in stories.values():
        copies.sort(key=lambda d: (-(d.get("relevance") or 0.0), d.get("indexed_at") or "", d["article_id"]))
        best = copies[0]
        others: dict[str, str] = {}
        for copy in copies[1:]:
            if copy.get("source") != best.get("source"):
                others.setdefault(copy.get("source") or "", _safe_url(copy.get("url")))
        items.append(Item(
            article_id=best["article_id"],
            title=" ".join((best.get("title") or "").split()),
            url=_safe_url(best.get("url")),
            source=best.get("source") or "",
            date=_local_date(best.get("published") or best.get("indexed_at"), tz),
            regions=tuple(best.get("regions") or ()),
            themes=tuple(best.get("themes") or ()),
            snippet=highlight(best.get("snippet") or "", best.get("matched_terms") or []),
            also_in=tuple(sorted(others.items())),
            relevance=float(best.get("relevance") or 0.0),
            indexed_at=best.get("indexed_at") or "",
        ))
    return items


def _rank(items: list[Item]) -> list[Item]:
    """Relevance first (in steps of 0.1, so tiny score differences do not bury news),
    then the newest first (stable sorts, applied from the last key to the first)."""
    items = sorted(items, key=lambda i: i.article_id)
    items.sort(key=lambda i: (i.date, i.indexed_at), reverse=True)
    items.sort(key=lambda i: -round(i.relevance, 1))
    return items


def _group_key(item: Item, sub: Subscription) -> str:
    if sub.grouping == "theme":
        preferred, values = sub.filters.themes, item.themes
    else:
        preferred, values = sub.filters.regions, item.regions
    for value in values:
        if not preferred or value in preferred:
            return value
    return ""


def _filters_summary(sub: Subscription) -> str:
    lang, f = sub.language, sub.filters
    sep = strings.text(lang, "list_separator")
    parts = []
    for name in ("regions", "themes", "applications", "doc_types"):
        values = getattr(f, name)
        if values:
            parts.append(f"{strings.text(lang, 'filter_' + name)} {sep.join(strings.label(lang, v) for v in values)}")
    for name in ("sources", "langs", "exclude"):
        values = getattr(f, name)
        if values:
            parts.append(f"{strings.text(lang, 'filter_' + name)} {sep.join(values)}")
    if f.query:
        parts.append(f"{strings.text(lang, 'filter_query')} {f.query}")
    if f.min_relevance:
        parts.append(f"{strings.text(lang, 'filter_min_relevance')} {f.min_relevance:g}")
    return "; ".join(parts) or strings.text(lang, "all_articles")


def build_digest(subscription: Subscription, matched_docs: list[dict[str, Any]], window: Window,
                 now: datetime, max_items: int = 50) -> Digest:
    """The digest of ``matched_docs`` (match snapshots, see alerts.matching) for one window."""
    lang = subscription.language
    tz = ZoneInfo(subscription.schedule.timezone)
    items = _rank(_collapse(matched_docs, tz))
    listed = items[:max_items]
    groups: dict[str, list[Item]] = {}
    for item in listed:
        groups.setdefault(_group_key(item, subscription), []).append(item)
    # Groups in the order of their best item; "Other" (no matching label) last.
    ordered = sorted(groups.items(), key=lambda kv: kv[0] == "")
    built = tuple(Group(key, strings.label(lang, key) if key else strings.text(lang, "other_group"), tuple(members))
                  for key, members in ordered)
    sep = strings.text(lang, "list_separator")
    places = sep.join(g.label for g in built[:SUBJECT_PLACES]) + ("…" if len(built) > SUBJECT_PLACES else "")
    date = now.astimezone(tz).date().isoformat()
    n = len(items)
    variant = "" if n > 1 else ("_one" if n == 1 else "_none")
    span = {"start": window.start.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            "end": window.end.astimezone(tz).strftime("%Y-%m-%d %H:%M")}
    return Digest(
        subscription_id=subscription.id,
        language=lang,
        recipient_name=subscription.name,
        subject=strings.text(lang, "subject" + variant, n=n, places=places, date=date),
        summary=strings.text(lang, "summary" + variant, n=n, filters=_filters_summary(subscription), **span),
        schedule=subscription.schedule.describe(),
        groups=built,
        total=n,
        not_listed=n - len(listed),
    )
