"""Item pipeline: publish each new or changed article to the raw topic, then remember it.

The order is the guarantee: the crawl state is written only after the delivery
returned (Kafka acknowledged with acks=all, or the embedded pipeline stored it). When
delivery fails the spider closes with reason ``delivery_failed`` and the articles stay
unseen, so the next run publishes them again.

Delivery blocks until acknowledged, so it runs on one delivery thread, in batches:
the reactor queues each item and awaits its outcome while it goes on downloading; the
thread takes every item queued since its last round (waiting GATHER_S for more),
looks their URLs up in the crawl state at once, sends the new and changed ones with
one ``send_many``, waits for the acknowledgements and marks the batch seen in one
transaction. While one batch waits for the broker the next gathers, so the broker
gets a few large requests instead of one per article, and the crawl state one commit
per batch.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
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
# Articles per delivery round at most (a slow broker lets the queue grow meanwhile).
MAX_BATCH = 200
# A round waits this long after its first article for more: each round costs a produce
# request (Python work in kafka-python's sender thread, a disk append in the broker) and
# a state transaction, and articles come one at a time from the spider.
GATHER_S = 0.2


def deliver(items: list[ArticleItem], state: CrawlState, publisher: Publisher, topic: str,
            now: datetime) -> list[str]:
    """Publish the articles whose content the state does not hold; returns each item's
    outcome ("new", "changed", "unchanged"), in order. Raises DeliveryError with the
    state untouched: no article of the batch is marked seen."""
    fetched_at = utc_iso(now)
    articles = [to_raw_article(item, fetched_at) for item in items]
    known = {url: seen.content_hash for url, seen in state.get_many([a.canonical_url for a in articles]).items()}
    outcomes, payloads = [], []
    for article in articles:
        previous = known.get(article.canonical_url)
        if previous == article.content_hash:
            outcomes.append("unchanged")
            continue
        outcomes.append("new" if previous is None else "changed")
        payloads.append((article.article_id, encode_raw(article)))
        known[article.canonical_url] = article.content_hash  # the same article twice in a batch goes once
    if payloads:
        publisher.send_many(topic, payloads).wait()
    state.mark_seen_many([SeenArticle(
        canonical_url=article.canonical_url, article_id=article.article_id, source=article.source,
        content_hash=article.content_hash, seen_at=fetched_at,
        etag=item.get("etag"), last_modified=item.get("last_modified")) for item, article in zip(items, articles)])
    return outcomes


def _settle(outcomes: list[tuple[asyncio.Future, str | None]], error: Exception | None) -> None:
    """Runs on the awaiting event loop: hands each item its outcome or the batch's error."""
    for future, outcome in outcomes:
        if future.done():  # cancelled meanwhile
            continue
        if error is None:
            future.set_result(outcome)
        else:
            future.set_exception(error)


class PublishPipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.topic = crawler.settings.get("KAFKA_TOPIC_RAW")
        self._closing = False
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def close_spider(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        stats = self.crawler.stats
        if self._closing:
            raise DropItem("crawl is closing after a delivery failure", log_level="DEBUG")
        if self._thread is None:
            self._thread = threading.Thread(target=self._deliver_batches, name="publish", daemon=True)
            self._thread.start()
        loop = asyncio.get_running_loop()
        outcome_of_item = loop.create_future()
        self._queue.put((item, loop, outcome_of_item))
        try:
            outcome = await outcome_of_item
        except DeliveryError as exc:
            stats.inc_value("pw/delivery_failed")
            log.error("article not delivered; closing the crawl", extra={
                "source": item["source"], "url": item["url"], "error": str(exc)})
            if not self._closing:
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

    def _deliver_batches(self) -> None:
        """The delivery thread: one batch per round until close_spider queues None."""
        finished = False
        while not finished:
            batch = [self._queue.get()]
            deadline = time.monotonic() + GATHER_S
            while batch[-1] is not None and len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get(timeout=max(0.0, deadline - time.monotonic())))
                except queue.Empty:
                    break
            if batch[-1] is None:
                finished = True
                batch.pop()
            if batch:
                self._deliver_one_batch(batch)

    def _deliver_one_batch(self, batch: list[tuple[ArticleItem, asyncio.AbstractEventLoop, asyncio.Future]]) -> None:
        outcomes: list[str | None] = [None] * len(batch)
        error = None
        try:
            services = self.crawler.spider.services
            outcomes = deliver([item for item, _, _ in batch], services.state, services.publisher, self.topic,
                               datetime.now(timezone.utc))
        except Exception as exc:  # DeliveryError, or the state store: each item of the batch reports it
            error = exc
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future, str | None]]] = {}
        for (_, loop, future), outcome in zip(batch, outcomes):
            by_loop.setdefault(loop, []).append((future, outcome))
        for loop, settled in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle, settled, error)
            except RuntimeError:  # that loop is closed: nobody awaits these items any more
                pass
