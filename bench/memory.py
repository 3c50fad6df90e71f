"""Peak memory (RSS) of the three long-running kinds of process on benchmark workloads:
the crawler, the consumer and the digest run.

    .venv/bin/python bench/memory.py            # full run
    .venv/bin/python bench/memory.py --quick    # CI smoke run

Each runs as a child process, as deployed, under bench/peak_rss.py, which reports the
exact peak: getrusage(RUSAGE_CHILDREN).ru_maxrss of a wrapper whose only child it is. Workloads (full run):

* crawler: `policywatch crawl` of a 5,000-page local site, real Kafka publisher
  (bench/crawl_throughput.py);
* consumer: `policywatch consume --max-idle-polls 3` draining 5,000 articles of ~3 KB
  (batches of CONSUMER_BATCH_SIZE);
* digest: bench/digest_run.py, one digest run over 500 subscriptions with their matches
  (from 300 articles) in Elasticsearch, written to an outbox folder.
Target: each <= 300 MB. Shared servers, unique names, cleaned up.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import settings  # noqa: E402
from bench import harness  # noqa: E402
from bench.consumer_throughput import servers  # noqa: E402
from bench.corpus import raw_articles, write_site  # noqa: E402
from bench.crawl_throughput import crawl_policywatch, timed_child  # noqa: E402
from tests.support.fixture_site import serve_site  # noqa: E402

TARGET_MB = 300


def consumer_peak(kafka: str, es_url: str, es, count: int, workdir: Path) -> tuple[float, float]:
    run = f"bench{uuid.uuid4().hex[:8]}"
    topics = {"raw": f"{run}.raw", "classified": f"{run}.classified", "dlq": f"{run}.dlq"}
    harness.create_topics(kafka, list(topics.values()))
    try:
        harness.produce(kafka, topics["raw"], raw_articles(count, run, size=3000))
        env = harness.pipeline_env(kafka, es_url, f"pw-{run}", topics, run, POLICYWATCH_DATA_DIR=str(workdir))
        seconds, peak, status = timed_child(harness.POLICYWATCH + ["consume", "--max-idle-polls", "3"], env,
                                            workdir / "consume.log")
        stored = harness.count(es, f"pw-{run}-articles")
    finally:
        harness.delete_topics(kafka, list(topics.values()))
        harness.delete_group(kafka, run)
        harness.delete_indices(es, f"pw-{run}")
    if status != 0 or stored != count:
        raise SystemExit(f"policywatch consume exited {status} having stored {stored} of {count}")
    return seconds, peak


def digest_peak(es_url: str, es, subscriptions: int, articles: int, workdir: Path) -> tuple[float, float, str]:
    from alerts.matching import compile_index, match_documents
    from alerts.store.elasticsearch import ElasticsearchMatchStore, ElasticsearchSubscriptionStore
    from bench.matching_scale import NOW, documents
    from bench.matching_scale import subscriptions as make_subscriptions

    run = f"bench{uuid.uuid4().hex[:8]}"
    prefix = f"pw-{run}"
    try:
        subs = [replace(s, created_at="2026-01-01T00:00:00Z", updated_at="2026-01-01T00:00:00Z")
                for s in make_subscriptions(subscriptions)]
        store = ElasticsearchSubscriptionStore(es, f"{prefix}-subscriptions")
        store.ensure_ready()
        for sub in subs:
            store.put(sub)
        matches = match_documents(compile_index(subs), documents(articles), NOW)
        match_store = ElasticsearchMatchStore(es, f"{prefix}-matches")
        match_store.ensure_ready()
        for start in range(0, len(matches), 2000):
            match_store.add(matches[start:start + 2000])
        env = harness.pipeline_env("", es_url, prefix, {"raw": "-", "classified": "-", "dlq": "-"}, run,
                                   POLICYWATCH_DATA_DIR=str(workdir), ALERTS_OUTBOX_DIR=str(workdir / "outbox"),
                                   ALERTS_UNSUBSCRIBE_SECRET="bench-secret")
        env.pop("KAFKA_BOOTSTRAP_SERVERS")
        seconds, peak, status = timed_child([sys.executable, str(Path(__file__).with_name("digest_run.py"))], env,
                                            workdir / "digest.log")
        output = (workdir / "digest.log").read_text(errors="replace").strip().splitlines()
    finally:
        harness.delete_indices(es, prefix)
    if status != 0:
        raise SystemExit(f"the digest run exited {status}:\n" + "\n".join(output[-20:]))
    sent = len(list((workdir / "outbox").glob("*.eml")))
    return seconds, peak, f"{len(matches)} matches, {sent} digests written ({output[-2]})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run for CI (small workloads)")
    args = parser.parse_args(argv)
    pages, articles, subs, matched = (200, 300, 40, 40) if args.quick else (5000, 5000, 500, 300)
    kafka, es_url = servers()
    from elasticsearch import Elasticsearch

    es = Elasticsearch(es_url, request_timeout=60)
    print(f"conditions: {harness.conditions()}; consumer batch {settings.CONSUMER_BATCH_SIZE}")
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="pw-bench-memory-") as tmp:
            workdir = Path(tmp)
            write_site(workdir / "site", pages)
            with serve_site(workdir / "site") as site:
                crawl = crawl_policywatch(site.base_url, pages, kafka, workdir / "crawl", workdir / "crawl.log")
            rows.append(("crawler", f"policywatch crawl, {pages} pages, Kafka publisher", crawl["seconds"],
                         crawl["peak_mb"]))
            seconds, peak = consumer_peak(kafka, es_url, es, articles, workdir / "consume")
            rows.append(("consumer", f"policywatch consume, {articles} articles of ~3 KB", seconds, peak))
            seconds, peak, detail = digest_peak(es_url, es, subs, matched, workdir / "digest")
            rows.append(("digest", f"digest run, {subs} subscriptions, {detail}", seconds, peak))
    finally:
        es.close()
    for kind, workload, seconds, peak in rows:
        print(f"{kind:<9} peak RSS {peak:6.0f} MB ({'ok' if peak <= TARGET_MB else 'OVER'} <= {TARGET_MB} MB) "
              f"in {seconds:5.1f} s: {workload}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
