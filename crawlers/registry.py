"""The sources registry: which sites are crawled and how, as validated data.

Each YAML file under CRAWL_SOURCES_DIR holds ``defaults`` (merged into every entry of
the file; ``selectors`` are merged key by key) and a list of ``sources``. An entry that
does not validate is rejected at load with the file, the entry and the field named,
so a typo never turns into a source that silently yields nothing.

Selectors are CSS, or XPath when they start with ``/`` or ``(``; each field takes one
selector or a list of alternatives tried in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from policywatch.errors import UserError
from policywatch.taxonomy import REGIONS

KINDS = ("central", "provincial", "research", "media")
LANGS = ("zh", "en")
SELECTOR_FIELDS = ("title", "body", "date", "next_page", "links")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_FIELDS = {"name", "kind", "region", "lang", "start_urls", "allowed_domains", "article_pattern",
           "selectors", "feeds", "sitemaps", "page_template", "every_minutes", "timezone",
           "encoding", "spider", "notes"}
DEFAULT_EVERY_MINUTES = 180
DEFAULT_TIMEZONE = "Asia/Shanghai"


class RegistryError(UserError):
    """A registry file or entry that does not validate."""


@dataclass(frozen=True)
class Selectors:
    title: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    next_page: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    region: str
    lang: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    article_pattern: str
    selectors: Selectors = field(default_factory=Selectors)
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    # Listing page N+1 as a URL relative to the start URL, e.g. "index_{page}.html"
    # (page counts from 1 for the second listing page, as Chinese portal CMSs do).
    page_template: str | None = None
    every_minutes: int = DEFAULT_EVERY_MINUTES
    timezone: str = DEFAULT_TIMEZONE
    # Forces the page encoding when a site's labels cannot be trusted at all.
    encoding: str | None = None
    # Class name of the spider in crawlers.spiders (whose `name` is this source's) that
    # replaces the generic one; checked when the spider is built.
    spider: str | None = None
    notes: str = ""
    file: str = ""

    @property
    def article_re(self) -> re.Pattern[str]:
        return re.compile(self.article_pattern)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def in_domains(self, url: str) -> bool:
        return host_in_domains(urlsplit(url).hostname or "", self.allowed_domains)

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "region": self.region, "lang": self.lang,
                "start_urls": list(self.start_urls), "feeds": list(self.feeds),
                "sitemaps": list(self.sitemaps), "allowed_domains": list(self.allowed_domains),
                "every_minutes": self.every_minutes, "timezone": self.timezone, "file": self.file}


def host_in_domains(host: str, domains: tuple[str, ...]) -> bool:
    host = host.lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def _fail(where: str, field_name: str, problem: str) -> RegistryError:
    return RegistryError(f"{where}: field {field_name!r}: {problem}")


def _str_list(value: Any, where: str, field_name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(where, field_name, "must be a string or a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _urls(value: Any, where: str, field_name: str, domains: tuple[str, ...]) -> tuple[str, ...]:
    urls = _str_list(value, where, field_name)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _fail(where, field_name, f"{url!r} is not an absolute http(s) URL")
        if not host_in_domains(parts.hostname, domains):
            raise _fail(where, field_name, f"{url!r} is outside allowed_domains {list(domains)}")
    return urls


def _selectors(value: Any, where: str) -> Selectors:
    if value is None:
        return Selectors()
    if not isinstance(value, dict):
        raise _fail(where, "selectors", "must be a mapping of " + ", ".join(SELECTOR_FIELDS))
    unknown = set(value) - set(SELECTOR_FIELDS)
    if unknown:
        raise _fail(where, "selectors", f"unknown keys {sorted(unknown)} (known: {', '.join(SELECTOR_FIELDS)})")
    from parsel import Selector  # validates CSS/XPath syntax the way the spider will use it

    probe = Selector(text="<html></html>")
    parsed = {}
    for key, raw in value.items():
        queries = _str_list(raw, where, f"selectors.{key}")
        for query in queries:
            try:
                probe.xpath(query) if query.startswith(("/", "(")) else probe.css(query)
            except Exception as exc:  # parsel raises several types for bad syntax
                raise _fail(where, f"selectors.{key}", f"{query!r} is not a valid selector: {exc}") from None
        parsed[key] = queries
    return Selectors(**parsed)


def parse_entry(raw: Any, defaults: dict[str, Any], where: str) -> Source:
    """Validate one registry entry (already labelled ``where`` for messages)."""
    if not isinstance(raw, dict):
        raise RegistryError(f"{where}: must be a mapping")
    data = {**defaults, **raw}
    if isinstance(defaults.get("selectors"), dict) and isinstance(raw.get("selectors"), dict):
        data["selectors"] = {**defaults["selectors"], **raw["selectors"]}
    unknown = set(data) - _FIELDS
    if unknown:
        raise _fail(where, sorted(unknown)[0], f"unknown field (known: {', '.join(sorted(_FIELDS))})")
    for required in ("name", "kind", "region", "lang", "allowed_domains", "article_pattern"):
        if data.get(required) in (None, "", []):
            raise _fail(where, required, "is required")
    name = data["name"]
    if not isinstance(name, str) or not _NAME.match(name):
        raise _fail(where, "name", f"{name!r} must be lower-case letters, digits and '-' (2-63 chars)")
    if data["kind"] not in KINDS:
        raise _fail(where, "kind", f"{data['kind']!r} is not one of {', '.join(KINDS)}")
    if data["region"] not in REGIONS:
        raise _fail(where, "region", f"{data['region']!r} is not a taxonomy region (e.g. Henan, National)")
    if data["lang"] not in LANGS:
        raise _fail(where, "lang", f"{data['lang']!r} is not one of {', '.join(LANGS)}")
    domains = tuple(d.lower() for d in _str_list(data["allowed_domains"], where, "allowed_domains"))
    if any("/" in d or ":" in d for d in domains):
        raise _fail(where, "allowed_domains", "takes host names, not URLs")
    start_urls = _urls(data.get("start_urls"), where, "start_urls", domains)
    feeds = _urls(data.get("feeds"), where, "feeds", domains)
    sitemaps = _urls(data.get("sitemaps"), where, "sitemaps", domains)
    if not (start_urls or feeds or sitemaps):
        raise _fail(where, "start_urls", "needs at least one start URL, feed or sitemap")
    pattern = data["article_pattern"]
    try:
        re.compile(pattern)
    except (re.error, TypeError) as exc:
        raise _fail(where, "article_pattern", f"{pattern!r} does not compile: {exc}") from None
    every = data.get("every_minutes", DEFAULT_EVERY_MINUTES)
    if not isinstance(every, int) or isinstance(every, bool) or every < 5:
        raise _fail(where, "every_minutes", f"{every!r} must be a whole number of minutes >= 5")
    zone = data.get("timezone", DEFAULT_TIMEZONE)
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(where, "timezone", f"{zone!r} is not an IANA time zone") from None
    template = data.get("page_template")
    if template is not None and (not isinstance(template, str) or "{page}" not in template):
        raise _fail(where, "page_template", "must be a string containing {page}")
    encoding = data.get("encoding")
    if encoding is not None:
        try:
            "".encode(str(encoding))
        except LookupError:
            raise _fail(where, "encoding", f"{encoding!r} is not a known encoding") from None
    return Source(
        name=name, kind=data["kind"], region=data["region"], lang=data["lang"],
        start_urls=start_urls, allowed_domains=domains, article_pattern=pattern,
        selectors=_selectors(data.get("selectors"), where), feeds=feeds, sitemaps=sitemaps,
        page_template=template, every_minutes=every, timezone=str(zone),
        encoding=str(encoding) if encoding else None, spider=data.get("spider"),
        notes=str(data.get("notes") or ""), file=where.split(":")[0],
    )


def load_file(path: Path) -> list[Source]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RegistryError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise RegistryError(f"{path.name}: must be a mapping with a 'sources' list")
    defaults = document.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise RegistryError(f"{path.name}: 'defaults' must be a mapping")
    sources = []
    for index, raw in enumerate(document["sources"]):
        label = raw.get("name") if isinstance(raw, dict) and raw.get("name") else f"#{index + 1}"
        sources.append(parse_entry(raw, defaults, f"{path.name}: entry {label}"))
    return sources


def load_registry(directory: Path) -> dict[str, Source]:
    """Every source declared under ``directory``, by name; names must be unique."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise RegistryError(f"{directory}: no *.yaml sources files")
    registry: dict[str, Source] = {}
    for path in files:
        for source in load_file(path):
            if source.name in registry:
                raise RegistryError(f"{path.name}: entry {source.name}: field 'name': already declared "
                                    f"in {registry[source.name].file}")
            registry[source.name] = source
    return registry


def select(registry: dict[str, Source], names: list[str]) -> list[Source]:
    """The named sources, or a UserError listing the unknown names."""
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise UserError(f"unknown source(s) {', '.join(unknown)}; see `policywatch sources list`")
    return [registry[n] for n in names]
