"""Helpers for offline spider tests: spiders without a crawl, responses from files."""

from __future__ import annotations

import json
from pathlib import Path

from scrapy.http import HtmlResponse, Request, TextResponse

from crawlers.items import ArticleItem

from crawlers.registry import Source
from crawlers.services import CrawlServices
from crawlers.spiderloader import custom_spiders, spider_class_for
from policywatch.bus.base import Publisher


class FakePublisher(Publisher):
    """Records what was published; raises the given error instead when set."""

    def __init__(self, error: Exception | None = None) -> None:
        self.published: list[tuple[str, str, bytes]] = []
        self.error = error

    def publish(self, topic: str, key: str, value: bytes) -> None:
        if self.error:
            raise self.error
        self.published.append((topic, key, value))


def offline_spider(source: Source):
    """The spider the crawl would use for ``source``, outside any crawl."""
    return spider_class_for(source, custom_spiders())(services=CrawlServices(publisher=FakePublisher()))


def response(url: str, body: bytes, content_type: str = "text/html", status: int = 200, **cb_kwargs):
    cls = HtmlResponse if "html" in content_type else TextResponse
    return cls(url=url, body=body, status=status, headers={"Content-Type": content_type},
               request=Request(url, cb_kwargs=cb_kwargs))


def _listing(directory, expected):
    path = next(p for p in (directory / "listing.html", directory / "listing.json") if p.exists())
    ctype = expected.get("listing_content_type", expected["content_type"])
    return response(expected["listing_url"], path.read_bytes(), ctype)


def check_fixture_site(directory: Path, source: Source) -> None:
    """Parse the fixture pages with the source's spider and compare with expected.json."""
    expected = json.loads((directory / "expected.json").read_text(encoding="utf-8"))
    spider = offline_spider(source)

    out = list(spider.parse_listing(_listing(directory, expected), page=1, start_url=expected["listing_url"]))
    articles = [r.url for r in out if isinstance(r, Request) and r.callback == spider.parse_article]
    pages = [r.url for r in out if isinstance(r, Request) and r.callback == spider.parse_listing]
    assert articles == expected["listing"]["article_urls"]
    assert pages == ([expected["listing"]["next_page"]] if expected["listing"].get("next_page") else [])
    assert all(r.cb_kwargs is not None and r.errback for r in out)

    page = response(expected["article_url"], (directory / "article.html").read_bytes(), expected["content_type"])
    (result,) = list(spider.parse_article(page, hints={}))
    item = result.cb_kwargs["item"] if isinstance(result, Request) else result
    assert isinstance(item, ArticleItem)
    want = expected["article"]
    assert item["title"] == want["title"]
    assert item["published"] == want["published"]
    assert item["extraction"] == want["extraction"]
    for needle in want["text_contains"]:
        assert needle in item["text"]
    assert "\ufffd" not in item["text"] + item["title"], "decoding produced replacement characters"
    assert [url for url, _ in item["attachments"]] == want.get("attachments", [])
    assert item["source"] == source.name and item["source_region"] == source.region

    if "feed" in expected:
        feed = response(expected["feed"]["feed_url"], (directory / "feed.xml").read_bytes(), "application/rss+xml")
        assert [r.url for r in spider.parse_feed(feed)] == expected["feed"]["article_urls"]
