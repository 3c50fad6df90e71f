"""Downloader middlewares: conditional article requests, and slowing down when a server
says it is overloaded or refuses us.

SlowDownMiddleware runs before Scrapy's RetryMiddleware sees a response (priority 560 >
550): it doubles the host's download-slot delay on 5xx, 429, 403 and timeouts (honouring
Retry-After), so every retry waits longer - backoff - and AutoThrottle, which never
lowers a delay on a non-200 response, brings it down again only once the host recovers.
"""

from __future__ import annotations

import logging

from twisted.internet.error import TCPTimedOutError, TimeoutError as TwistedTimeoutError

from policywatch.urls import canonical_url

log = logging.getLogger(__name__)
SLOW_DOWN_STATUSES = (403, 429)


def next_delay(current: float, start: float, maximum: float, retry_after: float | None = None) -> float:
    """The host's delay after an overload signal: doubled, at least ``start`` and any
    Retry-After, never above ``maximum``."""
    return min(maximum, max(current * 2, start, retry_after or 0.0))


def _retry_after_seconds(value: bytes | None) -> float | None:
    try:
        return float(value.decode("ascii")) if value else None
    except (UnicodeDecodeError, ValueError):
        return None  # an HTTP date: the doubling applies instead


class SlowDownMiddleware:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.start = max(crawler.settings.getfloat("AUTOTHROTTLE_START_DELAY"), 0.1)
        self.maximum = crawler.settings.getfloat("AUTOTHROTTLE_MAX_DELAY")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _slow_down(self, request, reason: str, retry_after: float | None = None) -> None:
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is None:
            return
        before = slot.delay
        slot.delay = next_delay(slot.delay, self.start, self.maximum, retry_after)
        self.crawler.stats.inc_value(f"pw/slowdown/{reason}")
        log.warning("slowing down", extra={"url": request.url, "reason": reason,
                                           "delay_before": before, "delay": slot.delay})

    def process_response(self, request, response):
        if response.status in SLOW_DOWN_STATUSES or response.status >= 500:
            self._slow_down(request, f"http_{response.status}",
                            _retry_after_seconds(response.headers.get(b"Retry-After")))
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, (TwistedTimeoutError, TCPTimedOutError, TimeoutError)):
            self._slow_down(request, "timeout")
        return None


class ConditionalRequestMiddleware:
    """Sends If-None-Match / If-Modified-Since for articles delivered before, so an
    unchanged article costs the server a 304 and us nothing."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if not request.meta.get("pw_article"):
            return None
        try:
            seen = self.crawler.spider.services.state.get(canonical_url(request.url))
        except Exception as exc:  # state store down: fetch unconditionally; the pipeline reports it
            log.warning("crawl state unavailable for a conditional request",
                        extra={"url": request.url, "error": str(exc)[:300]})
            return None
        if seen and seen.etag:
            request.headers.setdefault(b"If-None-Match", seen.etag)
        if seen and seen.last_modified:
            request.headers.setdefault(b"If-Modified-Since", seen.last_modified)
        return None
