"""Subcommands of this part of policywatch (see policywatch/cli.py): consume, bootstrap,
reclassify."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone

import settings
from policywatch import clients, metrics, runtime
from policywatch.errors import PermanentError, TransientError, UserError

log = logging.getLogger(__name__)

# Exit status when a batch kept failing transiently (nothing of it committed): the
# supervisor should restart the consumer, which resumes from the last commit.
EXIT_RETRIES_EXHAUSTED = 75
HOUSEKEEPING_INTERVAL_S = 3600.0
RECLASSIFY_CHECKPOINT = "reclassify-checkpoint.json"


def add_max_idle_polls_argument(parser) -> None:
    """``--max-idle-polls N`` for commands that run a consumer loop (drain, then exit)."""
    parser.add_argument("--max-idle-polls", type=int, default=None, metavar="N",
                        help="stop after N empty polls in a row (drain the topic, then exit); default: run "
                             "until stopped")


def register(commands) -> None:
    """Add this part's subcommands to the ``policywatch`` parser."""
    consume = commands.add_parser(
        "consume", help="run the indexer: raw topic -> classify -> Elasticsearch (long-running)",
        description="Consume the raw topic (KAFKA_TOPIC_RAW) as group KAFKA_CONSUMER_GROUP in batches of "
                    "CONSUMER_BATCH_SIZE: classify, index into the articles alias, send undecodable or "
                    "refused messages to KAFKA_TOPIC_DLQ and stored documents to KAFKA_TOPIC_CLASSIFIED. "
                    "Offsets are committed only after a batch is stored. Transient failures are retried "
                    "CONSUMER_MAX_RETRIES times with backoff; then the command exits with status 75 having "
                    "committed nothing of the batch (restart it to resume). SIGTERM/SIGINT stop it cleanly. "
                    "Serves Prometheus metrics on METRICS_PORT and rolls over / expires indices hourly.")
    add_max_idle_polls_argument(consume)
    consume.set_defaults(handler=_cmd_consume)

    bootstrap = commands.add_parser(
        "bootstrap", help="create the Kafka topics, the index template, the first index and the alias",
        description="Create what the pipeline needs: the raw, classified and dead-letter topics "
                    "(KAFKA_TOPIC_PARTITIONS, KAFKA_REPLICATION_FACTOR; dead letters kept "
                    "KAFKA_DLQ_RETENTION_DAYS) and the articles index template, first index and alias "
                    "(deploy/elasticsearch/). Idempotent: running it again changes nothing. Embedded "
                    "(no KAFKA_BOOTSTRAP_SERVERS / ELASTICSEARCH_URL): prepares the SQLite store.")
    bootstrap.set_defaults(handler=_cmd_bootstrap)

    reclassify = commands.add_parser(
        "reclassify", help="re-label every stored article with the current classifier",
        description="Classify every stored article again, in article-id order and batches, and write back "
                    "those whose labels changed. Progress is checkpointed in POLICYWATCH_DATA_DIR/"
                    f"{RECLASSIFY_CHECKPOINT}; --resume continues an interrupted run from there.")
    reclassify.add_argument("--resume", action="store_true",
                            help="continue after the last checkpoint instead of starting over")
    reclassify.add_argument("--batch-size", type=int, default=500, metavar="N",
                            help="articles per batch (default 500)")
    reclassify.set_defaults(handler=_cmd_reclassify)


def _cmd_consume(args) -> int:
    from consumers.indexer import build_indexer
    from consumers.loop import RetriesExhausted, install_stop_signals, run_consumer

    if not runtime.uses_kafka():
        raise UserError("consume reads Kafka: set KAFKA_BOOTSTRAP_SERVERS (embedded, `policywatch crawl` "
                        "indexes directly)")
    store = runtime.article_store()
    try:
        store.ensure_ready()
    except TransientError as exc:  # the loop retries writes; the store may come up later
        log.warning("article store not ready yet", extra={"error": str(exc)})
    publisher = runtime.kafka_publisher()
    stop = threading.Event()
    install_stop_signals(stop)
    metrics.serve(settings.METRICS_PORT)
    try:
        run_consumer([settings.KAFKA_TOPIC_RAW], settings.KAFKA_CONSUMER_GROUP,
                     build_indexer(store, publisher).handle_batch, stop_event=stop,
                     max_idle_polls=args.max_idle_polls,
                     housekeeping=_housekeeping if runtime.uses_elasticsearch() else None,
                     housekeeping_interval_s=HOUSEKEEPING_INTERVAL_S)
    except RetriesExhausted as exc:
        log.error("consumer stopping: a batch kept failing; nothing of it was committed",
                  extra={"error": str(exc)})
        return EXIT_RETRIES_EXHAUSTED
    finally:
        publisher.close()
        store.close()
    return 0


def _housekeeping() -> None:
    from consumers import lifecycle

    client = clients.elasticsearch_client()
    try:
        lifecycle.rollover(client, settings.ELASTICSEARCH_INDEX_PREFIX, settings.ELASTICSEARCH_ROLLOVER_MAX_DOCS,
                           settings.ELASTICSEARCH_ROLLOVER_MAX_AGE)
        lifecycle.apply_retention(client, settings.ELASTICSEARCH_INDEX_PREFIX, settings.ELASTICSEARCH_RETENTION_DAYS,
                                  datetime.now(timezone.utc))
    finally:
        client.close()


def _cmd_bootstrap(args) -> int:
    from consumers.bootstrap import bootstrap, default_topic_specs
    from policywatch.store.elasticsearch import default_index_options

    if not (runtime.uses_kafka() or runtime.uses_elasticsearch()):
        store = runtime.article_store()
        store.ensure_ready()
        store.close()
        print(f"embedded store ready: {settings.EMBEDDED_DB_PATH}")
        return 0
    es_client = clients.elasticsearch_client() if runtime.uses_elasticsearch() else None
    try:
        report = bootstrap(clients.kafka_config() if runtime.uses_kafka() else None, default_topic_specs(),
                           es_client, settings.ELASTICSEARCH_INDEX_PREFIX, default_index_options())
    except (TransientError, PermanentError) as exc:
        raise UserError(f"bootstrap incomplete (run it again when fixed): {exc}") from None
    finally:
        if es_client is not None:
            es_client.close()
    for thing, outcome in report.items():
        print(f"{thing}: {outcome}")
    return 0


def _cmd_reclassify(args) -> int:
    from consumers.classifier import classify, lexicon
    from consumers.reclassify import reclassify

    lexicon()  # a broken lexicon stops here, before any document is touched

    if args.batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    checkpoint = settings.POLICYWATCH_DATA_DIR / RECLASSIFY_CHECKPOINT
    store = runtime.article_store()
    try:
        report = reclassify(store, classify, checkpoint, resume=args.resume, batch_size=args.batch_size)
    except TransientError as exc:
        raise UserError(f"reclassify interrupted ({exc}); run `policywatch reclassify --resume` "
                        "when the store is back") from None
    finally:
        store.close()
    print(f"reclassified: {report.scanned} scanned, {report.changed} changed, {report.refused} refused"
          + (f" (resumed after {report.resumed_after})" if report.resumed_after else ""))
    return 0
