"""``policywatch stats``: parse the period, render ``ArticleStore.stats`` for people or
as JSON. The counting itself is the store's (Elasticsearch aggregations or SQLite)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from policywatch.errors import UserError

_SPAN = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# The facets of ArticleStore.stats, in the order they are printed, with their headings.
_FACETS = (("by_region", "regions (relevant)"), ("by_theme", "themes (relevant)"),
           ("by_application", "applications (relevant)"), ("by_doc_type", "document types (relevant)"),
           ("by_source", "sources (all)"))


def parse_since(text: str, now: datetime) -> datetime:
    """``7d``, ``24h``, ``90m``, ``2w`` back from ``now``, or an ISO date/time (UTC unless
    it names a zone)."""
    text = text.strip()
    match = _SPAN.match(text)
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"--since {text!r}: use a span like 7d, 24h, 2w or a date like 2024-05-01") from None
    if len(text) == 10:  # a bare date means its midnight
        moment = datetime.combine(date.fromisoformat(text), time())
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def to_json(stats: dict[str, Any], since: datetime, until: datetime) -> str:
    return json.dumps({"since": since.isoformat(), "until": until.isoformat(), **stats},
                      ensure_ascii=False, indent=2, sort_keys=True)


def render(stats: dict[str, Any], since: datetime, until: datetime, top: int = 15) -> str:
    """A plain-text report: totals, each facet's top counts, and articles per day."""
    lines = [f"articles indexed {since:%Y-%m-%d %H:%M} .. {until:%Y-%m-%d %H:%M} UTC: "
             f"{stats.get('total', 0)} ({stats.get('relevant', 0)} relevant)"]
    for key, heading in _FACETS:
        counts = stats.get(key) or {}
        lines.append(f"\n{heading}:")
        if not counts:
            lines.append("  (none)")
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        lines += [f"  {count:>7}  {name}" for name, count in ranked[:top]]
        if len(ranked) > top:
            lines.append(f"  ... and {len(ranked) - top} more (use --json for all)")
    lines.append("\nper day (all):")
    days = stats.get("by_day") or {}
    lines += [f"  {day}  {count:>7}" for day, count in sorted(days.items())] or ["  (none)"]
    return "\n".join(lines)
