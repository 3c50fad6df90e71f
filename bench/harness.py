"""Process, Kafka and Elasticsearch plumbing shared by the benchmarks and the drills.

Runs policywatch's own commands as child processes with their settings in the
environment (exactly how they are deployed), creates and removes uniquely named topics
and indices, reads committed and end offsets, and measures peak memory of a child
(VmHWM from /proc of a live child; bench/peak_rss.py for one that exits).
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic

from policywatch.bus.kafka import KafkaPublisher
from policywatch.schema import RawArticle, encode_raw

REPO_ROOT = Path(__file__).resolve().parents[1]
POLICYWATCH = [sys.executable, "-m", "policywatch"]


# --- Kafka ------------------------------------------------------------------------------
def create_topics(bootstrap: str, names: list[str], partitions: int = 3) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(name, partitions, 1) for name in names])
    finally:
        admin.close()


def delete_topics(bootstrap: str, names: list[str]) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        existing = set(admin.list_topics())
        doomed = [name for name in names if name in existing]
        if doomed:
            admin.delete_topics(doomed)
    finally:
        admin.close()


def delete_group(bootstrap: str, group: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.delete_consumer_groups([group])
    except Exception:  # an unknown or still-active group: nothing to clean
        pass
    finally:
        admin.close()


def produce(bootstrap: str, topic: str, articles: list[RawArticle]) -> None:
    """Publish ``articles`` with policywatch's own publisher (acks=all, keyed by id)."""
    publisher = KafkaPublisher({"bootstrap_servers": bootstrap})
    try:
        for start in range(0, len(articles), 500):
            publisher.publish_many(topic, [(a.article_id, encode_raw(a)) for a in articles[start:start + 500]])
    finally:
        publisher.close()


def produce_raw(bootstrap: str, topic: str, items: list[tuple[str, bytes]]) -> None:
    publisher = KafkaPublisher({"bootstrap_servers": bootstrap})
    try:
        publisher.publish_many(topic, items)
    finally:
        publisher.close()


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return {tp.partition: offset for tp, offset in consumer.end_offsets(partitions).items()}
    finally:
        consumer.close()


def committed_offsets(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        offsets = admin.list_group_offsets(group).get(group, {})
    finally:
        admin.close()
    return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic}


def lag(bootstrap: str, group: str, topic: str) -> int:
    """Messages of ``topic`` not yet committed by ``group``."""
    committed = committed_offsets(bootstrap, group, topic)
    return sum(end - committed.get(partition, 0) for partition, end in end_offsets(bootstrap, topic).items())


def read_topic(bootstrap: str, topic: str, idle_ms: int = 3000) -> list:
    """Every message on ``topic`` from the beginning (kafka-python ConsumerRecords)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, consumer_timeout_ms=idle_ms,
                             max_partition_fetch_bytes=16 * 1024 * 1024)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        return list(consumer)
    finally:
        consumer.close()


# --- Elasticsearch ----------------------------------------------------------------------
def delete_indices(es_client, prefix: str) -> None:
    quiet = es_client.options(ignore_status=404)
    quiet.indices.delete(index=f"{prefix}-*", expand_wildcards="all")
    quiet.indices.delete_index_template(name=f"{prefix}-*")


def stored_ids(es_client, index: str) -> list[str]:
    """The ``article_id`` of every document behind ``index`` (an alias), one per document."""
    from elasticsearch.helpers import scan

    es_client.indices.refresh(index=index)
    return [hit["_source"]["article_id"]
            for hit in scan(es_client, index=index, query={"query": {"match_all": {}}}, _source=["article_id"],
                            size=1000)]


def count(es_client, index: str) -> int:
    try:
        es_client.indices.refresh(index=index)
        return es_client.count(index=index)["count"]
    except Exception:  # not created yet, or the server is away: nothing visible
        return 0


# --- processes --------------------------------------------------------------------------
def pipeline_env(kafka: str, es_url: str, prefix: str, topics: dict[str, str], group: str,
                 **extra: str) -> dict[str, str]:
    """The environment of a policywatch process talking to these servers and names.
    Built from scratch (not inherited), so nothing from the caller's shell leaks in."""
    env = {"PATH": os.defpath, "LANG": "C.UTF-8", "KAFKA_BOOTSTRAP_SERVERS": kafka, "ELASTICSEARCH_URL": es_url,
           "ELASTICSEARCH_INDEX_PREFIX": prefix, "KAFKA_TOPIC_RAW": topics["raw"],
           "KAFKA_TOPIC_CLASSIFIED": topics["classified"], "KAFKA_TOPIC_DLQ": topics["dlq"],
           "KAFKA_CONSUMER_GROUP": group, "CONSUMER_POLL_TIMEOUT_MS": "300", "LOG_LEVEL": "INFO",
           "METRICS_PORT": "0", "PYTHONPATH": str(REPO_ROOT)}
    env.update(extra)
    return env


