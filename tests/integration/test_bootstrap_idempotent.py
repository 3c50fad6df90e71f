"""`policywatch bootstrap` on the real Kafka and Elasticsearch: creates, then changes nothing."""

from __future__ import annotations

import pytest
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from consumers.bootstrap import bootstrap, topic_specs
from policywatch.store.es_layout import IndexOptions

pytestmark = pytest.mark.integration


@pytest.fixture
def specs(kafka_bootstrap, unique):
    specs = topic_specs(f"{unique}.raw", f"{unique}.classified", f"{unique}.dlq", partitions=2, replication=1,
                        dlq_retention_days=45)
    yield specs
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.delete_topics([s.name for s in specs])
    finally:
        admin.close()


def _state(es_client, kafka_bootstrap, prefix, specs):
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        topics = {d["name"]: len(d["partitions"]) for d in admin.describe_topics([s.name for s in specs])}
        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, specs[2].name)])
    finally:
        admin.close()
    template = es_client.indices.get_index_template(name=f"{prefix}-articles")["index_templates"][0]
    indices = es_client.indices.get(index=f"{prefix}-articles-*")
    aliases = es_client.indices.get_alias(name=f"{prefix}-articles")
    return topics, str(configs), template, {name: body["settings"]["index"]["uuid"] for name, body in indices.items()}, \
        aliases.body


def test_bootstrap_creates_everything_then_changes_nothing(kafka_bootstrap, es_client, es_prefix, specs):
    config = {"bootstrap_servers": kafka_bootstrap}
    first = bootstrap(config, specs, es_client, es_prefix, IndexOptions())
    assert set(first.values()) == {"created", "installed", "created with its first index"}
    before = _state(es_client, kafka_bootstrap, es_prefix, specs)
    topics, configs, template, indices, aliases = before
    assert topics == {s.name: 2 for s in specs}
    assert "retention.ms" in configs and str(45 * 24 * 3600 * 1000) in configs
    assert template["index_template"]["index_patterns"] == [f"{es_prefix}-articles-v*"]
    assert list(indices) == [f"{es_prefix}-articles-v1-000001"]
    assert aliases[f"{es_prefix}-articles-v1-000001"]["aliases"][f"{es_prefix}-articles"]["is_write_index"] is True

    second = bootstrap(config, specs, es_client, es_prefix, IndexOptions())
    assert set(second.values()) == {"exists", "unchanged"}
    assert _state(es_client, kafka_bootstrap, es_prefix, specs) == before


def test_bootstrap_reports_a_topic_with_other_partitions_and_leaves_it(kafka_bootstrap, es_client, es_prefix,
                                                                       kafka_topics):
    specs = topic_specs(kafka_topics["raw"], kafka_topics["classified"], kafka_topics["dlq"], partitions=5,
                        replication=1, dlq_retention_days=30)
    report = bootstrap({"bootstrap_servers": kafka_bootstrap}, specs, None, es_prefix, IndexOptions())
    assert report[f"topic {kafka_topics['raw']}"] == "exists with 3 partitions (wanted 5; left as it is)"
