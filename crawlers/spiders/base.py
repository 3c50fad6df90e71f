"""The shared base of every source spider: listing pages -> article pages (-> PDF/Word
attachments), RSS/Atom feeds and sitemaps, all driven by one registry entry.

It owns pagination (bounded by CRAWL_MAX_LISTING_PAGES), decoding (GB-family and
mislabelled pages via crawlers.encoding), link resolution (relative and ``//host``
links), extraction (crawlers.extract), date parsing, errbacks that count errors by
kind, and drop reasons counted in the stats (``pw/dropped/<reason>``). Callbacks get
their context through ``cb_kwargs``, never through closures.

A site that needs code gets a small subclass overriding one hook (``article_links``,
``next_page_url`` or ``extract``); see crawlers/spiders/sina.py.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin

import scrapy
from parsel import Selector
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap

from crawlers.attachments import AttachmentError, attachment_text
from crawlers.dates import published_utc
from crawlers.encoding import choose_encoding, normalise_label
from crawlers.extract import Dropped, Extracted, extract_article
from crawlers.items import ArticleItem
from crawlers.registry import Source
from crawlers.services import CrawlServices

log = logging.getLogger(__name__)
_NEXT_PAGE = ("//a[@rel='next']/@href",
              "//a[normalize-space(.)='下一页' or normalize-space(.)='下页' or normalize-space(.)='后页'"
              " or normalize-space(.)='Next' or normalize-space(.)='Next ›' or normalize-space(.)='›']/@href")
_NOT_LINKS = ("javascript:", "mailto:", "tel:", "#")
_SITEMAP_MAX_URLS = 2000
_CALLBACKS = ("parse_listing", "parse_feed", "parse_sitemap", "parse_article", "parse_attachment",
              "on_error", "attachment_failed")


def error_kind(failure) -> str:
    """A short, stable name for what went wrong with a request (a stats/metric label)."""
    error = failure.value
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    name = type(error).__name__
    if "robots" in str(error).lower():
        return "robots_forbidden"
    if "Timeout" in name or "TimedOut" in name:
        return "timeout"
    if "DNS" in name:
        return "dns"
    if "Refused" in name or "ConnectionLost" in name or "ConnectError" in name:
        return "connection"
    if "maxsize" in str(error).lower() or "Cancelled" in name:
        return "too_large"
    if name == "IgnoreRequest":
        return "ignored"
    return name.lower()


class BaseSourceSpider(scrapy.Spider):
    source: Source

    def __init__(self, *args: Any, source: Source | None = None, services: CrawlServices | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if source is not None:
            self.source = source
        self.allowed_domains = list(self.source.allowed_domains)
        self.owns_services = services is None
        self.services = services or CrawlServices()
        self.max_listing_pages = 5
        self.attachments_per_article = 3
        self.attachment_maxsize = 20 * 1024 * 1024
        self.depth_limit = 0
        # Scrapy reads each callback's source (inspect + ast) to warn about generators
        # that return a value, caching the answer weakly by the callback object. A bound
        # method made per request dies with its request, so every response paid that
        # parse again; the same bound method for every request stays cached.
        for name in _CALLBACKS:
            setattr(self, name, getattr(self, name))

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.max_listing_pages = settings.getint("CRAWL_MAX_LISTING_PAGES", 5)
        spider.attachments_per_article = settings.getint("CRAWL_ATTACHMENTS_PER_ARTICLE", 3)
        spider.attachment_maxsize = settings.getint("CRAWL_ATTACHMENT_MAXSIZE", 20 * 1024 * 1024)
        spider.depth_limit = settings.getint("DEPTH_LIMIT", 0)
        return spider

    # --- bookkeeping -------------------------------------------------------------------
    def count(self, key: str, value: int = 1) -> None:
        if getattr(self, "crawler", None) is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, value)

    def drop(self, reason: str, url: str, detail: str = "") -> None:
        self.count(f"pw/dropped/{reason}")
        log.info("page dropped", extra={"source": self.source.name, "url": url, "reason": reason,
                                        "detail": detail})

    def on_error(self, failure):
        kind = error_kind(failure)
        if kind == "robots_forbidden":  # the site's wish, not a failure
            self.drop(kind, failure.request.url)
            return
        self.count(f"pw/errors/{kind}")
        log.warning("request failed", extra={"source": self.source.name, "url": failure.request.url,
                                             "kind": kind, "error": str(failure.value)[:300]})

    # --- requests ----------------------------------------------------------------------
    async def start(self):
        for url in self.source.start_urls:
            yield self.listing_request(url, page=1, start_url=url)
        for url in self.source.feeds:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error)
        for url in self.source.sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)

    def listing_request(self, url: str, page: int, start_url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_listing, errback=self.on_error,
                              cb_kwargs={"page": page, "start_url": start_url})

    def article_request(self, url: str, hints: dict[str, str | None] | None = None) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error,
                              meta={"pw_article": True, "handle_httpstatus_list": [304]},
                              cb_kwargs={"hints": hints or {}})

    # --- decoding and links ------------------------------------------------------------
    def decoded(self, response: Response) -> HtmlResponse | None:
        """The response as HTML decoded with a trustworthy encoding, or None if binary."""
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if not isinstance(response, TextResponse) and "html" not in content_type and "xml" not in content_type:
            return None
        encoding = choose_encoding(response.body, content_type, self.source.encoding)
        if isinstance(response, HtmlResponse) and normalise_label(response.encoding) == encoding:
            return response  # Scrapy decodes it the same way: no second copy of the page
        return HtmlResponse(url=response.url, status=response.status, headers=response.headers,
                            body=response.body, encoding=encoding, request=response.request)

    def resolved_links(self, response: HtmlResponse, scope: tuple[str, ...] = ()) -> list[str]:
        """Absolute URLs of the links in ``scope`` (selectors; default: the whole page)."""
        roots = [response]
        if scope:
            roots = next((found for found in (response.css(q) if not q.startswith(("/", "("))
                                              else response.xpath(q) for q in scope) if found), roots)
        urls: dict[str, None] = {}
        for root in roots:
            for href in root.xpath(".//a/@href").getall():
                href = href.strip()
                if href and not href.lower().startswith(_NOT_LINKS):
                    urls[response.urljoin(href)] = None
        return list(urls)

    def article_links(self, response: HtmlResponse) -> list[str]:
        pattern = self.source.article_re
        return [url for url in self.resolved_links(response, self.source.selectors.links)
                if pattern.search(url) and self.source.in_domains(url)]

    def next_page_url(self, response: HtmlResponse, page: int, start_url: str) -> str | None:
        for query in (*self.source.selectors.next_page, *_NEXT_PAGE):
            href = (response.xpath(query) if query.startswith(("/", "(")) else response.css(query)).get()
            if href and not href.strip().lower().startswith(_NOT_LINKS):
                url = response.urljoin(href.strip())
                if url != response.url and self.source.in_domains(url):
                    return url
        if self.source.page_template:
            return urljoin(start_url, self.source.page_template.format(page=page))
        return None

    # --- callbacks ---------------------------------------------------------------------
    def parse_listing(self, response: Response, page: int, start_url: str):
        self.count("pw/pages/listing")
        html = self.decoded(response)
        if html is None:
            self.drop("not_html", response.url)
            return
        links = self.article_links(html)
        self.count("pw/links/articles", len(links))
        if not links:
            self.drop("listing_without_articles", response.url)
        for url in links:
            yield self.article_request(url)
        next_url = self.next_page_url(html, page, start_url)
        if next_url and page < self.max_listing_pages:
            yield self.listing_request(next_url, page + 1, start_url)
        elif next_url:
            self.count("pw/listing/page_limit")

    def parse_feed(self, response: Response):
        self.count("pw/pages/feed")
        xml = Selector(text=response.text if isinstance(response, TextResponse) else
                       response.body.decode("utf-8", "replace"), type="xml")
        xml.remove_namespaces()
        entries = xml.xpath("//item | //entry")
        if not entries:
            self.drop("feed_without_entries", response.url)
        for entry in entries:
            link = (entry.xpath("link/@href").get() or entry.xpath("link/text()").get() or "").strip()
            url = response.urljoin(link) if link else ""
            if url and self.source.article_re.search(url) and self.source.in_domains(url):
                date = entry.xpath("pubDate/text() | published/text() | updated/text() | date/text()").get()
                yield self.article_request(url, {"published": published_utc([date], url, self.source.zone)})

    def parse_sitemap(self, response: Response):
        self.count("pw/pages/sitemap")
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:  # lxml raises several types on broken XML
            self.drop("broken_sitemap", response.url, str(exc))
            return
        for index, entry in enumerate(sitemap):
            if index >= _SITEMAP_MAX_URLS:
                self.count("pw/sitemap/url_limit")
                break
            url = entry.get("loc", "")
            if not self.source.in_domains(url):
                continue
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
            elif self.source.article_re.search(url):
                yield self.article_request(url)

    def extract(self, response: HtmlResponse) -> Extracted:
        """The article on the page (hook for unusual sites); raises Dropped."""
        return extract_article(response.text, response.url, self.source)

    def parse_article(self, response: Response, hints: dict[str, str | None]):
        self.count("pw/pages/article")
        if response.status == 304:
            self.count("pw/articles/unchanged")
            self.count("pw/not_modified")
            return
        html = self.decoded(response)
        if html is None:
            self.drop("not_html", response.url)
            return
        try:
            extracted = self.extract(html)
        except Dropped as dropped:
            self.drop(dropped.reason, response.url, str(dropped))
            return
        self.count(f"pw/extraction/{extracted.extraction}")
        item = ArticleItem(
            url=response.url, source=self.source.name, source_kind=self.source.kind,
            source_region=self.source.region, lang=self.source.lang, title=extracted.title,
            text=extracted.text, published=extracted.published or hints.get("published"),
            extraction=extracted.extraction, attachments=extracted.attachments,
            etag=_header(response, b"ETag"), last_modified=_header(response, b"Last-Modified"))
        # Attachments are fetched one after another, each carrying the item on; the
        # depth limit would silently drop deeper requests, so stay within it.
        room = self.depth_limit - response.meta.get("depth", 0) if self.depth_limit else 99
        pending = [(url, title) for url, title in extracted.attachments
                   if self.source.in_domains(url)][:max(0, min(self.attachments_per_article, room))]
        yield self.next_attachment(item, pending) if pending else item

    def next_attachment(self, item: ArticleItem, pending: list[tuple[str, str]]) -> scrapy.Request:
        return scrapy.Request(pending[0][0], callback=self.parse_attachment, errback=self.attachment_failed,
                              dont_filter=True, meta={"download_maxsize": self.attachment_maxsize},
                              cb_kwargs={"item": item, "pending": pending})

    def parse_attachment(self, response: Response, item: ArticleItem, pending: list[tuple[str, str]]):
        self.count("pw/pages/attachment")
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        try:
            text = attachment_text(response.url, content_type, response.body)
        except AttachmentError as exc:
            self.count("pw/errors/attachment_unreadable")
            log.warning("attachment unreadable", extra={"url": response.url, "error": str(exc)})
            text = ""
        if text:
            self.count("pw/attachments/text")
            item["text"] = f"{item['text']}\n\n[{pending[0][1] or 'attachment'}]\n{text}"
        yield self.next_attachment(item, pending[1:]) if pending[1:] else item

    def attachment_failed(self, failure):
        self.on_error(failure)
        item, pending = failure.request.cb_kwargs["item"], failure.request.cb_kwargs["pending"]
        yield self.next_attachment(item, pending[1:]) if pending[1:] else item


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