def start(args: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """Start ``policywatch ARGS`` with its output going to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        return subprocess.Popen(POLICYWATCH + args, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen, timeout_s: float = 30) -> int:
    """SIGTERM, then SIGKILL if it does not exit in time; returns the exit status."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def wait_until(condition: Callable[[], bool], timeout_s: float, interval_s: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval_s)
    return condition()


def peak_rss_mb(pid: int) -> float | None:
    """Peak resident memory (VmHWM) of a live process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class PeakMemory:
    """Peak RSS of a running child: VmHWM is a high-water mark, so the last sample
    taken while it still runs is its peak so far."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.peak_mb = 0.0

    def sample(self) -> None:
        value = peak_rss_mb(self.process.pid)
        if value:
            self.peak_mb = max(self.peak_mb, value)


class MachineCpu:
    """CPU time the whole machine spent (every process: servers, clients, the pipeline)
    between ``start()`` and ``stop()``, from /proc/stat. On a machine whose cores are
    all busy, a workload's rate is bounded by cores / CPU seconds per item, so two
    workloads' CPU costs per item bound the ratio of their rates."""

    def __init__(self) -> None:
        self.busy_s = self.wall_s = 0.0
        self._started: tuple[float, float] | None = None

    @staticmethod
    def _busy_s() -> float | None:
        try:
            fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        except OSError:
            return None
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")

    def start(self) -> None:
        busy = self._busy_s()
        self._started = None if busy is None else (busy, time.perf_counter())

    def stop(self) -> None:
        busy = self._busy_s()
        if self._started is not None and busy is not None:
            self.busy_s += busy - self._started[0]
            self.wall_s += time.perf_counter() - self._started[1]
        self._started = None

    def per_item_ms(self, items: int) -> float | None:
        return self.busy_s / items * 1000 if self.wall_s and items else None

    def utilisation(self) -> float | None:
        """Share of all cores busy while measured."""
        return self.busy_s / (self.wall_s * (os.cpu_count() or 1)) if self.wall_s else None


def conditions() -> str:
    """One line saying what the figures were measured on."""
    import elasticsearch
    import kafka
    import scrapy

    cpus = os.cpu_count()
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return (f"python {platform.python_version()}, scrapy {scrapy.__version__}, kafka-python {kafka.__version__}, "
            f"elasticsearch-py {elasticsearch.__versionstr__}; {cpus} CPUs, {mem_gb:.0f} GB RAM, "
            f"{platform.system()} {platform.release()}")


def evict_members(bootstrap: str, group: str) -> int:
    """Remove every member of ``group`` (LeaveGroup on their behalf, as
    ``kafka-consumer-groups --delete`` tooling does): after a SIGKILL the dead member
    would otherwise hold its partitions until its session times out (45 s by
    default in kafka-python). Returns how many members were removed."""
    from kafka.admin import MemberToRemove

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        described = admin.describe_groups([group])
        group_info = described[group] if isinstance(described, dict) else described[0]
        members = group_info["members"] if isinstance(group_info, dict) else group_info.members
        ids = [m["member_id"] if isinstance(m, dict) else m.member_id for m in members]
        if ids:
            admin.remove_group_members(group, [MemberToRemove(member_id=i) for i in ids])
        return len(ids)
    finally:
        admin.close()
