"""The baseline of bench/crawl_throughput.py: a plain Scrapy spider that only downloads
and extracts (title and body text of each article page, following listing pages), with
policywatch's Scrapy settings but none of its components (no publish pipeline, crawl
state, health extension or conditional-request/slow-down middlewares).

    .venv/bin/python bench/plain_spider.py START_URL

Prints one JSON line: {"items": N, "seconds": S}. Settings overrides come from the
environment through settings.py, like every policywatch process.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scrapy  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402

from crawlers.runner import scrapy_settings  # noqa: E402


class PlainSpider(scrapy.Spider):
    name = "plain"

    def __init__(self, start_url: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start_url]

    def parse(self, response):
        for href in response.css("ul.list a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_article)
        following = response.xpath("//a[normalize-space(.)='下一页']/@href").get()
        if following:
            yield response.follow(following, callback=self.parse)

    def parse_article(self, response):
        yield {"url": response.url, "title": response.css("h1::text").get(default="").strip(),
               "text": "\n".join(t.strip() for t in response.css(".TRS_Editor ::text").getall() if t.strip())}


def main() -> int:
    overrides = {"ITEM_PIPELINES": {}, "EXTENSIONS": {}, "DOWNLOADER_MIDDLEWARES": {},
                 "SPIDER_LOADER_CLASS": "scrapy.spiderloader.SpiderLoader", "SPIDER_MODULES": []}
    process = CrawlerProcess(scrapy_settings(overrides=overrides))
    crawler = process.create_crawler(PlainSpider)
    started = time.perf_counter()
    process.crawl(crawler, start_url=sys.argv[1])
    process.start()
    items = crawler.stats.get_value("item_scraped_count", 0)
    print(json.dumps({"items": items, "seconds": time.perf_counter() - started}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
