"""deploy/docker-compose.yml and deploy/Dockerfile: every variable documented, every
app command real, every metrics target an app service; and ``docker compose config``
accepts the file where the compose plugin is installed (skipped loudly otherwise)."""

import re
import shutil
import subprocess

import pytest
import yaml

from policywatch.cli import build_parser
from tests.unit.ops.envdoc import REPO_ROOT, compose_only_variables, documented_variables, settings_variables

DEPLOY = REPO_ROOT / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
# ${NAME}, ${NAME:-default}, ${NAME:?error}; $${...} is an escaped literal for the shell.
_INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")
_LONG_RUNNING_WITH_METRICS = {"crawler", "consumer", "matcher", "alerts"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _app_services(compose):
    return {name: service for name, service in compose["services"].items()
            if service.get("build", {}).get("dockerfile") == "deploy/Dockerfile"}


def test_the_production_stack_is_complete(compose):
    assert {"kafka", "setup", "elasticsearch", "kibana", "mailpit", "prometheus", "bootstrap", "kibana-import",
            "crawler", "consumer", "matcher", "alerts", "web"} <= set(compose["services"])
    assert compose["services"]["kafka"]["image"].startswith("apache/kafka:")
    assert "${STACK_VERSION:-8.19." in COMPOSE.read_text(encoding="utf-8")


def test_every_interpolated_variable_is_documented():
    used = set(_INTERPOLATION.findall(COMPOSE.read_text(encoding="utf-8")))
    missing = used - set(documented_variables())
    assert used and not missing, f"deploy/docker-compose.yml uses variables not in deploy/.env.example: {missing}"


def test_app_services_set_only_settings_the_code_reads(compose):
    settings_names = settings_variables()
    for name, service in _app_services(compose).items():
        unknown = set(service["environment"]) - settings_names
        assert not unknown, f"service {name} sets {unknown}, which settings.py does not read"
        assert service["environment"]["KAFKA_SASL_PASSWORD"].startswith("${KAFKA_SASL_PASSWORD")
        assert service["environment"]["ELASTICSEARCH_CA_CERTS"] == "/certs/ca/ca.crt"


def test_compose_only_variables_are_all_used():
    used = set(_INTERPOLATION.findall(COMPOSE.read_text(encoding="utf-8")))
    assert compose_only_variables() <= used, "documented as compose-only but unused: " \
        f"{compose_only_variables() - used}"


def test_app_commands_are_policywatch_subcommands(compose):
    parser = build_parser()
    for name, service in _app_services(compose).items():
        try:
            parser.parse_args(service["command"])
        except SystemExit as exc:
            pytest.fail(f"service {name}: `policywatch {' '.join(service['command'])}` is not a command ({exc})")


def test_prometheus_scrapes_every_long_running_process(compose):
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text(encoding="utf-8"))
    targets = {t.split(":")[0]: t.split(":")[1] for job in config["scrape_configs"]
               for group in job["static_configs"] for t in group["targets"]}
    assert set(targets) == _LONG_RUNNING_WITH_METRICS
    for name, port in targets.items():
        assert compose["services"][name]["environment"]["METRICS_PORT"] == port


def test_dockerfile_copies_what_exists():
    lines = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines()
    stages = {line.split()[-1] for line in lines if line.startswith("FROM ") and " AS " in line}
    for line in lines:
        if line.startswith("COPY --from="):  # from a build stage of the file
            stage = line.split()[1].removeprefix("--from=")
            assert stage in stages, f"deploy/Dockerfile copies from stage {stage}, which it does not build"
        elif line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (REPO_ROOT / source).exists(), f"deploy/Dockerfile copies {source}, which does not exist"


def _compose_plugin_problem() -> str:
    if not shutil.which("docker"):
        return "the docker client is not installed"
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        return f"the docker compose plugin is missing (`docker compose version`: {probe.stderr.strip()[:200]})"
    return ""


def test_docker_compose_config_accepts_the_file(tmp_path):
    problem = _compose_plugin_problem()
    if problem:
        pytest.skip(f"SKIPPED LOUDLY: cannot run `docker compose config`: {problem}; install the compose "
                    "plugin (docker-compose-plugin) to validate deploy/docker-compose.yml with Docker itself")
    secrets = {name: f"test-{name.lower()}-0123456789abcdef0123456789" for name in
               ("ELASTIC_PASSWORD", "KIBANA_SYSTEM_PASSWORD", "KIBANA_ENCRYPTION_KEY", "POLICYWATCH_OPS_PASSWORD",
                "POLICYWATCH_ANALYST_PASSWORD", "KAFKA_ADMIN_PASSWORD", "KAFKA_SASL_PASSWORD",
                "ELASTICSEARCH_PASSWORD", "ALERTS_UNSUBSCRIBE_SECRET")}
    result = subprocess.run(["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"], capture_output=True,
                            text=True, timeout=120, env={"PATH": "/usr/bin:/bin:/usr/local/bin",
                                                         "HOME": str(tmp_path), **secrets})
    assert result.returncode == 0, result.stderr
