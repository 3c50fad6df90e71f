"""deploy/local/servers.sh trusts a pid file only while its process is the server.

A pid file outlives its process (a new session or CI run on the same /tmp), and the
number is soon given to something else: once that made the script report Kafka as
running, start nothing, and the whole Kafka half of CI failed as "not reachable".
"""

import subprocess
import sys

import pytest

from tests.unit.ops.envdoc import REPO_ROOT

SERVERS_SCRIPT = REPO_ROOT / "deploy" / "local" / "servers.sh"


@pytest.fixture
def stranger():
    """A live process that is neither Kafka nor Elasticsearch."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield process
    process.kill()
    process.wait()


def _servers(run_dir, *args):
    # Ports no server listens on, so nothing real on this machine is looked at.
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "POLICYWATCH_SERVERS_DIR": str(run_dir), "POLICYWATCH_KAFKA_PORT": "1", "POLICYWATCH_ES_PORT": "3"}
    return subprocess.run(["bash", str(SERVERS_SCRIPT), *args], env=env, capture_output=True, text=True,
                          timeout=60)


def test_a_pid_file_naming_another_live_process_is_not_a_running_server(tmp_path, stranger):
    for pid_file in ("kafka.pid", "es.pid"):
        (tmp_path / pid_file).write_text(f"{stranger.pid}\n")

    status = _servers(tmp_path, "status")

    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines() == ["kafka: stopped", "elasticsearch: stopped"]


def test_stop_leaves_another_process_with_the_recorded_pid_alone(tmp_path, stranger):
    for pid_file in ("kafka.pid", "es.pid"):
        (tmp_path / pid_file).write_text(f"{stranger.pid}\n")

    stopped = _servers(tmp_path, "stop", "all")

    assert stopped.returncode == 0, stopped.stderr
    assert stranger.poll() is None, "servers.sh killed a process that is not its server"
    assert not (tmp_path / "kafka.pid").exists() and not (tmp_path / "es.pid").exists()
