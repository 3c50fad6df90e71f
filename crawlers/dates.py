"""Publication dates as Chinese and English pages write them, stored in UTC.

A date without a time or offset is read in the source's time zone (Asia/Shanghai by
default): ``2020年1月14日`` on a Beijing portal is 2020-01-13T16:00:00Z.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from policywatch.schema import utc_iso

_MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")), 1) for name in names}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = r"(?:[\sT]*(\d{1,2})[:：时](\d{2})(?:[:：分](\d{2}))?)?"
_OFFSET = r"\s*(Z|[+-]\d{2}:?\d{2})?"
_PATTERNS = (
    ("ymd", re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日" + _TIME)),
    ("ymd", re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)" + _TIME + _OFFSET)),
    ("mdy", re.compile(_MONTH + r"\s+(\d{1,2}),?\s+(\d{4})" + _TIME, re.IGNORECASE)),
    ("dmy", re.compile(r"(?<!\d)(\d{1,2})\s+" + _MONTH + r",?\s+(\d{4})" + _TIME, re.IGNORECASE)),
)
# Dates Chinese CMSs put into article URLs: /t20200114_123.html, /202001/14/, /2020-01/14/
_URL_DATE = re.compile(r"(?:/t|/)(20\d{2})[-/]?(\d{2})[-/]?(\d{2})(?=[_/.])")


def _offset_zone(text: str | None, default: ZoneInfo):
    if not text:
        return default
    if text == "Z":
        return ZoneInfo("UTC")
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_date(text: str | None, zone: ZoneInfo) -> datetime | None:
    """The first valid date (and time) in ``text``, aware, or None."""
    if not text:
        return None
    for order, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groups()
            if order == "ymd":
                year, month, day = int(groups[0]), int(groups[1]), int(groups[2])
            elif order == "mdy":
                month, day, year = _MONTHS[groups[0].lower()], int(groups[1]), int(groups[2])
            else:
                day, month, year = int(groups[0]), _MONTHS[groups[1].lower()], int(groups[2])
            hour, minute, second = (int(g) if g else 0 for g in groups[3:6])
            offset = groups[6] if len(groups) > 6 else None
            try:
                return datetime(year, month, day, hour, minute, second, tzinfo=_offset_zone(offset, zone))
            except ValueError:
                continue  # 2020-13-45 is not a date; look further
    return None


def date_from_url(url: str, zone: ZoneInfo) -> datetime | None:
    match = _URL_DATE.search(url)
    if not match:
        return None
    try:
        return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)), tzinfo=zone)
    except ValueError:
        return None


def published_utc(candidates: Iterable[str | None], url: str, zone: ZoneInfo) -> str | None:
    """UTC ISO of the first candidate text holding a date, else of a date in the URL.
    ``candidates`` may be a lazy iterable: later (costlier) ones are only computed when
    the earlier ones hold no date."""
    for text in candidates:
        moment = parse_date(text, zone)
        if moment:
            return utc_iso(moment)
    moment = date_from_url(url, zone)
    return utc_iso(moment) if moment else None
