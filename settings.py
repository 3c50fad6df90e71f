"""policywatch settings: the only module that reads the environment.

Every constant is named like the environment variable that overrides it, and every
default works on one machine with nothing installed (embedded store, in-process
hand-off, outbox folder instead of SMTP). Setting KAFKA_BOOTSTRAP_SERVERS and
ELASTICSEARCH_URL switches to the distributed deployment.

This module doubles as Scrapy's settings module (see scrapy.cfg), so Scrapy
components read the same names through ``crawler.settings``. Every variable is
documented in deploy/.env.example; tests/unit/test_settings.py keeps the two in step.
"""

import os
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent


def _str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _int(name: str, default: int) -> int:
    raw = _str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"settings: {name}={raw!r} is not a whole number") from None


def _float(name: str, default: float) -> float:
    raw = _str(name)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"settings: {name}={raw!r} is not a number") from None


def _bool(name: str, default: bool) -> bool:
    raw = _str(name).lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"settings: {name}={raw!r} is not a boolean (use true or false)")


# --- General -------------------------------------------------------------------------
# Where the embedded store, crawl state, outbox and generated secrets live.
POLICYWATCH_DATA_DIR = Path(_str("POLICYWATCH_DATA_DIR", str(_REPO_ROOT / "var"))).resolve()
# Scrapy uses LOG_LEVEL too, so one variable sets both.
LOG_LEVEL = _str("LOG_LEVEL", "INFO").upper()
# "json" for ops (one object per line), "text" for people at a terminal.
POLICYWATCH_LOG_FORMAT = _str("POLICYWATCH_LOG_FORMAT", "text").lower()
# Time zone of sources that do not state one, and of digests without their own.
POLICYWATCH_TIMEZONE = _str("POLICYWATCH_TIMEZONE", "Asia/Shanghai")
# Port for Prometheus metrics of long-running processes; 0 turns the endpoint off.
METRICS_PORT = _int("METRICS_PORT", 0)

