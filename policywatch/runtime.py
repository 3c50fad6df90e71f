"""Composition root: builds each process's adapters from settings.

This is where the embedded default and the distributed deployment part ways. With
KAFKA_BOOTSTRAP_SERVERS unset the stages are joined in-process; with ELASTICSEARCH_URL
unset everything is stored in the embedded SQLite database. Nothing below this module
looks at settings to decide which backend it talks to: it is handed one.
"""

from __future__ import annotations

import settings
from policywatch import clients
from policywatch.bus.base import Publisher
from policywatch.store.base import ArticleStore


def uses_kafka() -> bool:
    return bool(settings.KAFKA_BOOTSTRAP_SERVERS)


def uses_elasticsearch() -> bool:
    return bool(settings.ELASTICSEARCH_URL)


def article_store() -> ArticleStore:
    if uses_elasticsearch():
        from policywatch.store.elasticsearch import ElasticsearchArticleStore

        return ElasticsearchArticleStore(clients.elasticsearch_client(), settings.ELASTICSEARCH_INDEX_PREFIX)
    from policywatch.store.sqlite import SqliteArticleStore

    return SqliteArticleStore(settings.EMBEDDED_DB_PATH)


def kafka_publisher() -> Publisher:
    from policywatch.bus.kafka import KafkaPublisher

    return KafkaPublisher(clients.kafka_config(), settings.KAFKA_COMPRESSION)


def raw_publisher() -> Publisher:
    """Where crawlers send articles: the raw Kafka topic, or the embedded pipeline."""
    if uses_kafka():
        return kafka_publisher()
    return embedded_pipeline()


def embedded_pipeline() -> Publisher:
    """The downstream stages joined in-process: raw -> classify + index -> match.

    Each stage is the same batch handler its Kafka consumer loop runs; dead letters go
    to the store's dead-letter table instead of a topic.
    """
    from alerts.matcher import build_match_handler
    from consumers.indexer import build_indexer
    from policywatch.bus.inprocess import InProcessPublisher
    from policywatch.store.sqlite import SqliteDeadLetters

    bus = InProcessPublisher()
    store = article_store()
    store.ensure_ready()
    bus.subscribe(settings.KAFKA_TOPIC_RAW, build_indexer(store=store, publisher=bus).handle_batch)
    bus.subscribe(settings.KAFKA_TOPIC_CLASSIFIED,
                  build_match_handler(subscription_store(), match_store(), bus, settings.KAFKA_TOPIC_DLQ))
    bus.subscribe(settings.KAFKA_TOPIC_DLQ, SqliteDeadLetters(settings.EMBEDDED_DB_PATH).handle_batch)
    return bus


def crawl_state():
    """The crawlers' incremental state: an Elasticsearch index shared by every crawler
    process, or tables of the embedded SQLite database."""
    if uses_elasticsearch():
        from crawlers.state import ElasticsearchCrawlState

        return ElasticsearchCrawlState(clients.elasticsearch_client(), clients.index_name("crawlstate"))
    from crawlers.state import SqliteCrawlState

    return SqliteCrawlState(settings.EMBEDDED_DB_PATH)


def subscription_store():
    """Alert subscriptions: an Elasticsearch index, or a table of the embedded database."""
    if uses_elasticsearch():
        from alerts.store.elasticsearch import ElasticsearchSubscriptionStore

        return ElasticsearchSubscriptionStore(clients.elasticsearch_client(), clients.index_name("subscriptions"))
    from alerts.store.sqlite import SqliteSubscriptionStore

    return SqliteSubscriptionStore(settings.EMBEDDED_DB_PATH)


def match_store():
    """Which article matched which subscription (written by the matcher, read by digests)."""
    if uses_elasticsearch():
        from alerts.store.elasticsearch import ElasticsearchMatchStore

        return ElasticsearchMatchStore(clients.elasticsearch_client(), clients.index_name("matches"))
    from alerts.store.sqlite import SqliteMatchStore

    return SqliteMatchStore(settings.EMBEDDED_DB_PATH)


def digest_log():
    """The digest log (claims, sends, watermarks) shared by every scheduler process."""
    if uses_elasticsearch():
        from alerts.store.elasticsearch import ElasticsearchDigestLog

        return ElasticsearchDigestLog(clients.elasticsearch_client(), clients.index_name("digests"))
    from alerts.store.sqlite import SqliteDigestLog

    return SqliteDigestLog(settings.EMBEDDED_DB_PATH)


def mailer():
    """SMTP when SMTP_HOST is set, else .eml files in the outbox folder."""
    from alerts.mailer import OutboxMailer, SmtpMailer

    if settings.SMTP_HOST:
        return SmtpMailer(settings.SMTP_HOST, settings.SMTP_PORT, settings.SMTP_TLS, settings.SMTP_USER,
                          settings.SMTP_PASSWORD, settings.SMTP_TIMEOUT_S)
    return OutboxMailer(settings.ALERTS_OUTBOX_DIR)


def deliverer():
    """Digest delivery (claim, render, send, mark) over the match store, the digest log
    and the mailer, configured from settings; every digest-sending process uses it."""
    from alerts.delivery import DeliveryConfig, Deliverer
    from alerts.tokens import load_secret

    config = DeliveryConfig(
        sender=settings.ALERTS_FROM, reply_to=settings.ALERTS_REPLY_TO, public_url=settings.ALERTS_PUBLIC_URL,
        unsubscribe_mailto=settings.ALERTS_UNSUBSCRIBE_MAILTO,
        secret=load_secret(settings.ALERTS_UNSUBSCRIBE_SECRET, settings.POLICYWATCH_DATA_DIR),
        late_buffer_s=settings.ALERTS_LATE_BUFFER_S, backoff_s=settings.ALERTS_RETRY_BACKOFF_S,
        backoff_max_s=settings.ALERTS_RETRY_BACKOFF_MAX_S, sending_lease_s=settings.ALERTS_SENDING_LEASE_S,
        max_items=settings.ALERTS_MAX_ITEMS)
    matches, digests = match_store(), digest_log()
    matches.ensure_ready()
    digests.ensure_ready()
    return Deliverer(matches, digests, mailer(), config)
