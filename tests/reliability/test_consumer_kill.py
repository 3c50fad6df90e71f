"""Drill: `policywatch consume` killed with SIGKILL in the middle of batches, again and
again; at the end every produced article is in Elasticsearch exactly once."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from bench import harness
from bench.corpus import raw_articles

pytestmark = pytest.mark.reliability

ARTICLES = 2400
KILLS = 4


def test_kill_9_mid_batch_loses_and_duplicates_nothing(kafka_bootstrap, es_url, es_client, es_prefix, kafka_topics,
                                                       unique, tmp_path, report):
    articles = raw_articles(ARTICLES, unique, size=1500)
    harness.produce(kafka_bootstrap, kafka_topics["raw"], articles)
    report(f"produced {len(articles)} articles on {kafka_topics['raw']} (3 partitions)")
    env = harness.pipeline_env(kafka_bootstrap, es_url, es_prefix, kafka_topics, unique,
                               CONSUMER_BATCH_SIZE="50")
    alias = f"{es_prefix}-articles"
    rng = random.Random(unique)
    in_flight_kills = 0
    try:
        for kill in range(1, KILLS + 1):
            before = harness.count(es_client, alias)
            process = harness.start(["consume"], env, tmp_path / f"consume-{kill}.log")
            target = before + rng.randint(60, 200)
            progressed = harness.wait_until(lambda: harness.count(es_client, alias) >= target or
                                            process.poll() is not None, timeout_s=60, interval_s=0.05)
            assert progressed and process.poll() is None, (tmp_path / f"consume-{kill}.log").read_text()
            process.kill()  # SIGKILL: no clean-up, no commit of the batch in flight
            process.wait()
            # The dead member would hold its partitions until its 45 s session times out;
            # evict it as an operator would, so the drill stays short.
            evicted = harness.evict_members(kafka_bootstrap, unique)
            visible = harness.count(es_client, alias)
            committed = ARTICLES - harness.lag(kafka_bootstrap, unique, kafka_topics["raw"])
            in_flight_kills += visible > committed
            report(f"kill {kill}: SIGKILL with {visible} articles stored and {committed} committed "
                   f"({visible - committed} stored but uncommitted: they come again); evicted {evicted} dead member")
        final = harness.start(["consume", "--max-idle-polls", "5"], env, tmp_path / "consume-final.log")
        final.wait(timeout=180)
        assert final.returncode == 0, (tmp_path / "consume-final.log").read_text()[-3000:]
    finally:
        harness.delete_group(kafka_bootstrap, unique)

    ids = harness.stored_ids(es_client, alias)
    counts = Counter(ids)
    expected = {a.article_id for a in articles}
    missing = expected - set(counts)
    extra = set(counts) - expected
    duplicated = {i: n for i, n in counts.items() if n > 1}
    lag = harness.lag(kafka_bootstrap, unique, kafka_topics["raw"])
    report(f"after {KILLS} kills and a draining restart: {len(ids)} documents, {len(counts)} distinct ids, "
           f"{len(missing)} missing, {len(extra)} unexpected, {len(duplicated)} duplicated, lag {lag}; "
           f"{in_flight_kills} of {KILLS} kills landed between a bulk write and its commit")
    assert not missing and not extra and not duplicated
    assert len(ids) == ARTICLES
    assert lag == 0
