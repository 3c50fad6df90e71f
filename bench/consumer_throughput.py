"""Consumer throughput (Kafka -> classify -> Elasticsearch) against raw Elasticsearch
bulk indexing of the same documents, side by side in one run.

    .venv/bin/python bench/consumer_throughput.py            # full run (5,000 articles)
    .venv/bin/python bench/consumer_throughput.py --quick    # CI smoke run
    .venv/bin/python bench/consumer_throughput.py --consumers 2   # two indexer processes

Runs against the shared servers (POLICYWATCH_TEST_KAFKA / POLICYWATCH_TEST_ELASTICSEARCH,
default 127.0.0.1:39092 and http://127.0.0.1:39200) with unique topic and index names,
removed afterwards.

* pipeline: the articles are produced to a fresh raw topic first (not timed); then the
  indexer's Kafka loop (consumers.loop.run_consumer + consumers.indexer.build_indexer,
  what `policywatch consume` runs) consumes them in batches of CONSUMER_BATCH_SIZE:
  decode, classify, story lookup, bulk upsert, publish to the classified topic, commit.
  With --consumers N, N such processes share the topic's partitions as one consumer
  group (how the indexer scales). Timed from the first batch handed to an indexer to
  the end of the last batch, once the group has committed every offset.
* raw bulk: the very documents the pipeline stored (read back), bulk-indexed with
  elasticsearch-py in batches of the same size into a second index made from the same
  template, by N client threads at once. Timed around the bulk calls only.
* CPU: the consumer processes' own CPU per article, and the whole machine's (servers
  included) per article in each phase. On a machine whose cores are saturated, raw /
  pipeline machine CPU per article is the highest ratio it can give; the consumers' own
  figure says how many consumer cores keep up with a raw rate where the servers run
  elsewhere.
Target: pipeline rate >= 0.8 x raw bulk rate.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import settings  # noqa: E402
from bench import harness  # noqa: E402
from bench.corpus import raw_articles  # noqa: E402
from consumers.indexer import build_indexer  # noqa: E402
from consumers.loop import run_consumer  # noqa: E402
from policywatch.bus.kafka import KafkaPublisher  # noqa: E402
from policywatch.store.elasticsearch import ElasticsearchArticleStore  # noqa: E402

TARGET_RATIO = 0.8


def servers() -> tuple[str, str]:
    return (settings.POLICYWATCH_TEST_KAFKA or "127.0.0.1:39092",
            settings.POLICYWATCH_TEST_ELASTICSEARCH or "http://127.0.0.1:39200")


def run_pipeline(kafka: str, es, es_url: str, prefix: str, topics: dict[str, str], count: int, batch: int,
                 consumers: int, cpu: harness.MachineCpu) -> tuple[float, float]:
    """Articles per second through ``consumers`` indexer processes in one consumer group
    (see the module docstring): from the first batch any member received to the last
    batch handled, once the group has committed everything; and the CPU seconds the
    members used in all (their whole lives, servers not included)."""
    from consumers.classifier import lexicon

    lexicon()  # compiled once, shared by the forked members

    ElasticsearchArticleStore(es, prefix).ensure_ready()  # before the members race to create it
    group = f"{prefix}-bench"
    context = multiprocessing.get_context("fork")
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    stop = context.Event()
    first = context.Value("d", float("inf"))
    last = context.Value("d", 0.0)
    members = [context.Process(target=_consume, args=(kafka, es_url, prefix, topics, group, batch, stop, first, last))
               for _ in range(consumers)]
    try:
        for member in members:
            member.start()
        harness.wait_until(lambda: first.value != float("inf"), timeout_s=120, interval_s=0.01)
        cpu.start()
        drained = harness.wait_until(lambda: harness.lag(kafka, group, topics["raw"]) == 0
                                     or not any(member.is_alive() for member in members), timeout_s=1800)
        cpu.stop()
        stop.set()
        for member in members:
            member.join()
    finally:
        harness.delete_group(kafka, group)
    if not drained or any(member.exitcode for member in members):
        raise SystemExit(f"the consumers did not drain the topic (exit codes {[m.exitcode for m in members]})")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    consumer_cpu_s = (children.ru_utime + children.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
    return count / (last.value - first.value), consumer_cpu_s


def _consume(kafka: str, es_url: str, prefix: str, topics: dict[str, str], group: str, batch: int,
             stop, first, last) -> None:
    """One member of the group: what `policywatch consume` runs, timed per batch."""
    from elasticsearch import Elasticsearch

    store = ElasticsearchArticleStore(Elasticsearch(es_url, request_timeout=60), prefix)
    publisher = KafkaPublisher({"bootstrap_servers": kafka})
    indexer = build_indexer(store, publisher, classified_topic=topics["classified"], dlq_topic=topics["dlq"])

    def timed(records) -> None:
        started = time.monotonic()
        indexer.handle_batch(records)
        with first.get_lock():
            first.value = min(first.value, started)
            last.value = max(last.value, time.monotonic())

    try:
        run_consumer([topics["raw"]], group, timed, kafka_config={"bootstrap_servers": kafka}, batch_size=batch,
                     poll_timeout_ms=500, stop_event=stop)
    finally:
        publisher.close()


def run_raw_bulk(es, source_prefix: str, prefix: str, batch: int, clients: int,
                 cpu: harness.MachineCpu) -> tuple[float, int]:
    """Articles per second of plain bulk requests carrying the pipeline's documents,
    sent by ``clients`` threads at once."""
    from elasticsearch.helpers import scan

    es.indices.refresh(index=f"{source_prefix}-articles")
    docs = [hit["_source"] for hit in scan(es, index=f"{source_prefix}-articles", size=1000)]
    store = ElasticsearchArticleStore(es, prefix)
    store.ensure_ready()
    alias = store.alias
    payloads = [(doc["article_id"], json.dumps(doc, ensure_ascii=False)) for doc in docs]
    batches = [payloads[start:start + batch] for start in range(0, len(payloads), batch)]

    def send(share: list[list[tuple[str, str]]]) -> None:
        for chunk in share:
            lines = []
            for doc_id, source in chunk:
                lines.append(json.dumps({"index": {"_index": alias, "_id": doc_id}}))
                lines.append(source)
            if es.bulk(operations="\n".join(lines) + "\n")["errors"]:
                raise SystemExit("raw bulk indexing reported errors")

    cpu.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(send, [batches[i::clients] for i in range(clients)]))
    elapsed = time.perf_counter() - started
    cpu.stop()
    return len(docs) / elapsed, len(docs)


def _print_cpu(pipeline: harness.MachineCpu, raw: harness.MachineCpu, consumer_cpu_s: float, count: int) -> None:
    """Machine CPU per article in each phase (servers included): when the cores are
    saturated, raw / pipeline CPU per article bounds the rate ratio this machine can give.
    The consumers' own share says how many consumer cores would keep up with the raw
    rate where the servers run elsewhere (the group scales by partitions)."""
    consumer_ms = consumer_cpu_s / count * 1000
    print(f"consumer processes' own CPU per article: {consumer_ms:.2f} ms "
          f"(one core: at most {1000 / consumer_ms:,.0f} articles/s)")
    pipeline_ms, raw_ms = pipeline.per_item_ms(count), raw.per_item_ms(count)
    if pipeline_ms is None or raw_ms is None:
        print("machine CPU: not measured (no /proc/stat)")
        return
    print(f"machine CPU per article (all processes): pipeline {pipeline_ms:.2f} ms "
          f"({pipeline.utilisation():.0%} of all cores busy), raw bulk {raw_ms:.2f} ms "
          f"({raw.utilisation():.0%} busy); CPU-bound ratio ceiling here: {raw_ms / pipeline_ms:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run for CI (300 articles)")
    parser.add_argument("--count", type=int, default=5000, help="articles (default 5000)")
    parser.add_argument("--size", type=int, default=3000, help="article size in UTF-8 bytes (default 3000)")
    parser.add_argument("--batch", type=int, default=settings.CONSUMER_BATCH_SIZE,
                        help=f"batch size for both (default CONSUMER_BATCH_SIZE={settings.CONSUMER_BATCH_SIZE})")
    parser.add_argument("--consumers", type=int, default=1,
                        help="indexer processes in the consumer group, and raw bulk clients (default 1)")
    args = parser.parse_args(argv)
    count = 300 if args.quick else args.count
    kafka, es_url = servers()
    from elasticsearch import Elasticsearch

    es = Elasticsearch(es_url, request_timeout=60)
    run = f"bench{uuid.uuid4().hex[:8]}"
    topics = {"raw": f"{run}.raw", "classified": f"{run}.classified", "dlq": f"{run}.dlq"}
    harness.create_topics(kafka, list(topics.values()))
    try:
        articles = raw_articles(count, run, size=args.size)
        harness.produce(kafka, topics["raw"], articles)
        print(f"conditions: {harness.conditions()}")
        print(f"servers: Kafka {kafka}, Elasticsearch {es_url} (8.19, single node, refresh "
              f"{settings.ELASTICSEARCH_REFRESH_INTERVAL}); topic of 3 partitions, "
              f"{settings.KAFKA_COMPRESSION or 'no'} compression")
        print(f"workload: {count} articles of ~{args.size} bytes (mixed zh/en policy, market, filler), "
              f"batches of {args.batch}")
        print(f"parallelism: {args.consumers} consumer process(es) in one group; "
              f"{args.consumers} raw bulk client(s)")
        pipeline_cpu, raw_cpu = harness.MachineCpu(), harness.MachineCpu()
        pipeline, consumer_cpu_s = run_pipeline(kafka, es, es_url, f"pw-{run}-p", topics, count, args.batch,
                                                args.consumers, pipeline_cpu)
        raw, indexed = run_raw_bulk(es, f"pw-{run}-p", f"pw-{run}-r", args.batch, args.consumers, raw_cpu)
        if indexed != count:
            raise SystemExit(f"the pipeline stored {indexed} of {count} articles")
        ratio = pipeline / raw
        print(f"pipeline (Kafka -> classify -> Elasticsearch): {pipeline:,.0f} articles/s")
        print(f"raw Elasticsearch bulk, same documents:        {raw:,.0f} articles/s")
        print(f"ratio: {ratio:.2f} (target >= {TARGET_RATIO}: {'met' if ratio >= TARGET_RATIO else 'MISSED'})")
        _print_cpu(pipeline_cpu, raw_cpu, consumer_cpu_s, count)
    finally:
        harness.delete_topics(kafka, list(topics.values()))
        harness.delete_indices(es, f"pw-{run}-p")
        harness.delete_indices(es, f"pw-{run}-r")
        es.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
