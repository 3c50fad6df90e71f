"""Operator subcommands: doctor, dlq, stats, es, kibana (see policywatch/cli.py).

Handlers parse arguments and print; the logic lives in policywatch/ops/.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

import settings
from policywatch.errors import PermanentError, TransientError, UserError


def register(commands) -> None:
    """Add the operator subcommands to the ``policywatch`` parser."""
    doctor = commands.add_parser(
        "doctor", help="check configuration, Kafka, Elasticsearch, SMTP and Kibana",
        description="Check the configuration and every server this deployment uses (Kafka, Elasticsearch, "
                    "SMTP, Kibana; the data folder and SQLite database in embedded mode). Prints OK, FAIL or "
                    "SKIP per check and how to fix each failure; secrets are shown redacted. Exits 1 when a "
                    "check fails.")
    doctor.set_defaults(handler=_doctor)

    stats = commands.add_parser(
        "stats", help="article counts by region, theme, source and day",
        description="Counts of the articles indexed in a period: total, relevant, and per region, theme, "
                    "application, document type (relevant articles), source and day (all articles).")
    stats.add_argument("--since", default="7d",
                       help="start of the period: a span back from now (90m, 24h, 7d, 2w) or an ISO date "
                            "(2024-05-01, UTC); default 7d")
    stats.add_argument("--json", action="store_true", help="print JSON instead of tables")
    stats.set_defaults(handler=_stats)

    dlq = commands.add_parser(
        "dlq", help="list or replay dead letters",
        description="Dead letters are messages the consumer could not decode or index (Kafka: the "
                    "KAFKA_TOPIC_DLQ topic; embedded: a table of the SQLite database). Replay progress is kept "
                    "by the consumer group <KAFKA_CONSUMER_GROUP>-dlq-replay.")
    dlq_commands = dlq.add_subparsers(dest="dlq_command", metavar="ACTION", required=True)
    dlq_list = dlq_commands.add_parser(
        "list", help="show pending dead letters (error, origin, article id)",
        description="Show the dead letters not yet replayed, oldest first, without changing anything.")
    dlq_list.add_argument("--limit", type=_positive, default=20, help="show at most N letters (default 20)")
    dlq_list.add_argument("--json", action="store_true", help="print one JSON object per letter")
    dlq_list.set_defaults(handler=_dlq_list)
    dlq_replay = dlq_commands.add_parser(
        "replay", help="after a fix, re-publish dead letters' original messages to the raw topic",
        description="Re-publish the original bytes of pending dead letters, oldest first, to KAFKA_TOPIC_RAW "
                    "(embedded: through the in-process pipeline), then mark them replayed. A letter that "
                    "cannot be replayed (unreadable, or its original was truncated for size) stops its "
                    "partition unless --skip-unreplayable is given.")
    dlq_replay.add_argument("--limit", type=_positive, default=100, help="replay at most N letters (default 100)")
    dlq_replay.add_argument("--dry-run", action="store_true", help="show what would be replayed; change nothing")
    dlq_replay.add_argument("--skip-unreplayable", action="store_true",
                            help="mark unreplayable letters as done instead of stopping at them")
    dlq_replay.set_defaults(handler=_dlq_replay)

    es = commands.add_parser("es", help="Elasticsearch maintenance",
                             description="Maintain the Elasticsearch indices behind the articles alias.")
    es_commands = es.add_subparsers(dest="es_command", metavar="ACTION", required=True)
    migrate = es_commands.add_parser(
        "migrate", help="apply a mapping change: new index, copy, atomic alias swap",
        description="After changing deploy/elasticsearch/articles.json and bumping its mapping_version: create "
                    "the new versioned index, copy every document into it, catch up with writes made meanwhile, "
                    "and swap the alias atomically (readers see no downtime, writers retry during the short "
                    "write block). The old indices stay, out of the alias, for a rollback.")
    migrate.add_argument("--batch-size", type=_positive, default=500, help="documents per bulk request (default 500)")
    migrate.set_defaults(handler=_es_migrate)

    kibana = commands.add_parser("kibana", help="Kibana saved objects",
                                 description="Manage the Kibana saved objects kept in deploy/kibana/.")
    kibana_commands = kibana.add_subparsers(dest="kibana_command", metavar="ACTION", required=True)
    kibana_import = kibana_commands.add_parser(
        "import", help="load deploy/kibana/*.ndjson into Kibana (overwrites by id)",
        description="Validate deploy/kibana/*.ndjson and load them through Kibana's saved-objects import API "
                    "(KIBANA_URL), overwriting objects with the same ids. Authenticates with the Elasticsearch "
                    "credentials (ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME/PASSWORD).")
    kibana_import.set_defaults(handler=_kibana_import)


def _doctor(args: argparse.Namespace) -> int:
    from policywatch.ops import doctor

    text, code = doctor.report()
    print(text)
    return code


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return value


def _dead_letter_queue():
    from policywatch import clients, runtime
    from policywatch.ops import dlq_queues

    if runtime.uses_kafka():
        return dlq_queues.KafkaDeadLetterQueue(clients.kafka_config(), settings.KAFKA_TOPIC_DLQ,
                                               f"{settings.KAFKA_CONSUMER_GROUP}-dlq-replay")
    return dlq_queues.SqliteDeadLetterQueue(settings.EMBEDDED_DB_PATH)


def _dlq_list(args: argparse.Namespace) -> int:
    import json

    from policywatch.ops import dlq

    queue = _dead_letter_queue()
    try:
        letters = [dead for _lane, dead in queue.read(args.limit)]
        pending = queue.pending()
    finally:
        queue.close()
    if args.json:
        for dead in letters:
            print(json.dumps(dlq.summary(dead), ensure_ascii=False))
    else:
        print(dlq.render(letters, pending))
    return 0


def _dlq_replay(args: argparse.Namespace) -> int:
    from policywatch import runtime
    from policywatch.ops import dlq, dlq_queues

    queue = _dead_letter_queue()
    publisher = None
    try:
        if not args.dry_run:
            publisher = runtime.kafka_publisher() if runtime.uses_kafka() else runtime.embedded_pipeline()
        plan = dlq_queues.replay(queue, publisher, settings.KAFKA_TOPIC_RAW, args.limit, args.dry_run,
                                 args.skip_unreplayable)
    finally:
        if publisher is not None:
            publisher.close()
        queue.close()
    print(dlq.render_plan(plan, settings.KAFKA_TOPIC_RAW, args.dry_run))
    return 1 if plan.held and not plan.replay and not plan.skipped else 0


def _stats(args: argparse.Namespace) -> int:
    from policywatch import runtime
    from policywatch.ops import stats

    until = datetime.now(timezone.utc)
    since = stats.parse_since(args.since, until)
    store = runtime.article_store()
    try:
        counts = store.stats(since, until)
    except (TransientError, PermanentError) as exc:
        raise UserError(f"cannot read the article store: {exc} (has the pipeline run, or `policywatch bootstrap`? "
                        "`policywatch doctor` checks the connections)") from None
    finally:
        store.close()
    print(stats.to_json(counts, since, until) if args.json else stats.render(counts, since, until))
    return 0


def _es_migrate(args: argparse.Namespace) -> int:
    from consumers.migrate import migrate
    from policywatch import clients, runtime
    from policywatch.store.elasticsearch import default_index_options

    if not runtime.uses_elasticsearch():
        raise UserError("es migrate needs Elasticsearch: set ELASTICSEARCH_URL (the embedded store has no mapping)")
    client = clients.elasticsearch_client()
    try:
        report = migrate(client, settings.ELASTICSEARCH_INDEX_PREFIX, default_index_options(),
                         batch_size=args.batch_size)
    except PermanentError as exc:
        raise UserError(str(exc)) from None
    finally:
        client.close()
    print(f"migrated {', '.join(report.old_indices)} -> {report.new_index} (analysis {report.analysis}): "
          f"{report.copied} copied, {report.caught_up} caught up, {report.deleted} deleted, {report.seconds}s")
    for note in report.notes:
        print(f"note: {note}")
    return 0


def _kibana_import(args: argparse.Namespace) -> int:
    from policywatch.ops import doctor, kibana

    if not settings.KIBANA_URL:
        raise UserError("KIBANA_URL is not set; set it to Kibana's address, e.g. http://kibana:5601")
    try:
        objects = kibana.load_saved_objects()
    except kibana.SavedObjectsError as exc:
        raise UserError(str(exc)) from None
    try:
        answer = kibana.import_saved_objects(settings.KIBANA_URL, doctor.kibana_headers(), kibana.to_ndjson(objects),
                                             settings.ELASTICSEARCH_CA_CERTS, settings.ELASTICSEARCH_VERIFY_CERTS)
    except kibana.KibanaError as exc:
        raise UserError(f"{exc} (fix: {exc.fix})") from None
    print(f"imported {answer.get('successCount', len(objects))} saved objects into {settings.KIBANA_URL}")
    return 0
