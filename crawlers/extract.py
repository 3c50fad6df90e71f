"""Article extraction from HTML: the source's selectors first, a main-text extractor
(trafilatura) when they miss, so a site redesign degrades quality instead of yield.

Pure functions of the page text: no Scrapy, no network. A page that holds no article
raises ``Dropped`` with the reason the crawl counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

import trafilatura
from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator

from crawlers.dates import published_utc
from crawlers.registry import Source

# Shorter "articles" are navigation stubs, error pages or listings.
MIN_TEXT_CHARS = 40
# Share of body text inside links above which a page is a listing, not an article.
MAX_LINK_TEXT_SHARE = 0.6
ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx")
_DATE_META = ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "article:published_time",
              "og:release_date", "dc.date", "DC.date.issued", "date")
_DATE_LINE = re.compile(r"(?:发布时间|发布日期|时间|日期|Published|Updated)\s*[:：]?\s*[^\n]{0,40}")
_TITLE_SUFFIX = re.compile(r"\s*[_|｜-]\s*[^_|｜-]{2,40}$")


class Dropped(Exception):
    """The page holds no usable article; ``reason`` is counted in the crawl's stats."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass
class Extracted:
    title: str
    text: str
    published: str | None
    extraction: str  # "selectors" | "fallback"
    attachments: list[tuple[str, str]] = field(default_factory=list)


_CSS = HTMLTranslator()  # parsel's CSS dialect (::text, ::attr()), as the registry validates it


@lru_cache(maxsize=1024)
def _compiled(query: str) -> etree.XPath:
    """A registry query (XPath, or CSS) compiled once. Pages are queried through lxml
    directly: parsel would wrap every matched node and text in a Selector object."""
    xpath = query if query.startswith(("/", "(")) else _CSS.css_to_xpath(query)
    return etree.XPath(xpath, namespaces=Selector._default_namespaces, smart_strings=False)


def _query(node: etree._Element, query: str) -> list:
    """Elements and/or strings matched by ``query`` under ``node``."""
    found = _compiled(query)(node)
    return found if isinstance(found, list) else [found]


def _xpath(query: str) -> etree.XPath:
    return etree.XPath(query, smart_strings=False)


_TEXTS = _xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")
_ALL_TEXTS = _xpath(".//text()")
_HAS_BODY_TEXT = _xpath("boolean(//body//text())")
_BODY = _xpath("//body")
_LINK_TEXTS = _xpath("//body//a//text()")
_HREFS = _xpath("//body//a/@href")
_ANCHORS = _xpath("//body//a[@href]")
_TITLE = _xpath("//title/text()")
_META_DATES = tuple(_xpath(f'//meta[@name="{name}" or @property="{name}"]/@content') for name in _DATE_META)


def _node_text(node) -> str:
    if not isinstance(node, etree._Element):  # ::text, ::attr(), text(), @attr results
        return str(node)
    lines = (" ".join(part.split()) for part in "\n".join(_TEXTS(node)).split("\n"))
    return "\n".join(line for line in lines if line)


def first_text(root: etree._Element, queries: tuple[str, ...]) -> str:
    """Text of the first query (in order) that matches something non-blank."""
    for query in queries:
        text = "\n".join(t for t in (_node_text(n).strip() for n in _query(root, query)) if t)
        if text:
            return text
    return ""


def _date_candidates(root: etree._Element, date_queries: tuple[str, ...], fallback_date: str | None):
    """Texts that may hold the publication date, best first, computed lazily: most pages
    stop at the site's date selector."""
    yield first_text(root, date_queries)
    for meta in _META_DATES:
        yield next(iter(meta(root)), None)
    yield from _DATE_LINE.findall(first_text(root, ("//body",))[:5000])
    yield fallback_date


def _link_text_share(root: etree._Element) -> float:
    body = _BODY(root)
    total = len("".join(_node_text(body[0]).split())) if body else 0
    linked = sum(len("".join(t.split())) for t in _LINK_TEXTS(root))
    return linked / total if total else 1.0


def attachment_links(root: etree._Element, base_url: str) -> list[tuple[str, str]]:
    """(absolute URL, link text) of PDF/Word files linked from the article page, in page
    order, without repeats. The whole page counts: portals put the attachment list
    below the body container."""
    # Cheap test on the raw hrefs first: most pages link no attachment at all.
    if not any(href.strip().split("?")[0].lower().endswith(ATTACHMENT_SUFFIXES)
               for href in _HREFS(root)):
        return []
    links: dict[str, str] = {}
    for anchor in _ANCHORS(root):
        url = urljoin(base_url, anchor.get("href").strip())
        if url.split("?")[0].lower().endswith(ATTACHMENT_SUFFIXES) and url not in links:
            links[url] = " ".join("".join(_ALL_TEXTS(anchor)).split())
    return list(links.items())


def _fallback(html: str, url: str) -> tuple[str, str, str | None]:
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                           include_tables=True)
    if document is None:
        return "", "", None
    return document.title or "", document.text or "", document.date


_ODD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def _looks_binary(sample: str) -> bool:
    """Decoded binary data is full of control and replacement characters; a page is not."""
    return len(_ODD_CHARS.findall(sample)) * 50 > len(sample)


def extract_article(html: str, url: str, source: Source) -> Extracted:
    """The article on this page, or Dropped(reason)."""
    if not html or not html.strip():
        raise Dropped("empty_page")
    if _looks_binary(html[:4096]):
        raise Dropped("not_html", "binary content")
    html = html.replace("\x00", "")  # a stray NUL in a real page is removed
    try:
        # parsel's HTML parser settings (type given: no sniffing for JSON); queried through lxml below
        root = Selector(text=html, type="html").root
    except (ValueError, TypeError) as exc:
        raise Dropped("broken_html", str(exc)) from None
    if not _HAS_BODY_TEXT(root):
        raise Dropped("empty_page")
    sel = source.selectors
    title = first_text(root, sel.title).replace("\n", " ")
    text = first_text(root, sel.body)
    extraction = "selectors"
    fallback_date = None
    if not title or len(text) < MIN_TEXT_CHARS:
        extraction = "fallback"
        if _link_text_share(root) > MAX_LINK_TEXT_SHARE:
            raise Dropped("not_article", "mostly links")
        fb_title, fb_text, fallback_date = _fallback(html, url)
        page_title = _TITLE_SUFFIX.sub("", " ".join(next(iter(_TITLE(root)), "").split()))
        title = title or fb_title or page_title
        text = text if len(text) >= MIN_TEXT_CHARS else fb_text
    if len(text) < MIN_TEXT_CHARS:
        raise Dropped("no_article_text", f"{len(text)} characters")
    if not title:
        raise Dropped("no_title")
    published = published_utc(_date_candidates(root, sel.date, fallback_date), url, source.zone)
    return Extracted(title=title.strip(), text=text.strip(), published=published, extraction=extraction,
                     attachments=attachment_links(root, url))
