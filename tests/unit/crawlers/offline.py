"""Helpers for offline spider tests: spiders without a crawl, responses from files."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request, TextResponse

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
