"""Source health: what each run of a source did, and whether the source looks broken.

At the end of each run the extension turns the crawl's stats into a report (pages,
articles new/changed/unchanged, errors by kind, drops by reason, extraction share,
duration), judges it against the source's previous runs, stores it in the crawl state
and updates the Prometheus metrics. A source that yields nothing although it usually
yields, or whose pages mostly need the fallback extractor, is reported: a warning in
the log, ``policywatch_crawl_source_problem`` = 1 and a line in
``policywatch sources health``.
"""

from __future__ import annotations

import logging
import statistics
from datetime import datetime, timezone
from typing import Any

from prometheus_client import Counter, Gauge, Histogram
from scrapy import signals

from policywatch.schema import utc_iso

log = logging.getLogger(__name__)

ARTICLES = Counter("policywatch_crawl_articles_total", "Articles seen by crawls, by outcome "
                   "(new, changed, unchanged)", ["source", "outcome"])
PAGES = Counter("policywatch_crawl_pages_total", "Responses received by crawls", ["source"])
ERRORS = Counter("policywatch_crawl_errors_total", "Failed requests by kind", ["source", "kind"])
DROPPED = Counter("policywatch_crawl_dropped_total", "Pages dropped without an article, by reason",
                  ["source", "reason"])
RUN_SECONDS = Histogram("policywatch_crawl_run_seconds", "Duration of one source's crawl", ["source"],
                        buckets=(5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600))
FALLBACK_SHARE = Gauge("policywatch_crawl_fallback_share", "Share of articles extracted by the fallback "
                       "extractor in the source's last run", ["source"])
PROBLEM = Gauge("policywatch_crawl_source_problem", "1 while the source's last run shows the problem "
                "(zero_yield, mostly_fallback, failed)", ["source", "problem"])
LAST_RUN = Gauge("policywatch_crawl_last_run_timestamp_seconds", "When the source's last run ended", ["source"])

PROBLEMS = ("zero_yield", "mostly_fallback", "failed")
OK_REASONS = ("finished", "closespider_pagecount", "closespider_timeout", "closespider_itemcount")
# Below this many extracted articles the fallback share says too little to report.
MIN_EXTRACTED_FOR_SHARE = 3


def _prefixed(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {key[len(prefix):]: int(value) for key, value in stats.items() if key.startswith(prefix)}


def run_report(source: str, stats: dict[str, Any], started: datetime, finished: datetime,
               reason: str) -> dict[str, Any]:
    """One run's report from the crawl's stats (pure)."""
    articles = {outcome: int(stats.get(f"pw/articles/{outcome}", 0)) for outcome in ("new", "changed", "unchanged")}
    extraction = {kind: int(stats.get(f"pw/extraction/{kind}", 0)) for kind in ("selectors", "fallback")}
    extracted = sum(extraction.values())
    errors = _prefixed(stats, "pw/errors/")
    if stats.get("pw/delivery_failed"):
        errors["delivery"] = int(stats["pw/delivery_failed"])
    return {
        "source": source,
        "started_at": utc_iso(started),
        "finished_at": utc_iso(finished),
        "duration_s": round((finished - started).total_seconds(), 3),
        "finish_reason": reason,
        "pages": int(stats.get("response_received_count", 0)),
        "article_links": int(stats.get("pw/links/articles", 0)),
        "articles": articles,
        "errors": errors,
        "dropped": _prefixed(stats, "pw/dropped/"),
        "slowdowns": _prefixed(stats, "pw/slowdown/"),
        "extraction": extraction,
        "fallback_share": round(extraction["fallback"] / extracted, 3) if extracted else 0.0,
    }


def yield_of(report: dict[str, Any]) -> int:
    """Articles the run found at all (new, changed or unchanged): zero means the source's
    listing or article pattern no longer matches anything."""
    return sum(report["articles"].values())


def assess(report: dict[str, Any], history: list[dict[str, Any]], max_fallback_share: float) -> list[str]:
    """Problems of this run given the source's earlier runs (newest first); pure."""
    problems = []
    earlier = [yield_of(r) for r in history]
    if yield_of(report) == 0 and earlier and statistics.median(earlier) > 0:
        problems.append("zero_yield")
    if sum(report["extraction"].values()) >= MIN_EXTRACTED_FOR_SHARE and report["fallback_share"] > max_fallback_share:
        problems.append("mostly_fallback")
    if report["finish_reason"] not in OK_REASONS:
        problems.append("failed")
    return problems


def observe(report: dict[str, Any]) -> None:
    """Count a finished run in the Prometheus metrics (also called by the scheduler for
    runs done in a child process)."""
    source = report["source"]
    for outcome, count in report["articles"].items():
        ARTICLES.labels(source, outcome).inc(count)
    PAGES.labels(source).inc(report["pages"])
    for kind, count in report["errors"].items():
        ERRORS.labels(source, kind).inc(count)
    for reason, count in report["dropped"].items():
        DROPPED.labels(source, reason).inc(count)
    RUN_SECONDS.labels(source).observe(report["duration_s"])
    FALLBACK_SHARE.labels(source).set(report["fallback_share"])
    for problem in PROBLEMS:
        PROBLEM.labels(source, problem).set(1 if problem in report.get("problems", ()) else 0)
    LAST_RUN.labels(source).set(datetime.fromisoformat(report["finished_at"].replace("Z", "+00:00")).timestamp())


class SourceHealthExtension:
    """Writes each run's report to the crawl state when the spider closes; then closes
    the services the spider built for itself."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.window = crawler.settings.getint("CRAWL_HEALTH_WINDOW", 7)
        self.max_fallback = crawler.settings.getfloat("CRAWL_HEALTH_MAX_FALLBACK_SHARE", 0.5)
        self.started = datetime.now(timezone.utc)
        # A crawl that publishes nothing (e.g. `scrapy check`, which drops the item
        # pipelines) is not a run of the source: recording it would fake a zero yield.
        self.records = any("PublishPipeline" in str(path) for path in crawler.settings.getdict("ITEM_PIPELINES"))
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        self.started = datetime.now(timezone.utc)

    def spider_closed(self, spider, reason: str) -> None:
        source = getattr(spider, "source", None)
        try:
            if source is not None and self.records:
                self._record(source.name, spider.services.state, reason)
        finally:
            if getattr(spider, "owns_services", False):
                spider.services.close()

    def _record(self, source: str, state, reason: str) -> None:
        report = run_report(source, self.crawler.stats.get_stats(), self.started, datetime.now(timezone.utc), reason)
        report["problems"] = assess(report, state.recent_runs(source, self.window), self.max_fallback)
        state.record_run(report)
        observe(report)
        level = logging.WARNING if report["problems"] else logging.INFO
        log.log(level, "crawl run finished", extra={k: report[k] for k in (
            "source", "finish_reason", "pages", "articles", "errors", "dropped", "fallback_share", "problems")})
