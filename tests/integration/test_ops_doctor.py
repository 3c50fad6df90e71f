"""``policywatch doctor`` against the real servers (OK) and against closed ports (FAIL
with a fix), never printing a secret."""

import socket
import subprocess
import sys

import pytest

from policywatch.store.elasticsearch import ElasticsearchArticleStore
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.integration

SECRET = "s3cr3t-Value-that-must-not-leak"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _doctor(env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "HOME": str(env.pop("HOME"))}
    return subprocess.run([sys.executable, "-m", "policywatch", "doctor"], cwd=REPO_ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def _lines(output: str) -> dict[str, str]:
    """check name -> status, from doctor's report."""
    found = {}
    for line in output.splitlines():
        status, _, rest = line.partition("  ")
        if status.strip() in ("OK", "FAIL", "SKIP"):
            found[rest.strip().split("  ")[0]] = status.strip()
    return found


def test_doctor_reports_ok_on_the_real_servers(kafka_bootstrap, kafka_topics, es_client, es_url, es_prefix,
                                               smtp_server, tmp_path):
    ElasticsearchArticleStore(es_client, es_prefix).ensure_ready()
    result = _doctor({
        "HOME": tmp_path, "POLICYWATCH_DATA_DIR": str(tmp_path),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "KAFKA_TOPIC_RAW": kafka_topics["raw"],
        "KAFKA_TOPIC_CLASSIFIED": kafka_topics["classified"], "KAFKA_TOPIC_DLQ": kafka_topics["dlq"],
        "ELASTICSEARCH_URL": es_url, "ELASTICSEARCH_INDEX_PREFIX": es_prefix,
        "SMTP_HOST": smtp_server.host, "SMTP_PORT": str(smtp_server.port), "SMTP_TLS": "none",
        "ALERTS_UNSUBSCRIBE_SECRET": SECRET,
    })
    assert result.returncode == 0, result.stdout + result.stderr
    assert _lines(result.stdout) == {
        "config: mode": "OK", "config: kafka security": "OK", "config: elasticsearch security": "OK",
        "kafka": "OK", "kafka topics": "OK", "elasticsearch": "OK", "elasticsearch alias": "OK",
        "smtp": "OK", "kibana": "SKIP"}
    assert f"{es_prefix}-articles" in result.stdout
    assert SECRET not in result.stdout + result.stderr


def test_doctor_reports_fail_with_fixes_and_redacted_secrets_on_closed_ports(tmp_path):
    kafka, es, smtp, kibana = (_closed_port() for _ in range(4))
    result = _doctor({
        "HOME": tmp_path, "POLICYWATCH_DATA_DIR": str(tmp_path),
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{kafka}", "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "KAFKA_SASL_MECHANISM": "PLAIN", "KAFKA_SASL_USERNAME": "policywatch", "KAFKA_SASL_PASSWORD": SECRET,
        "ELASTICSEARCH_URL": f"http://127.0.0.1:{es}", "ELASTICSEARCH_USERNAME": "policywatch_app",
        "ELASTICSEARCH_PASSWORD": SECRET,
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp), "SMTP_USER": "mailer", "SMTP_PASSWORD": SECRET,
        "KIBANA_URL": f"http://127.0.0.1:{kibana}",
    })
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    statuses = _lines(result.stdout)
    assert {name: statuses[name] for name in ("kafka", "elasticsearch", "smtp", "kibana")} == {
        "kafka": "FAIL", "elasticsearch": "FAIL", "smtp": "FAIL", "kibana": "FAIL"}
    assert statuses["config: kafka security"] == "OK"
    assert result.stdout.count("fix: ") == 4
    assert "KAFKA_BOOTSTRAP_SERVERS" in output and "KIBANA_URL" in output
    assert SECRET not in output
    assert "KAFKA_SASL_PASSWORD=(set, hidden)" in output and "ELASTICSEARCH_PASSWORD=(set, hidden)" in output
