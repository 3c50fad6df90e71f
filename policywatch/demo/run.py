"""``policywatch run --demo``: the whole product on a bundled site, in about a minute.

It serves the demo site (server.py) on localhost, registers its three sources
(sources.yaml) and a subscription (subscription.yaml), then runs the real code paths:
the registry-driven Scrapy crawl with its crawl state, the embedded pipeline
(classify + index + match, ``policywatch.runtime.raw_publisher``), the digest
delivery into the outbox. Everything lives in its own data directory, so the demo
never mixes with real data; running it again crawls nothing twice and says so.
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

import settings
from policywatch import runtime
from policywatch.bus.base import Publisher
from policywatch.demo.server import DemoSite
from policywatch.demo.summary import format_summary
from policywatch.errors import UserError
from policywatch.schema import decode_raw
from policywatch.store.base import ArticleQuery, ArticleStore

DEMO_DIR = Path(__file__).resolve().parent
SOURCES_FILE = DEMO_DIR / "sources.yaml"
SUBSCRIPTION_FILE = DEMO_DIR / "subscription.yaml"
DIGEST_HTML = "sample-digest.html"
PORT_FILE = "site-port"
# The demo site is local and ours: no politeness delays, quiet Scrapy, bounded time.
CRAWL_OVERRIDES = {
    "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "CLOSESPIDER_TIMEOUT": 120, "LOG_LEVEL": "WARNING", "RETRY_TIMES": 1,
}
STEPS = 6


def use_demo_data_dir(data_dir: Path) -> None:
    """Point this process's settings at the demo's own data directory, embedded mode
    and the outbox, whatever the environment says: the demo must not touch real data or
    servers. Every builder in policywatch.runtime reads these when it is called."""
    settings.POLICYWATCH_DATA_DIR = data_dir
    settings.EMBEDDED_DB_PATH = data_dir / "policywatch.sqlite3"
    settings.ALERTS_OUTBOX_DIR = data_dir / "outbox"
    settings.KAFKA_BOOTSTRAP_SERVERS = ""
    settings.ELASTICSEARCH_URL = ""
    settings.SMTP_HOST = ""
    # The digest covers what was indexed a moment ago (no late-arrival buffer).
    settings.ALERTS_LATE_BUFFER_S = 0


class ProgressPublisher(Publisher):
    """Passes articles on to the embedded pipeline and prints each one as it is stored."""

    def __init__(self, inner: Publisher, store: ArticleStore, out: TextIO) -> None:
        self.inner, self.store, self.out = inner, store, out
        self.published = 0

    def publish(self, topic: str, key: str, value: bytes) -> None:
        self.publish_many(topic, [(key, value)])

    def publish_many(self, topic: str, items: list[tuple[str, bytes]]) -> None:
        self.inner.publish_many(topic, items)
        for key, value in items:
            self.published += 1
            doc = self.store.get(key) or {}
            verdict = ("relevant  " if doc.get("relevant") else "other     ") + ",".join(doc.get("regions") or ["-"])
            print(f"      + {verdict:<30} {decode_raw(value).title[:60]}", file=self.out, flush=True)

    def close(self) -> None:
        self.inner.close()


def demo_sources(base_url: str, workdir: Path):
    """The demo's registry entries, pointing at the running demo server."""
    from crawlers.registry import load_registry

    (workdir / "demo.yaml").write_text(SOURCES_FILE.read_text(encoding="utf-8").replace("{base_url}", base_url),
                                       encoding="utf-8")
    return list(load_registry(workdir).values())


def ensure_subscription(now: datetime):
    """The demo subscription, stored on the first run (its creation starts its first
    digest window, so it must exist before the first crawl)."""
    from alerts.subscriptions import load_yaml

    store = runtime.subscription_store()
    store.ensure_ready()
    try:
        wanted = load_yaml(SUBSCRIPTION_FILE)[0]
        existing = store.get(wanted.id)
        if existing is None:
            store.put(wanted.stamped(now))
        return store.get(wanted.id)
    finally:
        store.close()


def crawl(sources, store: ArticleStore, out: TextIO) -> int:
    """Crawl the demo sources once through the real crawler; returns articles published."""
    from crawlers.runner import delivery_failed, run_crawls
    from crawlers.services import CrawlServices

    publisher = ProgressPublisher(runtime.raw_publisher(), store, out)
    services = CrawlServices(publisher=publisher, state=runtime.crawl_state())
    try:
        reasons = run_crawls(sources, services=services, overrides=CRAWL_OVERRIDES)
    finally:
        publisher.close()
        services.state.close()
    if delivery_failed(reasons):
        raise UserError(f"the demo crawl could not store articles of {', '.join(delivery_failed(reasons))}; "
                        f"run again with --verbose to see why")
    return publisher.published


