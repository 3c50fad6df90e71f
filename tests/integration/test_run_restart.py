"""`policywatch run` (not the demo): the crawl scheduler, the pipeline and the digest
scheduler together, stopped and started again. Its one source is the demo site's
provincial portal, served by this test on localhost; the subscriber gets "immediate"
digests into the outbox. After the restart nothing is crawled, stored or sent twice.

The same test runs embedded (nothing configured: SQLite, in-process pipeline) and
distributed (KAFKA_BOOTSTRAP_SERVERS and ELASTICSEARCH_URL set, nothing else changed:
`run` then also starts the consumer and matcher processes)."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date

import pytest

from policywatch.demo.run import SOURCES_FILE
from policywatch.demo.server import DemoSite
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.integration

RELEVANT_HENAN = ("郑州获批建设省级区块链发展先导区", "河南省人民政府办公厅关于印发河南省区块链产业发展行动计划",
                  "洛阳上线区块链农产品溯源平台", "省大数据管理局举办区块链技术人才培训班", "2026年河南省政府工作报告")


def _registry(directory, base_url: str) -> None:
    """The demo's provincial-portal entry only (one source: no 20 s start stagger)."""
    text = SOURCES_FILE.read_text(encoding="utf-8").replace("{base_url}", base_url)
    head, _, entries = text.partition("sources:\n")
    directory.mkdir()
    (directory / "demo.yaml").write_text(head + "sources:\n" + entries.split("  - name: demo-ministry")[0],
                                         encoding="utf-8")


def _count(db, sql: str) -> int:
    if not db.exists():
        return 0
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # the tables do not exist yet
        return 0
    finally:
        connection.close()


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def _stop(process: subprocess.Popen, log) -> str:
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert process.returncode == 0, output
    return output


def _digests(outbox) -> list[str]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default).get_body(("plain",)).get_content()
            for p in sorted(outbox.glob("*.eml"))]


class Embedded:
    settings: dict[str, str] = {}

    def __init__(self, data_dir) -> None:
        self.db = data_dir / "policywatch.sqlite3"

    def articles(self) -> int:
        return _count(self.db, "SELECT count(*) FROM article_docs")

    def crawl_runs(self) -> int:
        return _count(self.db, "SELECT count(*) FROM crawl_runs")


class Distributed:
    def __init__(self, kafka_bootstrap, topics, es_url, es_client, prefix, unique) -> None:
        self.settings = {
            "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "ELASTICSEARCH_URL": es_url,
            "ELASTICSEARCH_INDEX_PREFIX": prefix, "KAFKA_TOPIC_RAW": topics["raw"],
            "KAFKA_TOPIC_CLASSIFIED": topics["classified"], "KAFKA_TOPIC_DLQ": topics["dlq"],
            "KAFKA_CONSUMER_GROUP": f"{unique}-indexer", "KAFKA_MATCHER_GROUP": f"{unique}-matcher"}
        self.es, self.prefix = es_client, prefix

    def articles(self) -> int:
        if not self.es.indices.exists_alias(name=f"{self.prefix}-articles"):
            return 0
        self.es.indices.refresh(index=f"{self.prefix}-articles")
        return self.es.count(index=f"{self.prefix}-articles")["count"]

    def crawl_runs(self) -> int:
        from crawlers.state import ElasticsearchCrawlState

        if not self.es.indices.exists(index=f"{self.prefix}-crawlstate"):
            return 0
        self.es.indices.refresh(index=f"{self.prefix}-crawlstate")
        return len(ElasticsearchCrawlState(self.es, f"{self.prefix}-crawlstate").recent_runs("demo-henan-gov", 10))


@pytest.fixture(params=["embedded", "distributed"])
def deployment(request, tmp_path):
    if request.param == "embedded":
        return Embedded(tmp_path / "data")
    get = request.getfixturevalue
    return Distributed(get("kafka_bootstrap"), get("kafka_topics"), get("es_url"), get("es_client"),
                       get("es_prefix"), get("unique"))


def test_run_crawls_indexes_and_sends_once_across_a_restart(tmp_path, deployment):
    data_dir = tmp_path / "data"
    outbox = data_dir / "outbox"
    env = {k: v for k, v in os.environ.items()
           if k not in ("KAFKA_BOOTSTRAP_SERVERS", "ELASTICSEARCH_URL", "EMBEDDED_DB_PATH", "ALERTS_OUTBOX_DIR",
                        "SMTP_HOST")}
    env.update(deployment.settings)
    env.update(POLICYWATCH_DATA_DIR=str(data_dir), CRAWL_SOURCES_DIR=str(tmp_path / "sources"),
               ALERTS_IMMEDIATE_INTERVAL_S="2", ALERTS_LATE_BUFFER_S="0", DOWNLOAD_DELAY="0",
               AUTOTHROTTLE_ENABLED="false")
    (tmp_path / "subs.yaml").write_text(
        "subscriptions:\n  - id: henan\n    email: henan@example.org\n    schedule: immediate\n"
        "    filters: {regions: [Henan]}\n", encoding="utf-8")

    def policywatch(log_name: str) -> subprocess.Popen:
        # Output to a file: a long run would fill a pipe nobody reads and block.
        with open(tmp_path / log_name, "w") as log:
            return subprocess.Popen([sys.executable, "-m", "policywatch", "run"], cwd=REPO_ROOT, env=env,
                                    stdout=log, stderr=subprocess.STDOUT)

    with DemoSite(date.today()) as site:
        _registry(tmp_path / "sources", site.base_url)
        importing = subprocess.run([sys.executable, "-m", "policywatch", "subscriptions", "import",
                                    str(tmp_path / "subs.yaml")], cwd=REPO_ROOT, env=env, capture_output=True,
                                   text=True, timeout=60)
        assert importing.returncode == 0, importing.stderr

        first = policywatch("run1.log")
        try:
            _wait(lambda: deployment.crawl_runs() == 1, 60, "the first crawl")
            _wait(lambda: sum(title in body for body in _digests(outbox) for title in RELEVANT_HENAN)
                  == len(RELEVANT_HENAN), 30, "digests listing every relevant Henan article")
        finally:
            output = _stop(first, tmp_path / "run1.log")
        assert ("Kafka" in output) == isinstance(deployment, Distributed)
        assert deployment.articles() == 6
        sent = len(list(outbox.glob("*.eml")))

        second = policywatch("run2.log")
        try:
            _wait(lambda: deployment.crawl_runs() == 2, 60, "the crawl after the restart")
            time.sleep(5)  # two more digest rounds of the immediate subscription
        finally:
            _stop(second, tmp_path / "run2.log")

    assert deployment.articles() == 6
    assert len(list(outbox.glob("*.eml"))) == sent
    bodies = _digests(outbox)
    for title in RELEVANT_HENAN:  # each relevant article in exactly one digest
        assert sum(title in body for body in bodies) == 1, title
    assert not any("关于做好元旦春节期间安全生产工作的通知" in body for body in bodies)
