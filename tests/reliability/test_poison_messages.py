"""Drill: poison messages between good ones on the raw topic, consumed by the real
`policywatch consume` process. Each poison message reaches the dead-letter topic with
its reason, and the loop indexes every good message around them."""

from __future__ import annotations

import json

import pytest

from bench import harness
from bench.corpus import raw_articles
from policywatch.schema import encode_raw
from tests.unit.consumers.raw_articles import POISON, raw_article

pytestmark = pytest.mark.reliability


def _extra_poison() -> dict[str, tuple[bytes, str, str]]:
    """More poison beside the indexer's own cases: name -> (payload, kind, words in the reason)."""
    missing_title = raw_article(901).to_dict()
    del missing_title["title"]
    bad_kind = raw_article(902).to_dict()
    bad_kind["source_kind"] = "blog"
    other_schema = raw_article(903).to_dict()
    other_schema["schema"] = "someone.else"
    return {
        "empty_value": (b"", "undecodable", "not JSON"),
        "json_array": (b"[1, 2, 3]", "undecodable", "not a JSON object"),
        "missing_title": (json.dumps(missing_title).encode(), "undecodable", "'title'"),
        "bad_source_kind": (json.dumps(bad_kind).encode(), "undecodable", "source_kind"),
        "other_schema": (json.dumps(other_schema).encode(), "undecodable", "schema is 'someone.else'"),
        "gbk_bytes": ("标题".encode("gbk"), "undecodable", "not UTF-8"),
    }


def test_poison_goes_to_the_dlq_with_its_reason_and_the_loop_goes_on(kafka_bootstrap, es_url, es_client, es_prefix,
                                                                      kafka_topics, unique, tmp_path, report):
    poison = {**POISON, **_extra_poison()}
    good = raw_articles(60, unique, size=800)
    items: list[tuple[str, bytes]] = []
    for n, article in enumerate(good):  # one poison message after every sixth good one
        items.append((article.article_id, encode_raw(article)))
        if n % 6 == 5 and n // 6 < len(poison):
            name = list(poison)[n // 6]
            items.append((f"poison-{name}", poison[name][0]))
    assert sum(key.startswith("poison-") for key, _ in items) == len(poison)
    harness.produce_raw(kafka_bootstrap, kafka_topics["raw"], items)
    report(f"produced {len(good)} good messages with {len(poison)} poison ones between them: {', '.join(poison)}")

    env = harness.pipeline_env(kafka_bootstrap, es_url, es_prefix, kafka_topics, unique, CONSUMER_BATCH_SIZE="10")
    log_path = tmp_path / "consume.log"
    consumer = harness.start(["consume", "--max-idle-polls", "5"], env, log_path)
    try:
        consumer.wait(timeout=120)
    finally:
        harness.stop(consumer)
        harness.delete_group(kafka_bootstrap, unique)
    assert consumer.returncode == 0, log_path.read_text()[-3000:]

    letters = {m.key.decode(): json.loads(m.value) for m in harness.read_topic(kafka_bootstrap, kafka_topics["dlq"])}
    for name, (payload, kind, words) in poison.items():
        letter = letters.get(f"poison-{name}")
        assert letter is not None, f"{name} did not reach the dead-letter topic"
        report(f"{name} ({len(payload)} bytes) -> dead letter {letter['error_kind']}: {letter['error'][:90]}")
        assert letter["error_kind"] == kind and words in letter["error"], (name, letter["error"])
        assert letter["source"]["topic"] == kafka_topics["raw"] and letter["original_size"] == len(payload)
    assert len(letters) == len(poison)

    stored = set(harness.stored_ids(es_client, f"{es_prefix}-articles"))
    report(f"indexed {len(stored)} of {len(good)} good articles; {len(letters)} dead letters; "
           f"lag {harness.lag(kafka_bootstrap, unique, kafka_topics['raw'])}")
    assert stored == {a.article_id for a in good}
    assert harness.lag(kafka_bootstrap, unique, kafka_topics["raw"]) == 0