# --- Kafka (empty bootstrap servers = embedded in-process hand-off) -----------------
KAFKA_BOOTSTRAP_SERVERS = _str("KAFKA_BOOTSTRAP_SERVERS")
KAFKA_TOPIC_RAW = _str("KAFKA_TOPIC_RAW", "news.articles.raw")
KAFKA_TOPIC_CLASSIFIED = _str("KAFKA_TOPIC_CLASSIFIED", "news.articles.classified")
KAFKA_TOPIC_DLQ = _str("KAFKA_TOPIC_DLQ", "news.articles.dlq")
KAFKA_TOPIC_PARTITIONS = _int("KAFKA_TOPIC_PARTITIONS", 3)
KAFKA_REPLICATION_FACTOR = _int("KAFKA_REPLICATION_FACTOR", 1)
KAFKA_CONSUMER_GROUP = _str("KAFKA_CONSUMER_GROUP", "policywatch-indexer")
KAFKA_MATCHER_GROUP = _str("KAFKA_MATCHER_GROUP", "policywatch-matcher")
KAFKA_COMPRESSION = _str("KAFKA_COMPRESSION", "lz4")
KAFKA_SECURITY_PROTOCOL = _str("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
KAFKA_SASL_MECHANISM = _str("KAFKA_SASL_MECHANISM")
KAFKA_SASL_USERNAME = _str("KAFKA_SASL_USERNAME")
KAFKA_SASL_PASSWORD = _str("KAFKA_SASL_PASSWORD")
KAFKA_SSL_CAFILE = _str("KAFKA_SSL_CAFILE")
KAFKA_SSL_CERTFILE = _str("KAFKA_SSL_CERTFILE")
KAFKA_SSL_KEYFILE = _str("KAFKA_SSL_KEYFILE")

# --- Consumer (classify + index) ----------------------------------------------------
CONSUMER_BATCH_SIZE = _int("CONSUMER_BATCH_SIZE", 500)
CONSUMER_POLL_TIMEOUT_MS = _int("CONSUMER_POLL_TIMEOUT_MS", 1000)
# How long the group waits for a silent consumer (crashed, killed) before handing its
# partitions to another; heartbeats go every third of it.
CONSUMER_SESSION_TIMEOUT_MS = _int("CONSUMER_SESSION_TIMEOUT_MS", 10000)
# Transient failures (Elasticsearch down, 429, timeouts) are retried this many times,
# with exponential backoff starting at CONSUMER_RETRY_BACKOFF_S, before the process
# stops without committing (it resumes from the last commit when restarted).
CONSUMER_MAX_RETRIES = _int("CONSUMER_MAX_RETRIES", 8)
CONSUMER_RETRY_BACKOFF_S = _float("CONSUMER_RETRY_BACKOFF_S", 0.5)
CONSUMER_RETRY_BACKOFF_MAX_S = _float("CONSUMER_RETRY_BACKOFF_MAX_S", 30.0)
# A raw message larger than this goes to the dead-letter topic instead of being indexed.
CONSUMER_MAX_MESSAGE_BYTES = _int("CONSUMER_MAX_MESSAGE_BYTES", 2 * 1024 * 1024)
# Days the broker keeps dead letters (longer than other topics: they wait for a fix).
KAFKA_DLQ_RETENTION_DAYS = _int("KAFKA_DLQ_RETENTION_DAYS", 30)

# --- Elasticsearch (empty URL = embedded SQLite store) ------------------------------
ELASTICSEARCH_URL = _str("ELASTICSEARCH_URL")
ELASTICSEARCH_API_KEY = _str("ELASTICSEARCH_API_KEY")
ELASTICSEARCH_USERNAME = _str("ELASTICSEARCH_USERNAME")
ELASTICSEARCH_PASSWORD = _str("ELASTICSEARCH_PASSWORD")
ELASTICSEARCH_CA_CERTS = _str("ELASTICSEARCH_CA_CERTS")
ELASTICSEARCH_VERIFY_CERTS = _bool("ELASTICSEARCH_VERIFY_CERTS", True)
# Every index and alias name starts with this prefix, so test runs and tenants can share
# one cluster.
ELASTICSEARCH_INDEX_PREFIX = _str("ELASTICSEARCH_INDEX_PREFIX", "policywatch")
ELASTICSEARCH_REFRESH_INTERVAL = _str("ELASTICSEARCH_REFRESH_INTERVAL", "1s")
ELASTICSEARCH_REQUEST_TIMEOUT_S = _float("ELASTICSEARCH_REQUEST_TIMEOUT_S", 30.0)
# Replicas of each articles index (0 for a single node).
ELASTICSEARCH_REPLICAS = _int("ELASTICSEARCH_REPLICAS", 0)
# `policywatch consume` rolls the articles alias over to a new index once the write index
# holds this many documents or is this old (e.g. 90d); 0 / empty = never.
ELASTICSEARCH_ROLLOVER_MAX_DOCS = _int("ELASTICSEARCH_ROLLOVER_MAX_DOCS", 0)
ELASTICSEARCH_ROLLOVER_MAX_AGE = _str("ELASTICSEARCH_ROLLOVER_MAX_AGE")
# Rolled-over articles indices whose newest document is older than this many days are
# deleted; 0 = keep everything.
ELASTICSEARCH_RETENTION_DAYS = _int("ELASTICSEARCH_RETENTION_DAYS", 0)

# --- Kibana ---------------------------------------------------------------------------
KIBANA_URL = _str("KIBANA_URL")

# --- Embedded mode ----------------------------------------------------------------------
# SQLite database of the embedded store (articles, matches, subscriptions, digests,
# crawl state) when ELASTICSEARCH_URL is empty.
EMBEDDED_DB_PATH = Path(
    _str("EMBEDDED_DB_PATH", str(POLICYWATCH_DATA_DIR / "policywatch.sqlite3"))
).resolve()

# --- Crawlers (Scrapy settings and crawl behaviour) ----------------------------------
# Scrapy project (scrapy.cfg points here). Every registry source is also a spider name
# (`scrapy list`, `scrapy crawl gov-henan`) through the registry-aware spider loader.
BOT_NAME = "policywatch"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"
SPIDER_LOADER_CLASS = "crawlers.spiderloader.RegistrySpiderLoader"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Folder of the sources registry (one YAML file per group of sources).
CRAWL_SOURCES_DIR = Path(_str("CRAWL_SOURCES_DIR", str(_REPO_ROOT / "crawlers" / "sources"))).resolve()
# Contact address in the User-Agent, so site operators can reach us instead of blocking us.
CRAWL_CONTACT = _str("CRAWL_CONTACT", "policywatch-crawler@example.org")
USER_AGENT = f"policywatch-crawler/0.1 (+mailto:{CRAWL_CONTACT}; policy news monitoring)"
ROBOTSTXT_OBEY = _bool("ROBOTSTXT_OBEY", True)
COOKIES_ENABLED = False
# No remote consoles into a crawler (telnet, and the HTTP code-execution console of Scrapy 2.19).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# Politeness: AutoThrottle adapts the delay to each server's latency; never more than
# CONCURRENT_REQUESTS_PER_DOMAIN requests in flight to one host.
AUTOTHROTTLE_ENABLED = _bool("AUTOTHROTTLE_ENABLED", True)
AUTOTHROTTLE_START_DELAY = _float("AUTOTHROTTLE_START_DELAY", 2.0)
AUTOTHROTTLE_MAX_DELAY = _float("AUTOTHROTTLE_MAX_DELAY", 60.0)
AUTOTHROTTLE_TARGET_CONCURRENCY = _float("AUTOTHROTTLE_TARGET_CONCURRENCY", 1.0)
DOWNLOAD_DELAY = _float("DOWNLOAD_DELAY", 1.0)
CONCURRENT_REQUESTS = _int("CONCURRENT_REQUESTS", 16)
CONCURRENT_REQUESTS_PER_DOMAIN = _int("CONCURRENT_REQUESTS_PER_DOMAIN", 2)
# Retries on 5xx and timeouts; crawlers.middlewares.SlowDownMiddleware doubles the
# host's delay on each (backoff) and on 429/403 (slow-down), up to AUTOTHROTTLE_MAX_DELAY.
RETRY_ENABLED = True
RETRY_TIMES = _int("RETRY_TIMES", 3)
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Bounds against hostile pages: size, time, redirect loops, depth, pages per run.
DOWNLOAD_MAXSIZE = _int("DOWNLOAD_MAXSIZE", 8 * 1024 * 1024)
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# Attachments (PDF, Word) may be larger than pages, but are bounded too.
CRAWL_ATTACHMENT_MAXSIZE = _int("CRAWL_ATTACHMENT_MAXSIZE", 20 * 1024 * 1024)
# At most this many attachments are fetched per article.
CRAWL_ATTACHMENTS_PER_ARTICLE = _int("CRAWL_ATTACHMENTS_PER_ARTICLE", 3)
DOWNLOAD_TIMEOUT = _int("DOWNLOAD_TIMEOUT", 30)
REDIRECT_MAX_TIMES = _int("REDIRECT_MAX_TIMES", 5)
DEPTH_LIMIT = _int("DEPTH_LIMIT", 6)
# Listing pages followed per start URL ("next page" links), so endless pagination ends.
CRAWL_MAX_LISTING_PAGES = _int("CRAWL_MAX_LISTING_PAGES", 5)
# Per-run limits of one source's crawl (0 = no limit).
CLOSESPIDER_PAGECOUNT = _int("CLOSESPIDER_PAGECOUNT", 500)
CLOSESPIDER_TIMEOUT = _int("CLOSESPIDER_TIMEOUT", 1800)
CLOSESPIDER_ERRORCOUNT = _int("CLOSESPIDER_ERRORCOUNT", 100)
ITEM_PIPELINES = {"crawlers.pipelines.PublishPipeline": 300}
DOWNLOADER_MIDDLEWARES = {
    "crawlers.middlewares.ConditionalRequestMiddleware": 580,
    "crawlers.middlewares.SlowDownMiddleware": 560,
}
EXTENSIONS = {"crawlers.health.SourceHealthExtension": 500}
# Source health: a source whose last run yielded nothing although its median yield over
# the previous CRAWL_HEALTH_WINDOW runs was positive, or whose share of fallback
# extractions exceeds CRAWL_HEALTH_MAX_FALLBACK_SHARE, is reported.
CRAWL_HEALTH_WINDOW = _int("CRAWL_HEALTH_WINDOW", 7)
CRAWL_HEALTH_MAX_FALLBACK_SHARE = _float("CRAWL_HEALTH_MAX_FALLBACK_SHARE", 0.5)
# `policywatch crawler`: seconds a scheduled crawl may start late and still run.
CRAWL_MISFIRE_GRACE_S = _int("CRAWL_MISFIRE_GRACE_S", 900)

# --- Alerts: subscriptions, digests, mail, unsubscribe endpoint ----------------------
# SMTP server for digests; empty host = write .eml files to ALERTS_OUTBOX_DIR instead.
SMTP_HOST = _str("SMTP_HOST")
SMTP_PORT = _int("SMTP_PORT", 587)
# "starttls" (upgrade a plain connection), "ssl" (implicit TLS, usually port 465) or "none".
SMTP_TLS = _str("SMTP_TLS", "starttls").lower()
SMTP_USER = _str("SMTP_USER")
SMTP_PASSWORD = _str("SMTP_PASSWORD")
SMTP_TIMEOUT_S = _float("SMTP_TIMEOUT_S", 30.0)
# Where digests go as .eml files when SMTP_HOST is empty.
ALERTS_OUTBOX_DIR = Path(_str("ALERTS_OUTBOX_DIR", str(POLICYWATCH_DATA_DIR / "outbox"))).resolve()
ALERTS_FROM = _str("ALERTS_FROM", "policywatch <alerts@policywatch.localhost>")
ALERTS_REPLY_TO = _str("ALERTS_REPLY_TO")
# Address of the mailto: unsubscribe link; empty = the From address.
ALERTS_UNSUBSCRIBE_MAILTO = _str("ALERTS_UNSUBSCRIBE_MAILTO")
# Public base URL of `policywatch web`, used in unsubscribe links.
ALERTS_PUBLIC_URL = _str("ALERTS_PUBLIC_URL", "http://127.0.0.1:8025").rstrip("/")
ALERTS_WEB_HOST = _str("ALERTS_WEB_HOST", "127.0.0.1")
ALERTS_WEB_PORT = _int("ALERTS_WEB_PORT", 8025)
# HMAC key of unsubscribe tokens; empty = generated once into POLICYWATCH_DATA_DIR.
ALERTS_UNSUBSCRIBE_SECRET = _str("ALERTS_UNSUBSCRIBE_SECRET")
# A digest covers articles indexed up to this many seconds before it runs, so matches
# that arrive a little after indexing are not skipped (they go into the next digest).
ALERTS_LATE_BUFFER_S = _int("ALERTS_LATE_BUFFER_S", 300)
# How often "immediate" subscriptions are sent (batched), in seconds.
ALERTS_IMMEDIATE_INTERVAL_S = _int("ALERTS_IMMEDIATE_INTERVAL_S", 300)
# How often the scheduler re-reads subscriptions (and the matcher checks for changes).
ALERTS_SYNC_INTERVAL_S = _int("ALERTS_SYNC_INTERVAL_S", 60)
# A job that could not run on time still runs if it is at most this late.
ALERTS_MISFIRE_GRACE_S = _int("ALERTS_MISFIRE_GRACE_S", 3600)
# Failed sends are retried with exponential backoff between these bounds (seconds).
ALERTS_RETRY_BACKOFF_S = _int("ALERTS_RETRY_BACKOFF_S", 60)
ALERTS_RETRY_BACKOFF_MAX_S = _int("ALERTS_RETRY_BACKOFF_MAX_S", 3600)
# A digest left "sending" longer than this is taken as a crashed sender (see alerts/delivery.py).
ALERTS_SENDING_LEASE_S = _int("ALERTS_SENDING_LEASE_S", 600)
# Most items listed in one digest (the header still counts all).
ALERTS_MAX_ITEMS = _int("ALERTS_MAX_ITEMS", 50)

# --- Test harness ----------------------------------------------------------------------
# Addresses of the real servers that deploy/local/test.sh starts for the test suite.
# Kept apart from KAFKA_BOOTSTRAP_SERVERS / ELASTICSEARCH_URL so a test run never
# switches the product itself out of its embedded default by accident.
POLICYWATCH_TEST_KAFKA = _str("POLICYWATCH_TEST_KAFKA")
POLICYWATCH_TEST_ELASTICSEARCH = _str("POLICYWATCH_TEST_ELASTICSEARCH")
