"""Subscriptions: who wants which articles, when, in which language.

A subscription is data (YAML, the CLI, the stores), validated once here. Every refusal
is a ``SubscriptionError`` naming the field (and, for files, the file and the entry),
so a bad subscription never reaches the matcher or the scheduler.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from apscheduler.triggers.cron import CronTrigger

from policywatch.schema import LANGS, utc_iso
from policywatch.taxonomy import APPLICATIONS, DOC_TYPES, REGIONS, THEMES

DIGEST_LANGUAGES = ("zh", "en")
GROUPINGS = ("region", "theme")
SCHEDULE_KINDS = ("daily", "weekly", "cron", "immediate")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# Deliberately plain: one @, no spaces or control characters, a dotted domain. The SMTP
# server has the last word; this only keeps typos and header tricks out.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class SubscriptionError(ValueError):
    """A subscription that cannot be accepted; the message names the field."""


@dataclass(frozen=True)
class Filters:
    """What a subscriber follows. Empty lists match everything; list filters match when
    the article carries any listed value. ``query``: whitespace-separated terms that
    must all occur (``a|b`` = either, ``"two words"`` = a phrase), Chinese or English."""

    regions: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    applications: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    min_relevance: float = 0.0
    relevant_only: bool = True
    query: str = ""
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Schedule:
    kind: str  # one of SCHEDULE_KINDS
    at: str = ""  # HH:MM for daily and weekly
    day: str = ""  # mon..sun for weekly
    cron: str = ""  # five-field crontab expression for cron
    timezone: str = "Asia/Shanghai"

    def describe(self) -> str:
        if self.kind == "immediate":
            return "immediate"
        if self.kind == "daily":
            return f"daily {self.at} {self.timezone}"
        if self.kind == "weekly":
            return f"weekly {self.day} {self.at} {self.timezone}"
        return f"cron '{self.cron}' {self.timezone}"


@dataclass(frozen=True)
class Subscription:
    id: str
    email: str
    name: str
    schedule: Schedule
    filters: Filters = field(default_factory=Filters)
    language: str = "en"
    grouping: str = "region"
    send_empty: bool = False
    active: bool = True
    created_at: str = ""  # UTC ISO; also the start of the first digest window
    updated_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("regions", "themes", "applications", "doc_types", "sources", "langs", "exclude"):
            data["filters"][name] = list(data["filters"][name])
        return data

    def stamped(self, now: datetime) -> Subscription:
        """This subscription as saved at ``now`` (created_at kept if already set)."""
        stamp = utc_iso(now)
        return replace(self, created_at=self.created_at or stamp, updated_at=stamp)


def _fail(where: str, name: str, problem: str) -> SubscriptionError:
    return SubscriptionError(f"{where}field '{name}': {problem}")


def _text(data: dict, name: str, where: str, default: str | None = None, limit: int = 200,
          prefix: str = "") -> str:
    value = data.get(name, default)
    if value is None:
        raise _fail(where, prefix + name, "is required")
    if not isinstance(value, str):
        raise _fail(where, prefix + name, f"must be a string, got {type(value).__name__}")
    if _CONTROL.search(value):
        raise _fail(where, prefix + name, "must not contain line breaks or control characters")
    if len(value) > limit:
        raise _fail(where, prefix + name, f"is longer than {limit} characters")
    return value.strip()


def _labels(data: dict, name: str, allowed: tuple[str, ...] | None, where: str) -> tuple[str, ...]:
    value = data.get(name) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(where, f"filters.{name}", "must be a list of strings")
    for item in value:
        if _CONTROL.search(item) or not item.strip():
            raise _fail(where, f"filters.{name}", f"{item!r} is empty or has control characters")
        if allowed is not None and item not in allowed:
            raise _fail(where, f"filters.{name}", f"unknown value {item!r} (allowed: {', '.join(allowed)})")
    return tuple(dict.fromkeys(v.strip() for v in value))


def _choice(data: dict, name: str, allowed: tuple[str, ...], default: str, where: str) -> str:
    value = data.get(name, default)
    if value not in allowed:
        raise _fail(where, name, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _flag(data: dict, name: str, default: bool, where: str, prefix: str = "") -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise _fail(where, prefix + name, "must be true or false")
    return value


def parse_filters(data: Any, where: str = "") -> Filters:
    if data is None:
        return Filters()
    if not isinstance(data, dict):
        raise _fail(where, "filters", "must be a mapping")
    unknown = set(data) - set(Filters.__dataclass_fields__)
    if unknown:
        raise _fail(where, f"filters.{sorted(unknown)[0]}", "is not a known filter")
    relevance = data.get("min_relevance", 0.0)
    if isinstance(relevance, bool) or not isinstance(relevance, int | float) or not 0 <= relevance <= 1:
        raise _fail(where, "filters.min_relevance", f"{relevance!r} is not a number from 0 to 1")
    return Filters(
        regions=_labels(data, "regions", REGIONS, where),
        themes=_labels(data, "themes", THEMES, where),
        applications=_labels(data, "applications", APPLICATIONS, where),
        doc_types=_labels(data, "doc_types", DOC_TYPES, where),
        sources=_labels(data, "sources", None, where),
        langs=_labels(data, "langs", LANGS, where),
        min_relevance=float(relevance),
        relevant_only=_flag(data, "relevant_only", True, where, prefix="filters."),
        query=_text(data, "query", where, default="", limit=500, prefix="filters."),
        exclude=_labels(data, "exclude", None, where),
    )


def parse_schedule(data: Any, where: str = "") -> Schedule:
    if data == "immediate":
        return Schedule(kind="immediate")
    if not isinstance(data, dict):
        raise _fail(where, "schedule", "must be \"immediate\" or a mapping with 'kind'")
    kind = data.get("kind")
    if kind not in SCHEDULE_KINDS:
        raise _fail(where, "schedule.kind", f"{kind!r} is not one of {', '.join(SCHEDULE_KINDS)}")
    tz = data.get("timezone") or "Asia/Shanghai"
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(where, "schedule.timezone", f"{tz!r} is not a known IANA time zone") from None
    at = day = cron = ""
    if kind in ("daily", "weekly"):
        at = str(data.get("at", ""))
        if not _HHMM.match(at):
            raise _fail(where, "schedule.at", f"{at!r} is not a time HH:MM")
    if kind == "weekly":
        day = str(data.get("day", "")).lower()[:3]
        if day not in WEEKDAYS:
            raise _fail(where, "schedule.day", f"{data.get('day')!r} is not a weekday (mon..sun)")
    if kind == "cron":
        cron = str(data.get("cron", "")).strip()
        try:
            CronTrigger.from_crontab(cron, timezone=ZoneInfo(tz))
        except ValueError as exc:
            raise _fail(where, "schedule.cron", f"{cron!r} is not a valid cron expression ({exc})") from None
    return Schedule(kind=kind, at=at, day=day, cron=cron, timezone=tz)


def parse_subscription(data: Any, where: str = "") -> Subscription:
    """A validated Subscription from a mapping (YAML entry, CLI values, stored JSON).

    ``where`` prefixes error messages, e.g. ``"subs.yaml, entry 3: "``."""
    if not isinstance(data, dict):
        raise SubscriptionError(f"{where}a subscription must be a mapping")
    known = set(Subscription.__dataclass_fields__)
    unknown = set(data) - known
    if unknown:
        raise _fail(where, sorted(unknown)[0], "is not a known field")
    sub_id = data.get("id")
    if not isinstance(sub_id, str) or not _SLUG.match(sub_id):
        raise _fail(where, "id", f"{sub_id!r} must be a slug: lower-case letters, digits, - and _")
    email = _text(data, "email", where)
    if not _EMAIL.match(email):
        raise _fail(where, "email", f"{email!r} is not a valid e-mail address")
    filters = parse_filters(data.get("filters"), where)
    return Subscription(
        id=sub_id,
        email=email,
        name=_text(data, "name", where, default=""),
        schedule=parse_schedule(data.get("schedule"), where),
        filters=filters,
        language=_choice(data, "language", DIGEST_LANGUAGES, "en", where),
        grouping=_choice(data, "grouping", GROUPINGS, "region", where),
        send_empty=_flag(data, "send_empty", False, where),
        active=_flag(data, "active", True, where),
        created_at=str(data.get("created_at") or ""),
        updated_at=str(data.get("updated_at") or ""),
    )


def load_yaml(path: Path) -> list[Subscription]:
    """Subscriptions from a YAML file with a top-level ``subscriptions:`` list.

    Every entry is checked before any is returned; errors name the file and entry."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SubscriptionError(f"{path}: cannot read YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("subscriptions"), list):
        raise SubscriptionError(f"{path}: expected a top-level 'subscriptions:' list")
    subscriptions = []
    seen: set[str] = set()
    for number, entry in enumerate(data["subscriptions"], 1):
        label = entry.get("id") if isinstance(entry, dict) else None
        sub = parse_subscription(entry, f"{path}, entry {number}{f' ({label})' if label else ''}: ")
        if sub.id in seen:
            raise SubscriptionError(f"{path}, entry {number}: field 'id': {sub.id!r} appears twice")
        seen.add(sub.id)
        subscriptions.append(sub)
    return subscriptions
