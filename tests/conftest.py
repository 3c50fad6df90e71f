"""Fixtures for the real servers and the shared evaluation data.

Integration, e2e and reliability tests talk to the Kafka broker and Elasticsearch
server that ``bash deploy/local/test.sh`` fetches and starts (it exports
POLICYWATCH_TEST_KAFKA and POLICYWATCH_TEST_ELASTICSEARCH). When they are missing the
tests that need them FAIL with a message saying how to start them: a missing server is
never a silent pass. Every test gets its own topic and index names and cleans up.
"""

from __future__ import annotations

import email
import email.policy
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import settings

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"
SERVERS_SCRIPT = REPO_ROOT / "deploy" / "local" / "servers.sh"
_HOW_TO_START = ("start the real servers with `bash deploy/local/test.sh` (runs the whole suite) or "
                 "`bash deploy/local/servers.sh start all` and export POLICYWATCH_TEST_KAFKA=127.0.0.1:39092 "
                 "POLICYWATCH_TEST_ELASTICSEARCH=http://127.0.0.1:39200")


def _reachable(host: str, port: int, timeout: float = 2.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unique() -> str:
    """A short name unique to this test, for topics, indices and groups."""
    return f"t{uuid.uuid4().hex[:10]}"


# --- Kafka ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    address = settings.POLICYWATCH_TEST_KAFKA
    if not address:
        pytest.fail(f"POLICYWATCH_TEST_KAFKA is not set: this test needs the real Kafka broker; {_HOW_TO_START}",
                    pytrace=False)
    host, _, port = address.split(",")[0].rpartition(":")
    if not _reachable(host, int(port)):
        pytest.fail(f"Kafka at {address} is not reachable; {_HOW_TO_START}", pytrace=False)
    return address


@pytest.fixture
def kafka_topics(kafka_bootstrap, unique):
    """Fresh raw/classified/dlq topic names (3 partitions each), deleted afterwards."""
    from kafka.admin import KafkaAdminClient, NewTopic

    names = {"raw": f"{unique}.raw", "classified": f"{unique}.classified", "dlq": f"{unique}.dlq"}
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    admin.create_topics([NewTopic(name, 3, 1) for name in names.values()])
    yield names
    try:
        admin.delete_topics(list(names.values()))
    finally:
        admin.close()


# --- Elasticsearch ----------------------------------------------------------------------
@pytest.fixture(scope="session")
def es_url() -> str:
    url = settings.POLICYWATCH_TEST_ELASTICSEARCH
    if not url:
        pytest.fail(f"POLICYWATCH_TEST_ELASTICSEARCH is not set: this test needs the real Elasticsearch; "
                    f"{_HOW_TO_START}", pytrace=False)
    from elasticsearch import Elasticsearch

    client = Elasticsearch(url, request_timeout=10)
    try:
        client.cluster.health(wait_for_status="yellow", timeout="10s")
    except Exception as exc:  # any failure here means the server is not usable
        pytest.fail(f"Elasticsearch at {url} is not healthy ({exc}); {_HOW_TO_START}", pytrace=False)
    finally:
        client.close()
    return url


@pytest.fixture
def es_client(es_url):
    from elasticsearch import Elasticsearch

    client = Elasticsearch(es_url, request_timeout=30)
    yield client
    client.close()


@pytest.fixture
def es_prefix(es_client, unique):
    """An index prefix unique to this test; its indices, aliases and templates are
    removed afterwards."""
    prefix = f"pw-{unique}"
    yield prefix
    quiet = es_client.options(ignore_status=404)
    quiet.indices.delete(index=f"{prefix}-*", expand_wildcards="all")
    quiet.indices.delete_index_template(name=f"{prefix}-*")


# --- SMTP -------------------------------------------------------------------------------
class SmtpSink:
    """A real SMTP server process (tests/support/smtp_sink.py) that can be stopped and
    started again on the same port, to drill outages."""

    def __init__(self, directory: Path) -> None:
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.directory = directory
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.smtp_sink", "--host", self.host,
             "--port", str(self.port), "--dir", str(self.directory)],
            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while not _reachable(self.host, self.port, 0.5):
            if self._process.poll() is not None or time.monotonic() > deadline:
                output = self._process.stdout.read().decode(errors="replace") if self._process.stdout else ""
                raise RuntimeError(f"SMTP sink did not start: {output}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)
        if self._process and self._process.stdout:
            self._process.stdout.close()
        self._process = None

    def messages(self) -> list[email.message.EmailMessage]:
        """Every message received so far, parsed, in arrival order."""
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in sorted(self.directory.glob("*.eml"))]

    def wait_for(self, count: int, timeout: float = 15.0) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(list(self.directory.glob("*.eml"))) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.messages()


@pytest.fixture
def smtp_server(tmp_path):
    sink = SmtpSink(tmp_path / "mail")
    sink.start()
    yield sink
    sink.stop()


# --- Shared evaluation data ---------------------------------------------------------------
@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the repository (taxonomy, seeds, eval). Real article texts are
    read from there and never copied into the repository."""
    if not (SHARED_DIR / "eval").is_dir():
        pytest.skip(f"SKIPPED LOUDLY: {SHARED_DIR} is missing; clone the repository with shared/ beside it "
                    "(CI always has it) to run the tests on the real articles")
    return SHARED_DIR
