"""Subcommands of the alerts part: subscriptions, digest, alerts, web, matcher.

Every command builds its stores from settings through policywatch/runtime.py, so the
same commands work embedded (SQLite, outbox) and distributed (Elasticsearch, SMTP).
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import settings
from alerts.digest import Window
from alerts.subscriptions import (DIGEST_LANGUAGES, GROUPINGS, SubscriptionError, load_yaml, parse_subscription)
from consumers.cli import add_max_idle_polls_argument
from policywatch import runtime
from policywatch.cli_run import parse_since
from policywatch.errors import UserError

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _ready(store):
    store.ensure_ready()
    return store


def _subscription(store, subscription_id: str):
    sub = store.get(subscription_id)
    if sub is None:
        raise UserError(f"no subscription {subscription_id!r} (see `policywatch subscriptions list`)")
    return sub


def _schedule_from_args(args: argparse.Namespace):
    if args.immediate:
        return "immediate"
    if args.daily:
        return {"kind": "daily", "at": args.daily, "timezone": args.timezone}
    if args.weekly:
        day, _, at = args.weekly.partition(" ")
        return {"kind": "weekly", "day": day, "at": at.strip(), "timezone": args.timezone}
    return {"kind": "cron", "cron": args.cron, "timezone": args.timezone}


def _cmd_add(args: argparse.Namespace) -> int:
    data = {
        "id": args.id, "email": args.email, "name": args.name or "", "language": args.language,
        "grouping": args.grouping, "send_empty": args.send_empty, "schedule": _schedule_from_args(args),
        "filters": {"regions": args.region, "themes": args.theme, "applications": args.application,
                    "doc_types": args.doc_type, "sources": args.source, "langs": args.lang,
                    "min_relevance": args.min_relevance, "relevant_only": not args.all_articles,
                    "query": args.query, "exclude": args.exclude},
    }
    store = _ready(runtime.subscription_store())
    try:
        sub = parse_subscription(data)
    except SubscriptionError as exc:
        raise UserError(str(exc)) from None
    existing = store.get(sub.id)
    if existing and not args.replace:
        raise UserError(f"subscription {sub.id!r} exists; pass --replace to overwrite it")
    store.put(replace(sub, created_at=existing.created_at if existing else "").stamped(_now()))
    print(f"{'replaced' if existing else 'added'} subscription {sub.id} ({sub.schedule.describe()})")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    subs = _ready(runtime.subscription_store()).list()
    for sub in subs:
        state = "" if sub.active else "  [unsubscribed]"
        print(f"{sub.id:<24} {sub.email:<32} {sub.language} {sub.schedule.describe()}{state}")
    print(f"{len(subs)} subscription(s)")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    sub = _subscription(_ready(runtime.subscription_store()), args.id)
    print(json.dumps(sub.to_dict(), ensure_ascii=False, indent=2))
    for record in _ready(runtime.digest_log()).for_subscription(sub.id, limit=args.history):
        print(f"digest {record.window_start} .. {record.window_end} {record.state} "
              f"items={record.item_count} attempts={record.attempts}")
    return 0


def _cmd_remove(args: argparse.Namespace) -> int:
    if not _ready(runtime.subscription_store()).remove(args.id):
        raise UserError(f"no subscription {args.id!r}")
    print(f"removed subscription {args.id}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    try:
        subs = load_yaml(args.file)
    except SubscriptionError as exc:
        raise UserError(str(exc)) from None
    store = _ready(runtime.subscription_store())
    now = _now()
    for sub in subs:  # every entry was validated before the first is saved
        existing = store.get(sub.id)
        store.put(replace(sub, created_at=existing.created_at if existing else "").stamped(now))
    print(f"imported {len(subs)} subscription(s) from {args.file}")
    return 0


def _cmd_preview(args: argparse.Namespace) -> int:
    sub = _subscription(_ready(runtime.subscription_store()), args.id)
    now = _now()
    rendered = runtime.deliverer().preview(sub, Window(parse_since(args.since, now), now), now)
    print(f"Subject: {rendered.subject}\n")
    print(rendered.text)
    if args.html:
        args.html.write_text(rendered.html, encoding="utf-8")
        print(f"HTML written to {args.html}")
    return 0


def _cmd_send_now(args: argparse.Namespace) -> int:
    sub = _subscription(_ready(runtime.subscription_store()), args.id)
    outcome = runtime.deliverer().run(sub, _now(), force=True)
    print(f"{sub.id}: {outcome.outcome}" + (f" ({outcome.items} items)" if outcome.items else "")
          + (f": {outcome.detail}" if outcome.detail else ""))
    return 1 if outcome.outcome in ("failed", "error") else 0


def _cmd_alerts(args: argparse.Namespace) -> int:
    from apscheduler.schedulers.background import BackgroundScheduler

    from alerts.scheduler import DigestScheduler
    from consumers.loop import install_stop_signals
    from policywatch import metrics

    metrics.serve(settings.METRICS_PORT)
    # APScheduler logs every job start at INFO; our own log line per run says more.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    digest_log = _ready(runtime.digest_log())
    jobs = DigestScheduler(BackgroundScheduler(timezone=timezone.utc), _ready(runtime.subscription_store()),
                           digest_log, runtime.deliverer(), immediate_interval_s=settings.ALERTS_IMMEDIATE_INTERVAL_S,
                           misfire_grace_s=settings.ALERTS_MISFIRE_GRACE_S,
                           sync_interval_s=settings.ALERTS_SYNC_INTERVAL_S)
    stop = threading.Event()
    install_stop_signals(stop)  # SIGTERM / SIGINT: finish running jobs, then exit
    jobs.install()
    jobs.scheduler.start()
    log.info("digest scheduler started")
    stop.wait()
    jobs.scheduler.shutdown(wait=True)
    log.info("digest scheduler stopped")
    return 0


def _cmd_web(args: argparse.Namespace) -> int:
    from alerts.tokens import load_secret
    from alerts.web import make_server

    server = make_server(args.host, args.port, _ready(runtime.subscription_store()),
                         load_secret(settings.ALERTS_UNSUBSCRIBE_SECRET, settings.POLICYWATCH_DATA_DIR))
    log.info("unsubscribe endpoint up", extra={"url": f"http://{args.host}:{server.server_port}/unsubscribe"})
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _cmd_matcher(args: argparse.Namespace) -> int:
    from alerts.matcher import build_match_handler
    from consumers.loop import install_stop_signals, run_consumer
    from policywatch import metrics

    if not runtime.uses_kafka():
        raise UserError("KAFKA_BOOTSTRAP_SERVERS is not set: embedded runs match in-process (policywatch run)")
    metrics.serve(settings.METRICS_PORT)
    dead_letter_publisher = runtime.kafka_publisher()
    handler = build_match_handler(runtime.subscription_store(), runtime.match_store(), dead_letter_publisher,
                                  settings.KAFKA_TOPIC_DLQ, check_interval_s=settings.ALERTS_SYNC_INTERVAL_S)
    stop = threading.Event()
    install_stop_signals(stop)
    try:
        run_consumer([settings.KAFKA_TOPIC_CLASSIFIED], settings.KAFKA_MATCHER_GROUP, handler, stop_event=stop,
                     max_idle_polls=args.max_idle_polls)
    finally:
        dead_letter_publisher.close()
    return 0


def _add_subscription_parser(actions) -> None:
    add = actions.add_parser("add", help="add (or with --replace, overwrite) one subscription",
                             description="Add a subscription. Label values are those of the taxonomy "
                                         "(e.g. --region Henan --theme regulation).")
    add.add_argument("--id", required=True, help="slug: lower-case letters, digits, - and _")
    add.add_argument("--email", required=True, help="recipient address")
    add.add_argument("--name", default="", help="recipient name (greeting, To header)")
    add.add_argument("--language", choices=DIGEST_LANGUAGES, default="en", help="digest language (default en)")
    add.add_argument("--grouping", choices=GROUPINGS, default="region", help="group items by (default region)")
    when = add.add_mutually_exclusive_group(required=True)
    when.add_argument("--daily", metavar="HH:MM", help="send every day at this local time")
    when.add_argument("--weekly", metavar="'DAY HH:MM'", help="send weekly, e.g. 'mon 08:00'")
    when.add_argument("--cron", metavar="EXPR", help="five-field crontab expression, e.g. '0 8 * * 1-5'")
    when.add_argument("--immediate", action="store_true",
                      help=f"send within minutes of indexing (batched every {settings.ALERTS_IMMEDIATE_INTERVAL_S}s)")
    add.add_argument("--timezone", default=settings.POLICYWATCH_TIMEZONE,
                     help="IANA time zone of the schedule (default POLICYWATCH_TIMEZONE)")
    for flag, what in (("--region", "region"), ("--theme", "theme"), ("--application", "application"),
                       ("--doc-type", "document type"), ("--source", "source name"),
                       ("--lang", "article language (zh, en)"), ("--exclude", "term that must not occur")):
        add.add_argument(flag, action="append", default=[], help=f"{what}; repeat for several")
    add.add_argument("--query", default="", help="terms that must all occur; a|b = either; \"a b\" = phrase")
    add.add_argument("--min-relevance", type=float, default=0.0, help="minimum relevance 0..1")
    add.add_argument("--all-articles", action="store_true", help="also match articles classified not relevant")
    add.add_argument("--send-empty", action="store_true", help="send a digest even when nothing matched")
    add.add_argument("--replace", action="store_true", help="overwrite an existing subscription with this id")
    add.set_defaults(handler=_cmd_add)


def register(commands) -> None:
    """Add this part's subcommands to the ``policywatch`` parser."""
    subs = commands.add_parser("subscriptions", help="manage digest subscriptions",
                               description="Add, list, show, remove or import digest subscriptions.")
    actions = subs.add_subparsers(dest="action", metavar="ACTION", required=True)
    _add_subscription_parser(actions)
    actions.add_parser("list", help="list subscriptions").set_defaults(handler=_cmd_list)
    show = actions.add_parser("show", help="one subscription and its latest digests")
    show.add_argument("id", help="subscription id")
    show.add_argument("--history", type=int, default=10, help="digest records to list (default 10)")
    show.set_defaults(handler=_cmd_show)
    remove = actions.add_parser("remove", help="delete a subscription")
    remove.add_argument("id", help="subscription id")
    remove.set_defaults(handler=_cmd_remove)
    load = actions.add_parser("import", help="add or replace subscriptions from a YAML file",
                              description="Import subscriptions (see deploy/subscriptions.example.yaml); "
                                          "nothing is saved unless every entry is valid.")
    load.add_argument("file", type=Path, help="YAML file with a top-level 'subscriptions:' list")
    load.set_defaults(handler=_cmd_import)

    digest = commands.add_parser("digest", help="preview or send one subscriber's digest")
    digest_actions = digest.add_subparsers(dest="action", metavar="ACTION", required=True)
    preview = digest_actions.add_parser("preview", help="render a digest of recent matches without sending")
    preview.add_argument("id", help="subscription id")
    preview.add_argument("--since", default="7d", help="period: 12h, 7d, 2w or a date (default 7d)")
    preview.add_argument("--html", type=Path, help="also write the HTML part to this file")
    preview.set_defaults(handler=_cmd_preview)
    send = digest_actions.add_parser("send-now", help="send the due window now (ignores a retry backoff)")
    send.add_argument("id", help="subscription id")
    send.set_defaults(handler=_cmd_send_now)

    commands.add_parser("alerts", help="run the digest scheduler (one job per subscription)",
                        description="Send digests on each subscription's schedule; picks up changes "
                                    "without a restart.").set_defaults(handler=_cmd_alerts)
    web = commands.add_parser("web", help="serve the one-click unsubscribe endpoint",
                              description="HTTP endpoint for List-Unsubscribe links (GET confirms, POST "
                                          "unsubscribes).")
    web.add_argument("--host", default=settings.ALERTS_WEB_HOST, help="interface (default ALERTS_WEB_HOST)")
    web.add_argument("--port", type=int, default=settings.ALERTS_WEB_PORT, help="port (default ALERTS_WEB_PORT)")
    web.set_defaults(handler=_cmd_web)
    matcher = commands.add_parser("matcher", help="match classified articles to subscriptions (Kafka consumer)",
                                  description=f"Consume {settings.KAFKA_TOPIC_CLASSIFIED} as group "
                                              f"{settings.KAFKA_MATCHER_GROUP} and store matches.")
    add_max_idle_polls_argument(matcher)
    matcher.set_defaults(handler=_cmd_matcher)
