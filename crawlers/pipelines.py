"""Item pipeline: publish each new or changed article to the raw topic, then remember it.

The order is the guarantee: the crawl state is written only after ``publish`` returned
(Kafka acknowledged with acks=all, or the embedded pipeline stored it). When delivery
fails the spider closes with reason ``delivery_failed`` and the article stays unseen,
so the next run publishes it again.

Delivery blocks until acknowledged, so it runs in a small thread pool
(CRAWL_PUBLISH_CONCURRENCY workers) while the reactor goes on downloading; Scrapy
awaits each item's delivery before counting it done.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from crawlers.items import ArticleItem, to_raw_article
from crawlers.state import CrawlState, SeenArticle
from policywatch.bus.base import Publisher
from policywatch.errors import DeliveryError
from policywatch.schema import encode_raw, utc_iso

log = logging.getLogger(__name__)
DELIVERY_FAILED = "delivery_failed"


def deliver(item: ArticleItem, state: CrawlState, publisher: Publisher, topic: str, now: datetime) -> str:
    """Publish the article unless the state holds the same content; returns the outcome
    ("new", "changed", "unchanged"). Raises DeliveryError with the state untouched."""
    article = to_raw_article(item, utc_iso(now))
    seen = state.get(article.canonical_url)
    if seen and seen.content_hash == article.content_hash:
        outcome = "unchanged"
    else:
        publisher.publish(topic, article.article_id, encode_raw(article))
        outcome = "changed" if seen else "new"
    state.mark_seen(SeenArticle(
        canonical_url=article.canonical_url, article_id=article.article_id, source=article.source,
        content_hash=article.content_hash, seen_at=utc_iso(now),
        etag=item.get("etag"), last_modified=item.get("last_modified")))
    return outcome


class PublishPipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.topic = crawler.settings.get("KAFKA_TOPIC_RAW")
        self._closing = False
        self._workers = ThreadPoolExecutor(max_workers=crawler.settings.getint("CRAWL_PUBLISH_CONCURRENCY", 8),
                                           thread_name_prefix="publish")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def close_spider(self) -> None:
        self._workers.shutdown(wait=True)

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        spider = self.crawler.spider
        stats = self.crawler.stats
        if self._closing:
            raise DropItem("crawl is closing after a delivery failure", log_level="DEBUG")
        try:
            outcome = await asyncio.get_running_loop().run_in_executor(
                self._workers, deliver, item, spider.services.state, spider.services.publisher, self.topic,
                datetime.now(timezone.utc))
        except DeliveryError as exc:
            stats.inc_value("pw/delivery_failed")
            log.error("article not delivered; closing the crawl", extra={
                "source": item["source"], "url": item["url"], "error": str(exc)})
            self._closing = True
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=DELIVERY_FAILED))
            raise DropItem(f"not delivered: {exc}", log_level="DEBUG") from exc
        except Exception as exc:  # the crawl-state store failed: skip the article, retried next run
            stats.inc_value("pw/errors/state")
            log.error("crawl state unavailable; article skipped", extra={
                "source": item["source"], "url": item["url"], "error": str(exc)[:300]})
            raise DropItem(f"crawl state unavailable: {exc}", log_level="DEBUG") from exc
        stats.inc_value(f"pw/articles/{outcome}")
        if outcome == "unchanged":
            raise DropItem("unchanged since last delivery", log_level="DEBUG")
        log.info("article published", extra={"source": item["source"], "url": item["url"], "outcome": outcome})
        return item
