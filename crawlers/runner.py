"""Running crawls in this process with Scrapy's CrawlerProcess.

Twisted's reactor starts once per process, so a process runs ``run_crawls`` once; the
long-running scheduler (crawlers.scheduler) therefore starts each crawl as a child
process (`policywatch crawl NAME`). All sources of one run share one publisher and one
crawl state.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

import settings as project_settings
from crawlers.pipelines import DELIVERY_FAILED
from crawlers.registry import Source
from crawlers.services import CrawlServices
from crawlers.spiderloader import custom_spiders, spider_class_for


def scrapy_settings(max_pages: int | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    result = Settings()
    result.setmodule(project_settings, priority="project")
    if max_pages is not None:
        result.set("CLOSESPIDER_PAGECOUNT", max_pages, priority="cmdline")
    for name, value in (overrides or {}).items():
        result.set(name, value, priority="cmdline")
    return result


class _FinishReasons:
    def __init__(self) -> None:
        self.by_source: dict[str, str] = {}

    def spider_closed(self, spider, reason: str) -> None:
        self.by_source[spider.name] = reason


def run_crawls(sources: list[Source], *, max_pages: int | None = None, services: CrawlServices | None = None,
               overrides: dict[str, Any] | None = None) -> dict[str, str]:
    """Crawl ``sources`` concurrently until done; returns each source's finish reason."""
    # Logging stays as policywatch.logs configured it (format, level): Scrapy installs
    # no handler of its own, and its loggers (set to DEBUG by Scrapy) follow the root's level.
    process = CrawlerProcess(scrapy_settings(max_pages, {"LOG_INSTALL_ROOT_HANDLER": False, **(overrides or {})}))
    for name in ("scrapy", "twisted"):
        logging.getLogger(name).setLevel(max(logging.getLogger().level, logging.INFO))
    shared = services or CrawlServices()
    reasons = _FinishReasons()
    custom = custom_spiders()
    try:
        for source in sources:
            crawler = process.create_crawler(spider_class_for(source, custom))
            crawler.signals.connect(reasons.spider_closed, signal=signals.spider_closed)
            process.crawl(crawler, services=shared)
        process.start()
    finally:
        if services is None:
            shared.close()
    return reasons.by_source


def delivery_failed(reasons: dict[str, str]) -> list[str]:
    return sorted(name for name, reason in reasons.items() if reason == DELIVERY_FAILED)
