"""End-to-end latency: from an article leaving the spider (the publish call of the
crawl pipeline) to being searchable in Elasticsearch, at a steady moderate load.

    .venv/bin/python bench/e2e_latency.py            # full run (20 articles/s for 60 s)
    .venv/bin/python bench/e2e_latency.py --quick    # CI smoke run

A `policywatch consume` child process (default CONSUMER_BATCH_SIZE and poll timeout)
indexes into a fresh index whose refresh interval is ELASTICSEARCH_REFRESH_INTERVAL
(1 s). This process publishes articles with policywatch's KafkaPublisher at a fixed
rate, the way the crawl pipeline does (acks=all, one publish per article), and a
searcher polls Elasticsearch every 50 ms with an ``ids`` query for the articles not yet
found (no forced refresh: searchable means visible to search). Latency = first seen by
the searcher - publish called. Prints p50, p95, max; target p95 <= 3 s. Also prints the
consumer's peak RSS. Shared servers, unique names, cleaned up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import settings  # noqa: E402
from bench import harness  # noqa: E402
from bench.consumer_throughput import servers  # noqa: E402
from bench.corpus import raw_articles  # noqa: E402
from policywatch.bus.kafka import KafkaPublisher  # noqa: E402
from policywatch.schema import encode_raw  # noqa: E402

TARGET_P95_S = 3.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class Searcher(threading.Thread):
    """Records when each pending article id first appears in search results."""

    def __init__(self, es, alias: str, interval_s: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.es, self.alias, self.interval_s = es, alias, interval_s
        self.pending: dict[str, float] = {}
        self.latencies: dict[str, float] = {}
        self.lock = threading.Lock()
        self.done = threading.Event()

    def expect(self, article_id: str, published_at: float) -> None:
        with self.lock:
            self.pending[article_id] = published_at

    def run(self) -> None:
        while not self.done.is_set():
            with self.lock:
                wanted = list(self.pending)[:1000]
            if wanted:
                try:
                    found = self.es.search(index=self.alias, query={"ids": {"values": wanted}}, size=len(wanted),
                                           source=False)["hits"]["hits"]
                except Exception:  # the index is created by the consumer; not there yet
                    found = []
                now = time.monotonic()
                with self.lock:
                    for hit in found:
                        published = self.pending.pop(hit["_id"], None)
                        if published is not None:
                            self.latencies[hit["_id"]] = now - published
            time.sleep(self.interval_s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run for CI (5 articles/s for 6 s)")
    parser.add_argument("--rate", type=float, default=20.0, help="articles per second (default 20)")
    parser.add_argument("--seconds", type=float, default=60.0, help="duration of the load (default 60)")
    args = parser.parse_args(argv)
    rate, duration = (5.0, 6.0) if args.quick else (args.rate, args.seconds)
    kafka, es_url = servers()
    from elasticsearch import Elasticsearch

    es = Elasticsearch(es_url, request_timeout=30)
    run = f"bench{uuid.uuid4().hex[:8]}"
    prefix = f"pw-{run}"
    topics = {"raw": f"{run}.raw", "classified": f"{run}.classified", "dlq": f"{run}.dlq"}
    harness.create_topics(kafka, list(topics.values()))
    total = int(rate * duration)
    articles = raw_articles(total + 1, run, size=3000)
    searcher = Searcher(es, f"{prefix}-articles")
    publisher = KafkaPublisher({"bootstrap_servers": kafka})
    with tempfile.TemporaryDirectory(prefix="pw-bench-latency-") as tmp:
        env = harness.pipeline_env(kafka, es_url, prefix, topics, run, POLICYWATCH_DATA_DIR=tmp)
        env.pop("CONSUMER_POLL_TIMEOUT_MS")  # the deployed default
        consumer = harness.start(["consume"], env, Path(tmp) / "consume.log")
        memory = harness.PeakMemory(consumer)
        try:
            searcher.start()
            warm = articles[0]  # group join and index creation are not part of the latency
            searcher.expect(warm.article_id, time.monotonic())
            publisher.publish(topics["raw"], warm.article_id, encode_raw(warm))
            if not harness.wait_until(lambda: warm.article_id in searcher.latencies, 90):
                raise SystemExit("the consumer did not index the warm-up article within 90 s:\n"
                                 + (Path(tmp) / "consume.log").read_text(errors="replace")[-2000:])
            searcher.latencies.clear()
            started = time.monotonic()
            for n, article in enumerate(articles[1:]):
                delay = started + n / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                searcher.expect(article.article_id, time.monotonic())
                publisher.publish(topics["raw"], article.article_id, encode_raw(article))
                memory.sample()
            achieved = total / (time.monotonic() - started)
            harness.wait_until(lambda: len(searcher.latencies) >= total, 30)
            memory.sample()
        finally:
            searcher.done.set()
            publisher.close()
            harness.stop(consumer)
            harness.delete_topics(kafka, list(topics.values()))
            harness.delete_group(kafka, run)
            harness.delete_indices(es, prefix)
            es.close()
    latencies = list(searcher.latencies.values())
    print(f"conditions: {harness.conditions()}")
    print(f"servers: Kafka {kafka}, Elasticsearch {es_url}; index refresh {settings.ELASTICSEARCH_REFRESH_INTERVAL}, "
          f"consumer batch {settings.CONSUMER_BATCH_SIZE}, poll timeout {settings.CONSUMER_POLL_TIMEOUT_MS} ms; "
          f"searcher polls every 50 ms")
    print(f"load: {total} articles of ~3 KB at {achieved:.1f}/s for {duration:.0f} s (one publish per article, "
          f"acks=all)")
    if len(latencies) < total:
        print(f"MISSING: {total - len(latencies)} articles not searchable 30 s after the load")
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    print(f"publish -> searchable: p50 {p50:.2f} s, p95 {p95:.2f} s, max {max(latencies):.2f} s "
          f"(target p95 <= {TARGET_P95_S:.0f} s: {'met' if p95 <= TARGET_P95_S else 'MISSED'})")
    print(f"consumer peak RSS: {memory.peak_mb:.0f} MB")
    return 0 if len(latencies) == total else 1


if __name__ == "__main__":
    sys.exit(main())
