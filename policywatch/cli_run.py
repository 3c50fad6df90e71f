"""``policywatch run`` (every part on one machine, or the demo) and ``policywatch search``.

Both work in either deployment: ``policywatch.runtime`` hands them the article store
and the raw-article publisher that the environment selects (SQLite + in-process
pipeline by default; Elasticsearch and Kafka when their variables are set).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

import settings
from policywatch import runtime, taxonomy
from policywatch.errors import PermanentError, TransientError, UserError
from policywatch.store.base import ArticleQuery, ArticleStore, SearchResult

log = logging.getLogger(__name__)
# How often `policywatch run` checks that its child processes are alive (seconds).
CHILD_CHECK_S = 5
_SINCE = re.compile(r"^(\d+)([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str, now: datetime) -> datetime:
    """``30d``, ``12h``, ``2w`` before ``now``, or a date ``2026-01-14`` (UTC midnight)."""
    match = _SINCE.match(value.strip().lower())
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"--since {value!r} is neither an age like 30d, 12h, 2w nor a date like 2026-01-14") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _choice(allowed: tuple[str, ...], what: str):
    """An argparse type accepting ``allowed`` values in any letter case."""
    by_folded = {value.casefold(): value for value in allowed}

    def convert(raw: str) -> str:
        try:
            return by_folded[raw.strip().casefold()]
        except KeyError:
            raise argparse.ArgumentTypeError(f"unknown {what} {raw!r}; one of: {', '.join(allowed)}") from None
    return convert


def build_query(args: argparse.Namespace, now: datetime) -> ArticleQuery:
    """The store query the search arguments ask for; ``-word`` terms are exclusions."""
    terms = " ".join(args.text).split()
    excluded = [t[1:] for t in terms if t.startswith("-") and len(t) > 1] + list(args.exclude)
    return ArticleQuery(
        text=" ".join(t for t in terms if not t.startswith("-")),
        exclude=tuple(excluded),
        regions=tuple(args.region), themes=tuple(args.theme), applications=tuple(args.application),
        doc_types=tuple(args.doc_type), sources=tuple(args.source), langs=tuple(args.lang),
        relevant=True if args.relevant_only else None, min_relevance=args.min_relevance,
        published_since=parse_since(args.since, now) if args.since else None,
        sort=args.sort, size=args.limit,
    )


def snippet(text: str, terms: list[str], width: int = 80) -> str:
    """About ``width`` characters of ``text`` around the first query term found in it."""
    flat = " ".join(text.split())
    lowered = flat.lower()
    hits = [i for i in (lowered.find(t.lower()) for t in terms) if i >= 0]
    start = max(0, min(hits) - width // 4) if hits else 0
    piece = flat[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")


def format_hits(result: SearchResult, query: ArticleQuery) -> str:
    """Search results as readable text, one block per article."""
    if not result.hits:
        return "No articles match. Widen the search (fewer terms or filters, a longer --since)."
    terms = query.text.split()
    blocks = [f"{result.total} article(s) match; showing {len(result.hits)}, sorted by {query.sort}.\n"]
    for number, hit in enumerate(result.hits, 1):
        labels = ", ".join(hit.get("themes") or []) or "-"
        verdict = "relevant" if hit.get("relevant") else "not relevant"
        blocks.append(
            f"{number}. {hit.get('title', '').strip()}\n"
            f"   {(hit.get('published') or 'undated')[:10]} | {hit.get('source')} | "
            f"regions: {', '.join(hit.get('regions') or []) or '-'} | {hit.get('doc_type') or '-'}\n"
            f"   themes: {labels} | {verdict} ({float(hit.get('relevance') or 0):.2f})\n"
            f"   {hit.get('url')}\n"
            f"   {snippet(hit.get('text') or '', terms)}\n")
    return "\n".join(blocks)


def _short(exc: Exception, limit: int = 160) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit] + "…"


def search_store(store: ArticleStore, query: ArticleQuery) -> SearchResult:
    """Run ``query``, turning backend failures into one line saying what to do."""
    try:
        return store.search(query)
    except TransientError as exc:
        if runtime.uses_elasticsearch() and "index_not_found" in str(exc):
            raise UserError(f"Elasticsearch at {settings.ELASTICSEARCH_URL} has no article index yet: "
                            f"run `policywatch bootstrap`, then crawl") from None
        if runtime.uses_elasticsearch():
            raise UserError(f"cannot reach Elasticsearch at {settings.ELASTICSEARCH_URL}: {_short(exc)}; "
                            f"start it or unset ELASTICSEARCH_URL to use the embedded store") from None
        raise UserError(f"cannot read the embedded store {settings.EMBEDDED_DB_PATH}: {exc}") from None
    except PermanentError as exc:
        raise UserError(f"the article store refused the search: {exc}; "
                        f"run `policywatch bootstrap` if the index does not exist yet") from None


def _cmd_search(args: argparse.Namespace) -> int:
    if args.demo:
        from policywatch.demo.run import demo_data_dir, use_demo_data_dir

        use_demo_data_dir(demo_data_dir())
    if not runtime.uses_elasticsearch() and not settings.EMBEDDED_DB_PATH.exists():
        raise UserError(f"no embedded store at {settings.EMBEDDED_DB_PATH} yet: run `policywatch run --demo` "
                        f"or `policywatch run` first (or set ELASTICSEARCH_URL)")
    query = build_query(args, datetime.now(timezone.utc))
    # The client's own retry warnings would bury the one line that says what to do.
    logging.getLogger("elastic_transport").setLevel(logging.ERROR)
    store = runtime.article_store()
    try:
        if not runtime.uses_elasticsearch():
            store.ensure_ready()  # creates the tables in an older or empty database file
        result = search_store(store, query)
    finally:
        store.close()
    if args.json:
        print(json.dumps({"total": result.total, "hits": result.hits}, ensure_ascii=False, indent=2))
    else:
        print(format_hits(result, query))
    return 0


def _add_search(commands) -> None:
    parser = commands.add_parser(
        "search", help="search stored articles (free text in Chinese or English, with filters)",
        description="Search the stored articles: Elasticsearch when ELASTICSEARCH_URL is set, else the "
                    "embedded SQLite store. Every term must occur (Chinese terms as substrings); a term "
                    "starting with - must not. Filters given several times match any of their values.",
        epilog='example: policywatch search "区块链 试点" --region Henan --since 30d')
    parser.add_argument("text", nargs="*", help="search terms, e.g. 区块链 试点 -比特币 (none: everything)")
    parser.add_argument("--exclude", action="append", default=[], metavar="TERM",
                        help="leave out articles containing TERM (repeatable; same as -TERM in the text)")
    parser.add_argument("--region", action="append", default=[], type=_choice(taxonomy.REGIONS, "region"),
                        help="province-level region or National, e.g. Henan (repeatable)")
    parser.add_argument("--theme", action="append", default=[], type=_choice(taxonomy.THEMES, "theme"),
                        help="policy theme, e.g. industrial_parks (repeatable)")
    parser.add_argument("--application", action="append", default=[],
                        type=_choice(taxonomy.APPLICATIONS, "application"),
                        help="application area, e.g. traceability (repeatable)")
    parser.add_argument("--doc-type", action="append", default=[], type=_choice(taxonomy.DOC_TYPES, "doc type"),
                        help="document type, e.g. policy_document (repeatable)")
    parser.add_argument("--source", action="append", default=[], help="source name from the registry (repeatable)")
    parser.add_argument("--lang", action="append", default=[], choices=("zh", "en"), help="language (repeatable)")
    parser.add_argument("--since", help="published within this age (30d, 12h, 2w) or since a date (2026-01-14)")
    parser.add_argument("--min-relevance", type=float, default=0.0, metavar="SCORE",
                        help="only articles whose relevance score is at least SCORE (0..1)")
    parser.add_argument("--relevant-only", action="store_true", help="only articles classified relevant")
    parser.add_argument("--sort", choices=("relevance", "published", "indexed"), default="relevance",
                        help="order of results (default: relevance, then newest)")
    parser.add_argument("--limit", type=int, default=10, help="most results to show (default 10)")
    parser.add_argument("--json", action="store_true", help="print the matching documents as JSON")
    parser.add_argument("--demo", action="store_true",
                        help="search the articles of `policywatch run --demo` (its own data directory)")
    parser.set_defaults(handler=_cmd_search)


def _start_child(command: str) -> subprocess.Popen:
    """``policywatch COMMAND`` as a child process (the Kafka consumer stages)."""
    return subprocess.Popen([sys.executable, "-m", "policywatch", command])


def _describe_mode(sources: int, subscriptions: int) -> str:
    store = (f"Elasticsearch {settings.ELASTICSEARCH_URL}" if runtime.uses_elasticsearch()
             else f"embedded store {settings.EMBEDDED_DB_PATH}")
    handoff = f"Kafka {settings.KAFKA_BOOTSTRAP_SERVERS}" if runtime.uses_kafka() else "in-process pipeline"
    mail = f"SMTP {settings.SMTP_HOST}:{settings.SMTP_PORT}" if settings.SMTP_HOST else f"outbox {settings.ALERTS_OUTBOX_DIR}"
    return (f"policywatch run: {sources} sources, {subscriptions} subscription(s); {handoff}, {store}, "
            f"digests to {mail}. Ctrl-C stops.")


def _prepare_backends():
    """Check the configured servers answer and create what the stores need, so a
    server that is down is one clear line now, not a failure in every child later.
    Returns the crawl state, subscription store and digest log."""
    from policywatch.errors import DeliveryError

    opened = []
    try:
        if runtime.uses_kafka():
            runtime.kafka_publisher().close()
        store = runtime.article_store()
        opened.append(store)
        store.ensure_ready()  # before the first crawl child writes to it
        state = runtime.crawl_state()
        opened.append(state)
        subscriptions = runtime.subscription_store()
        opened.append(subscriptions)
        subscriptions.ensure_ready()
        digest_log = runtime.digest_log()
        opened.append(digest_log)
        digest_log.ensure_ready()
    except DeliveryError as exc:
        _close_all(opened)
        raise UserError(f"{_short(exc)}; start Kafka or unset KAFKA_BOOTSTRAP_SERVERS to run embedded") from None
    except TransientError as exc:
        _close_all(opened)
        where = (f"Elasticsearch at {settings.ELASTICSEARCH_URL}" if runtime.uses_elasticsearch()
                 else f"the embedded database {settings.EMBEDDED_DB_PATH}")
        raise UserError(f"cannot use {where}: {_short(exc)}; start it or unset ELASTICSEARCH_URL") from None
    store.close()
    return state, subscriptions, digest_log


def _close_all(adapters) -> None:
    for adapter in adapters:
        adapter.close()


def run_everything() -> int:
    """Crawl scheduler + pipeline + digest scheduler in one process tree, until stopped.

    Each crawl is a child ``policywatch crawl NAME`` (crawlers.scheduler) whose
    ``runtime.raw_publisher()`` is the embedded pipeline (classify + index + match) or
    Kafka; with Kafka, the consumer and matcher run as child processes too. The two
    schedulers are separate so a source and a subscription may share a name (job ids).
    """
    from apscheduler.schedulers.background import BackgroundScheduler

    from alerts.scheduler import DigestScheduler
    from consumers.loop import install_stop_signals
    from crawlers.scheduler import ChildProcessRun, schedule_sources
    from crawlers.spiderloader import default_registry
    from policywatch import metrics

    stop = threading.Event()
    install_stop_signals(stop)
    sources = list(default_registry().values())
    state, subscriptions, digest_log = _prepare_backends()
    crawls = BackgroundScheduler(timezone=timezone.utc)
    timeout = settings.CLOSESPIDER_TIMEOUT + 300 if settings.CLOSESPIDER_TIMEOUT else None
    schedule_sources(crawls, sources, ChildProcessRun(state, timeout_s=timeout), datetime.now(timezone.utc),
                     settings.CRAWL_MISFIRE_GRACE_S)
    digests = DigestScheduler(BackgroundScheduler(timezone=timezone.utc), subscriptions, digest_log, runtime.deliverer(),
                              immediate_interval_s=settings.ALERTS_IMMEDIATE_INTERVAL_S,
                              misfire_grace_s=settings.ALERTS_MISFIRE_GRACE_S,
                              sync_interval_s=settings.ALERTS_SYNC_INTERVAL_S)
    children = {name: _start_child(name) for name in ("consume", "matcher")} if runtime.uses_kafka() else {}
    metrics.serve(settings.METRICS_PORT)
    digests.install()
    crawls.start()
    digests.scheduler.start()
    print(_describe_mode(len(sources), len(subscriptions.list())), flush=True)
    try:
        while not stop.wait(CHILD_CHECK_S):
            for name, child in children.items():
                if child.poll() is not None:  # a consumer that gave up resumes from its last commit
                    log.error("child process stopped; restarting it", extra={"command": name,
                                                                             "exit_code": child.returncode})
                    children[name] = _start_child(name)
    finally:
        crawls.shutdown(wait=False)
        digests.scheduler.shutdown(wait=False)
        for child in children.values():
            child.terminate()
        for child in children.values():
            child.wait(timeout=30)
        _close_all((state, subscriptions, digest_log))
    print("policywatch run: stopped", flush=True)
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    if args.demo:
        from policywatch.demo.run import demo_data_dir, run_demo

        return run_demo(demo_data_dir(), fresh=args.fresh, verbose=args.verbose)
    if args.fresh:
        raise UserError("--fresh only applies to --demo (it deletes the demo's data directory)")
    return run_everything()


def _add_run(commands) -> None:
    parser = commands.add_parser(
        "run", help="run every part on this machine (crawl scheduler, classify + index, digests), or the demo",
        description="Run policywatch on this machine until stopped (Ctrl-C): the crawl scheduler (each source "
                    "on its registry interval, in a child process), classification and indexing, subscription "
                    "matching and the digest scheduler. With KAFKA_BOOTSTRAP_SERVERS and ELASTICSEARCH_URL unset "
                    "the stages are joined in-process and stored in the embedded SQLite database "
                    "(EMBEDDED_DB_PATH); digests go to SMTP_HOST, else to .eml files in ALERTS_OUTBOX_DIR. "
                    "With them set, the same command uses Kafka and Elasticsearch and also runs the "
                    "consumer and matcher processes. Crawl state, articles and the digest log persist, so a "
                    "restart crawls, indexes and sends nothing twice.",
        epilog="first time? `policywatch run --demo` crawls a bundled demo site in about a minute")
    parser.add_argument("--demo", action="store_true",
                        help="serve a bundled demo site on localhost, crawl, classify and store it, print a "
                             "summary and write a sample digest (data in POLICYWATCH_DATA_DIR/demo), then exit")
    parser.add_argument("--fresh", action="store_true", help="with --demo: delete the demo's data first")
    parser.add_argument("--verbose", action="store_true", help="with --demo: show every log line")
    parser.set_defaults(handler=_cmd_run)


def register(commands) -> None:
    """Add ``run`` and ``search`` to the ``policywatch`` parser."""
    _add_run(commands)
    _add_search(commands)
