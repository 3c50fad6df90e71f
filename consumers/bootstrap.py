"""``policywatch bootstrap``: the topics, index template, first index and alias.

Idempotent: what exists is left as it is (a topic with other settings is reported,
not altered), so running it twice changes nothing. Mapping changes go through
``policywatch es migrate``, never through bootstrap.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

import settings
from policywatch.errors import TransientError
from policywatch.store import es_layout

log = logging.getLogger(__name__)

_DAY_MS = 24 * 3600 * 1000
# Largest message a topic accepts: the producers' max_request_size (policywatch/bus/kafka.py),
# so an article the crawler could send is never refused by the broker.
MAX_MESSAGE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication: int
    configs: dict[str, str] = field(default_factory=dict)


def topic_specs(raw: str, classified: str, dlq: str, *, partitions: int, replication: int,
                dlq_retention_days: int) -> list[TopicSpec]:
    """The pipeline's topics. Dead letters are kept longer: they wait for a fix."""
    common = {"max.message.bytes": str(MAX_MESSAGE_BYTES)}
    return [TopicSpec(raw, partitions, replication, dict(common)),
            TopicSpec(classified, partitions, replication, dict(common)),
            TopicSpec(dlq, partitions, replication,
                      {**common, "retention.ms": str(dlq_retention_days * _DAY_MS)})]


def default_topic_specs() -> list[TopicSpec]:
    return topic_specs(settings.KAFKA_TOPIC_RAW, settings.KAFKA_TOPIC_CLASSIFIED, settings.KAFKA_TOPIC_DLQ,
                       partitions=settings.KAFKA_TOPIC_PARTITIONS, replication=settings.KAFKA_REPLICATION_FACTOR,
                       dlq_retention_days=settings.KAFKA_DLQ_RETENTION_DAYS)


def ensure_topics(kafka_config: dict[str, Any], specs: list[TopicSpec]) -> dict[str, str]:
    """Create the topics that are missing; says for each "created", "exists" or
    "exists with N partitions (wanted M)"."""
    try:
        admin = KafkaAdminClient(**kafka_config)
    except KafkaError as exc:
        raise TransientError(f"cannot reach Kafka at {kafka_config.get('bootstrap_servers')}: {exc}") from exc
    try:
        existing = set(admin.list_topics())
        missing = [s for s in specs if s.name not in existing]
        outcome = {s.name: "exists" for s in specs if s.name in existing}
        if missing:
            try:
                admin.create_topics([NewTopic(s.name, s.partitions, s.replication, topic_configs=s.configs)
                                     for s in missing])
            except TopicAlreadyExistsError:  # created meanwhile by another bootstrap
                pass
            outcome.update({s.name: "created" for s in missing})
        present = [s for s in specs if outcome[s.name] == "exists"]
        for description in admin.describe_topics([s.name for s in present]) if present else []:
            wanted = next(s.partitions for s in present if s.name == description["name"])
            if len(description["partitions"]) != wanted:
                outcome[description["name"]] = (f"exists with {len(description['partitions'])} partitions "
                                                f"(wanted {wanted}; left as it is)")
        return outcome
    except KafkaError as exc:
        raise TransientError(f"Kafka topic administration failed: {exc}") from exc
    finally:
        admin.close()


def ensure_elasticsearch(client, prefix: str, options: es_layout.IndexOptions) -> dict[str, str]:
    changed = es_layout.ensure_articles(client, prefix, options)
    names = es_layout.ArticleIndexNames(prefix)
    return {f"index template {names.template}": "installed" if changed["template"] else "unchanged",
            f"alias {names.alias}": "created with its first index" if changed["alias"] else "exists"}


def bootstrap(kafka_config: dict[str, Any] | None, specs: list[TopicSpec], es_client, prefix: str,
              options: es_layout.IndexOptions) -> dict[str, str]:
    """Everything the distributed deployment needs; returns what happened to each
    thing (log it or print it). ``kafka_config`` / ``es_client`` None skips that side."""
    report: dict[str, str] = {}
    if kafka_config is not None:
        report.update({f"topic {name}": outcome for name, outcome in ensure_topics(kafka_config, specs).items()})
    if es_client is not None:
        report.update(ensure_elasticsearch(es_client, prefix, options))
    for thing, outcome in report.items():
        log.info("bootstrap", extra={"thing": thing, "outcome": outcome})
    return report
