"""Dedicated Kafka and Elasticsearch servers that a fault drill may stop and start.

The shared servers (127.0.0.1:39092 and :39200) serve every other test and helper, so a
drill that takes a server down gets its own instance, started with the project's
script (deploy/local/servers.sh) in a private run directory on ports of its own:

* Kafka on DRILL_KAFKA_PORT (its KRaft controller on the next port);
* Elasticsearch on DRILL_ES_PORT (servers.sh gives it transport ports from
  DRILL_ES_PORT + 100 up, clear of the shared server's 39300).

Stopping is done here, by process id: ``servers.sh stop elasticsearch`` also runs
``pkill -u policywatch-es -f org.elasticsearch``, which would take the SHARED
Elasticsearch down with ours. We signal exactly the process tree our start created.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVERS_SCRIPT = REPO_ROOT / "deploy" / "local" / "servers.sh"
DRILL_KAFKA_PORT = 39192
DRILL_ES_PORT = 39250
_PID_FILES = {"kafka": "kafka.pid", "elasticsearch": "es.pid"}


class ServerError(RuntimeError):
    """A dedicated server could not be started or stopped; the message has its output."""


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (parents first)."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop(0)
        if Path(f"/proc/{current}").exists():
            tree.append(current)
            pending += _children(current)
    return tree


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


class DedicatedServer:
    """One server of servers.sh (``kafka`` or ``elasticsearch``) in ``run_dir``."""

    def __init__(self, kind: str, run_dir: Path, port: int) -> None:
        if kind not in _PID_FILES:
            raise ValueError(f"unknown server kind {kind!r}")
        self.kind, self.run_dir, self.port = kind, run_dir, port
        self.starts = 0

    @property
    def address(self) -> str:
        """Kafka bootstrap servers, or the Elasticsearch URL."""
        return f"127.0.0.1:{self.port}" if self.kind == "kafka" else f"http://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.run_dir / _PID_FILES[self.kind]

    def _env(self) -> dict[str, str]:
        return {**os.environ, "POLICYWATCH_SERVERS_DIR": str(self.run_dir),
                "POLICYWATCH_KAFKA_PORT": str(self.port if self.kind == "kafka" else DRILL_KAFKA_PORT),
                "POLICYWATCH_ES_PORT": str(self.port if self.kind == "elasticsearch" else DRILL_ES_PORT)}

    def start(self, timeout_s: float = 180) -> float:
        """Start (or restart) the server and wait until it is healthy; returns seconds taken."""
        if self.running():
            return 0.0
        if port_open(self.port):
            raise ServerError(f"port {self.port} for the drill's {self.kind} is taken by another process")
        started = time.monotonic()
        done = subprocess.run(["bash", str(SERVERS_SCRIPT), "start", self.kind], env=self._env(),
                              capture_output=True, text=True, timeout=timeout_s)
        if done.returncode != 0 or not self.running():
            logs = self._log_tail()
            self.stop()
            raise ServerError(f"could not start the drill's {self.kind} on port {self.port} "
                              f"(exit {done.returncode}):\n{done.stdout}{done.stderr}\n{logs}")
        self.starts += 1
        return time.monotonic() - started

    def _log_tail(self) -> str:
        name = "kafka-logs/stdout.log" if self.kind == "kafka" else "es-logs/stdout.log"
        path = self.run_dir / name
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def _server_pid(self) -> int | None:
        """The pid in the pid file, while it is still this server: a pid number outlives
        its process and is reused, so its command line must name our run directory."""
        try:
            pid = int(self.pid_file.read_text().strip())
            command_line = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            return None
        return pid if _alive(pid) and str(self.run_dir).encode() in command_line else None

    def running(self) -> bool:
        return self._server_pid() is not None

    def stop(self, timeout_s: float = 60) -> float:
        """Stop exactly the processes this server's start created (SIGTERM, then SIGKILL
        after ``timeout_s``); returns seconds taken."""
        started = time.monotonic()
        root = self._server_pid()
        if root is None:
            self.pid_file.unlink(missing_ok=True)
            return 0.0
        tree = process_tree(root)
        for pid in reversed(tree):  # the server JVM first, then its launchers
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + timeout_s
        while any(_alive(pid) for pid in tree) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in tree:
            if _alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        while any(_alive(pid) for pid in tree) and time.monotonic() < deadline + 10:
            time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return time.monotonic() - started


class DrillServers:
    """The dedicated servers of one test session, in one temporary run directory."""

    def __init__(self) -> None:
        self.run_dir = Path(tempfile.mkdtemp(prefix="pw-drill-servers-"))
        self.kafka = DedicatedServer("kafka", self.run_dir, DRILL_KAFKA_PORT)
        self.elasticsearch = DedicatedServer("elasticsearch", self.run_dir, DRILL_ES_PORT)

    def close(self) -> None:
        for server in (self.kafka, self.elasticsearch):
            server.stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)


# --- pytest fixtures (imported by tests/reliability/conftest.py) ------------------------
import pytest  # noqa: E402 - fixtures below, the helpers above work without pytest


@pytest.fixture(scope="session")
def drill_servers():
    """The session's dedicated servers; stopped and removed at the end of the session."""
    servers = DrillServers()
    yield servers
    servers.close()


def _started(server: DedicatedServer) -> DedicatedServer:
    try:
        server.start()
    except (ServerError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"dedicated {server.kind} for the fault drills did not start: {exc}", pytrace=False)
    return server


@pytest.fixture
def drill_kafka(drill_servers) -> DedicatedServer:
    """A Kafka broker of this session that the test may stop and start again
    (``.address`` is its bootstrap address)."""
    return _started(drill_servers.kafka)


@pytest.fixture
def drill_elasticsearch(drill_servers) -> DedicatedServer:
    """An Elasticsearch node of this session that the test may stop and start again
    (``.address`` is its URL)."""
    return _started(drill_servers.elasticsearch)
