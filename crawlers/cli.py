"""Subcommands of the crawlers (see policywatch/cli.py): crawl, crawler, sources."""

from __future__ import annotations

import json
import signal
from datetime import datetime, timezone
from pathlib import Path

import settings
from crawlers.registry import KINDS, LANGS, select
from crawlers.spiderloader import default_registry
from policywatch.errors import UserError

_FIXTURES_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "sites"


def _cmd_crawl(args) -> int:
    from crawlers.runner import delivery_failed, run_crawls

    registry = default_registry()
    if args.all == bool(args.sources):
        raise UserError("name one or more sources, or pass --all (see `policywatch sources list`)")
    sources = list(registry.values()) if args.all else select(registry, args.sources)
    if args.max_pages is not None and args.max_pages < 1:
        raise UserError("--max-pages must be at least 1")
    reasons = run_crawls(sources, max_pages=args.max_pages)
    failed = delivery_failed(reasons)
    for name in sorted(reasons):
        print(f"{name}: {reasons[name]}")
    if failed:
        print(f"articles of {', '.join(failed)} could not be delivered; they stay unseen and are "
              "published by the next run")
        return 1
    return 0


def _cmd_crawler(args) -> int:
    from apscheduler.schedulers.blocking import BlockingScheduler

    from crawlers.scheduler import ChildProcessRun, schedule_sources
    from policywatch import metrics, runtime

    registry = default_registry()
    sources = select(registry, args.sources) if args.sources else list(registry.values())
    metrics.serve(settings.METRICS_PORT)
    scheduler = BlockingScheduler(timezone="UTC")
    state = runtime.crawl_state()
    run = ChildProcessRun(state, timeout_s=settings.CLOSESPIDER_TIMEOUT + 300 if settings.CLOSESPIDER_TIMEOUT else None)
    schedule_sources(scheduler, sources, run, datetime.now(timezone.utc), settings.CRAWL_MISFIRE_GRACE_S)
    # docker stop sends SIGTERM: finish the running crawls' bookkeeping like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    print(f"scheduling {len(sources)} sources; Ctrl-C stops")
    try:
        scheduler.start()
    finally:
        state.close()
    return 0


def _cmd_sources_list(args) -> int:
    sources = sorted(default_registry().values(), key=lambda s: (KINDS.index(s.kind), s.name))
    if args.json:
        print(json.dumps([s.summary() for s in sources], ensure_ascii=False, indent=2))
        return 0
    for source in sources:
        print(f"{source.name:28} {source.kind:10} {source.region:14} {source.lang}  every "
              f"{source.every_minutes:>4} min  {(source.start_urls or source.feeds or source.sitemaps)[0]}")
    print(f"{len(sources)} sources")
    return 0


def _cmd_sources_health(args) -> int:
    from crawlers.health import yield_of
    from policywatch import runtime

    registry = default_registry()
    names = args.sources or sorted(registry)
    select(registry, names)
    state = runtime.crawl_state()
    rows, reported = [], 0
    try:
        for name in names:
            runs = state.recent_runs(name, 1)
            if not runs:
                rows.append({"source": name, "status": "never run"})
                continue
            last = runs[0]
            problems = last.get("problems") or []
            reported += bool(problems)
            rows.append({"source": name, "status": ", ".join(problems) or "ok",
                         "finished_at": last["finished_at"], "yield": yield_of(last), **last["articles"],
                         "fallback_share": last["fallback_share"], "errors": sum(last["errors"].values()),
                         "duration_s": last["duration_s"]})
    finally:
        state.close()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            detail = "" if "yield" not in row else (
                f"  last {row['finished_at']}: {row['new']} new, {row['changed']} changed, "
                f"{row['unchanged']} unchanged, {row['errors']} errors, fallback {row['fallback_share']:.0%}")
            print(f"{row['source']:28} {row['status']}{detail}")
    print(f"{reported} of {len(names)} sources reported")
    return 1 if reported else 0


def _cmd_sources_add(args) -> int:
    from crawlers.scaffold import add_source

    paths = add_source(args.name, args.url, args.region, args.kind, args.lang, args.pattern,
                       settings.CRAWL_SOURCES_DIR, Path(args.fixtures_dir))
    for path in paths:
        print(f"wrote {path}")
    print("next: make the fixture pages look like the real site, then run "
          ".venv/bin/pytest tests/unit/crawlers/test_fixture_sites.py")
    return 0


def register(commands) -> None:
    """Add this part's subcommands to the ``policywatch`` parser."""
    crawl = commands.add_parser("crawl", help="crawl sources once and publish new or changed articles",
                                description="Crawl the named sources (or --all) once, in this process, and "
                                            "publish new or changed articles to the raw topic (or the embedded "
                                            "pipeline). Exits 1 if any article could not be delivered.")
    crawl.add_argument("sources", nargs="*", metavar="SOURCE", help="source names (see `policywatch sources list`)")
    crawl.add_argument("--all", action="store_true", help="crawl every source of the registry")
    crawl.add_argument("--max-pages", type=int, default=None, metavar="N",
                       help="stop each source after N responses (default CLOSESPIDER_PAGECOUNT)")
    crawl.set_defaults(handler=_cmd_crawl)

    crawler = commands.add_parser("crawler", help="long-running: crawl each source on its own interval",
                                  description="Run forever, starting each source's crawl every `every_minutes` "
                                              "(registry) in a child process; a source never runs twice at once. "
                                              "Serves Prometheus metrics on METRICS_PORT.")
    crawler.add_argument("sources", nargs="*", metavar="SOURCE", help="only these sources (default: all)")
    crawler.set_defaults(handler=_cmd_crawler)

    sources = commands.add_parser("sources", help="list, check and add crawl sources",
                                  description="The sources registry (crawlers/sources/*.yaml).")
    actions = sources.add_subparsers(dest="sources_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="print the registered sources",
                                 description="Print every registered source (name, kind, region, language, "
                                             "interval, first start URL).")
    listing.add_argument("--json", action="store_true", help="print a JSON list of objects instead")
    listing.set_defaults(handler=_cmd_sources_list)
    health = actions.add_parser("health", help="report sources whose last run looks broken (exit 1 if any)",
                                description="Show each source's last run: yield, fallback share, errors, and "
                                            "the problems found (zero_yield, mostly_fallback, failed).")
    health.add_argument("sources", nargs="*", metavar="SOURCE", help="only these sources (default: all)")
    health.add_argument("--json", action="store_true", help="print JSON instead")
    health.set_defaults(handler=_cmd_sources_health)
    add = actions.add_parser("add", help="scaffold a registry entry and its fixture pages",
                             description="Write crawlers/sources/NAME.yaml and tests/fixtures/sites/NAME/ "
                                         "(listing, article, expected JSON) for a portal-style source.")
    add.add_argument("name", help="source name: lower-case letters, digits and '-', e.g. gov-xiamen")
    add.add_argument("--url", required=True, help="start URL: the listing page to read each run")
    add.add_argument("--region", required=True, help="taxonomy region, e.g. Fujian or National")
    add.add_argument("--kind", choices=KINDS, default="provincial", help="kind of source (default provincial)")
    add.add_argument("--lang", choices=LANGS, default="zh", help="language (default zh)")
    add.add_argument("--pattern", default=None, help="article URL regex (default: common portal CMS URLs)")
    add.add_argument("--fixtures-dir", default=str(_FIXTURES_DIR), help="where fixture sites live")
    add.set_defaults(handler=_cmd_sources_add)
