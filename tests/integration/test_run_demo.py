"""`policywatch run --demo` end to end, as a newcomer runs it: a subprocess with its own
data directory and neither Kafka nor Elasticsearch configured. Twice: the second run
crawls, stores and sends nothing again. Then `policywatch search --demo` finds it."""

from __future__ import annotations

import email
import email.policy
import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.integration

PLAN = "河南省人民政府办公厅关于印发河南省区块链产业发展行动计划"
PILOT = "郑州获批建设省级区块链发展先导区"
NOTICE = "关于做好元旦春节期间安全生产工作的通知"
DEMO_ARTICLES = 12  # 6 provincial pages, 1 ministry page, 5 finance news pages


def _env(data_dir) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("KAFKA_BOOTSTRAP_SERVERS", "ELASTICSEARCH_URL", "EMBEDDED_DB_PATH", "ALERTS_OUTBOX_DIR",
                        "SMTP_HOST")}
    env["POLICYWATCH_DATA_DIR"] = str(data_dir)
    return env


def _policywatch(data_dir, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policywatch", *args], cwd=REPO_ROOT, env=_env(data_dir),
                          capture_output=True, text=True, timeout=timeout)


def _rows(db, sql: str) -> int:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    """Two demo runs in one fresh data directory, with their outputs and durations."""
    data_dir = tmp_path_factory.mktemp("pwdata")
    runs = []
    for _ in range(2):
        started = time.monotonic()
        result = _policywatch(data_dir, "run", "--demo")
        runs.append((result, time.monotonic() - started))
        assert result.returncode == 0, result.stdout + result.stderr
    return data_dir, runs


def test_first_run_crawls_classifies_and_summarises(demo_runs):
    _, [(first, seconds), _] = demo_runs
    out = first.stdout
    assert f"{DEMO_ARTICLES} new article(s) classified and stored" in out
    assert f"Stored articles: {DEMO_ARTICLES} (" in out
    assert "Relevant articles by region" in out and "Relevant articles by theme" in out
    assert "Henan" in out and "National" in out
    assert PLAN in out  # among the most relevant titles
    assert "KAFKA_BOOTSTRAP_SERVERS" in out and "ELASTICSEARCH_URL" in out  # how to go distributed
    assert seconds < 60


def test_articles_are_classified_and_stored_in_the_demo_store(demo_runs):
    from policywatch.store.base import ArticleQuery
    from policywatch.store.sqlite import SqliteArticleStore

    data_dir, _ = demo_runs
    store = SqliteArticleStore(data_dir / "demo" / "policywatch.sqlite3")
    try:
        [plan] = store.search(ArticleQuery(text="印发河南省区块链产业发展行动计划", sources=("demo-henan-gov",))).hits
        assert plan["relevant"] is True and "Henan" in plan["regions"]
        assert plan["doc_type"] == "policy_document"
        assert plan["source_kind"] == "provincial" and plan["lang"] == "zh"
        assert plan["published"]  # the Chinese date of the GBK page was read
        [notice] = store.search(ArticleQuery(text="安全生产")).hits
        assert notice["relevant"] is False
    finally:
        store.close()
    assert not (data_dir / "policywatch.sqlite3").exists()  # real data untouched


def test_a_sample_digest_is_written_as_html_and_eml(demo_runs):
    data_dir, [(first, _), _] = demo_runs
    html = data_dir / "demo" / "sample-digest.html"
    assert str(html.as_uri()) in first.stdout
    assert PLAN in html.read_text(encoding="utf-8")
    [eml] = list((data_dir / "demo" / "outbox").glob("*.eml"))
    assert str(eml) in first.stdout
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "demo@example.org"
    body = message.get_body(("plain",)).get_content()
    assert PLAN in body and PILOT in body
    assert NOTICE not in body  # not relevant, not sent


def test_second_run_adds_nothing_and_sends_nothing(demo_runs):
    data_dir, [_, (second, seconds)] = demo_runs
    db = data_dir / "demo" / "policywatch.sqlite3"
    assert "nothing new" in second.stdout
    assert f"Stored articles: {DEMO_ARTICLES} (" in second.stdout  # the summary still shows
    assert _rows(db, "SELECT count(*) FROM article_docs") == DEMO_ARTICLES
    assert _rows(db, "SELECT count(DISTINCT article_id) FROM article_fts") == DEMO_ARTICLES
    assert _rows(db, "SELECT count(*) FROM article_fts") == DEMO_ARTICLES
    assert len(list((data_dir / "demo" / "outbox").glob("*.eml"))) == 1
    assert seconds < 60


def test_search_finds_the_demo_articles(demo_runs):
    data_dir, _ = demo_runs
    result = _policywatch(data_dir, "search", "区块链 试点", "--region", "Henan", "--since", "30d", "--demo")
    assert result.returncode == 0, result.stderr
    assert PILOT in result.stdout and "demo-henan-gov" in result.stdout
    assert NOTICE not in result.stdout
    as_json = _policywatch(data_dir, "search", "区块链", "--region", "Henan", "--doc-type", "policy_document",
                           "--demo", "--json")
    hits = json.loads(as_json.stdout)["hits"]
    assert any(PLAN in hit["title"] for hit in hits)
    assert all("Henan" in hit["regions"] and hit["doc_type"] == "policy_document" for hit in hits)


def test_search_without_a_store_says_what_to_do(tmp_path):
    result = _policywatch(tmp_path, "search", "区块链")
    assert result.returncode == 2
    assert "policywatch run --demo" in result.stderr
    assert "Traceback" not in result.stderr