def write_digest(subscription, data_dir: Path, out: TextIO) -> None:
    """Deliver what is due into the outbox (.eml) and write the whole demo period's
    digest as HTML to open in a browser."""
    from alerts.digest import Window
    from alerts.delivery import parse_time

    deliverer = runtime.deliverer()
    now = datetime.now(timezone.utc)
    outcome = deliverer.run(subscription, now)
    if outcome.outcome == "sent":
        print(f"      sent a digest of {outcome.items} article(s) to the outbox (SMTP is not configured)", file=out)
    else:
        print(f"      nothing new to send since the last digest ({outcome.outcome})", file=out)
    rendered = deliverer.preview(subscription, Window(parse_time(subscription.created_at), now), now)
    html = data_dir / DIGEST_HTML
    html.write_text(rendered.html, encoding="utf-8")
    emails = sorted(settings.ALERTS_OUTBOX_DIR.glob("*.eml"), key=lambda p: p.stat().st_mtime)
    print(f"      subject: {rendered.subject}", file=out)
    print(f"      open in a browser: {html.as_uri()}", file=out)
    if emails:
        print(f"      as e-mail (.eml): {emails[-1]}", file=out)


def site_port(data_dir: Path) -> int:
    """The demo site's port: the one of earlier runs (article ids derive from URLs, port
    included, so a new port would make every page a new article), else 0 (any free one)."""
    try:
        return int((data_dir / PORT_FILE).read_text().strip())
    except (OSError, ValueError):
        return 0


def start_site(data_dir: Path) -> DemoSite:
    port = site_port(data_dir)
    try:
        site = DemoSite(datetime.now().date(), port)
    except OSError as exc:
        raise UserError(f"the demo site cannot listen on 127.0.0.1:{port} ({exc.strerror}); stop what uses it, "
                        f"or start over with --fresh") from None
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / PORT_FILE).write_text(str(site.port))
    return site


def _step(number: int, text: str, out: TextIO) -> None:
    print(f"[{number}/{STEPS}] {text}", file=out, flush=True)


def demo_data_dir() -> Path:
    return settings.POLICYWATCH_DATA_DIR / "demo"


def run_demo(data_dir: Path, *, fresh: bool = False, verbose: bool = False, out: TextIO = sys.stdout) -> int:
    started = time.monotonic()
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    use_demo_data_dir(data_dir)
    if not verbose:  # the demo prints its own progress; warnings and errors still show
        # On the handlers, not the loggers: Scrapy sets its own loggers to DEBUG when it starts.
        for handler in logging.getLogger().handlers:
            handler.setLevel(logging.WARNING)
    print("policywatch demo: crawl -> classify -> store -> digest, all on this machine (no servers needed)\n",
          file=out)
    with start_site(data_dir) as site, tempfile.TemporaryDirectory(prefix="policywatch-demo-") as work:
        _step(1, f"demo site serving at {site.base_url}/ (a GBK provincial portal, a ministry page, "
                 f"a finance news site)", out)
        sources = demo_sources(site.base_url, Path(work))
        store = runtime.article_store()
        store.ensure_ready()
        try:
            before = store.count()
            _step(2, f"embedded store {settings.EMBEDDED_DB_PATH} ({before} article(s) stored before)", out)
            subscription = ensure_subscription(datetime.now(timezone.utc))
            _step(3, f"subscription {subscription.id!r}: blockchain policy in "
                     f"{', '.join(subscription.filters.regions)}, {subscription.schedule.describe()}", out)
            _step(4, f"crawling {len(sources)} sources with the real crawler (registry-driven Scrapy spider, "
                     f"crawl state, in-process classify + index + match)", out)
            published = crawl(sources, store, out)
            after = store.count()
            if published:
                print(f"      {after - before} new article(s) classified and stored", file=out)
                time.sleep(1)  # digest windows end on whole seconds: let the last article's second pass
            else:
                print("      nothing new: every demo page was crawled before and has not changed", file=out)
            _step(5, "digest", out)
            write_digest(subscription, data_dir, out)
            _step(6, "summary", out)
            top = store.search(ArticleQuery(relevant=True, size=5)).hits
            print(format_summary(store.stats(None, None), top), file=out)
        finally:
            store.close()
    print(f"\nDone in {time.monotonic() - started:.0f} s. Data: {data_dir} (run again: nothing is crawled twice; "
          f"--fresh starts over).", file=out)
    print("Search the demo's articles:  .venv/bin/policywatch search 区块链 试点 --region Henan --since 30d --demo",
          file=out)
    print("Real sources: `policywatch run` crawls the registry (crawlers/sources/) on this machine; set "
          "KAFKA_BOOTSTRAP_SERVERS and ELASTICSEARCH_URL to run the distributed deployment "
          "(docs/operations.md).", file=out)
    return 0
