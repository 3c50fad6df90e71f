"""settings.py is the only reader of the environment, and deploy/.env.example documents
exactly what it reads."""

import re

from tests.unit.ops.envdoc import (ENV_EXAMPLE, REPO_ROOT, SETTINGS, compose_only_variables, documented_variables,
                                   settings_variables)

# Source folders that are not the product: the test suite (fixtures may set env for
# subprocesses), the virtual environment and generated data.
_NOT_PRODUCT = {"tests", ".venv", ".git", "var", "build", "node_modules"}
_ENV_READ = re.compile(r"\bos\.environ\b|\bos\.getenv\b|\bfrom os import[^\n]*\b(environ|getenv)\b|\bgetenv\(")


def test_env_example_documents_exactly_what_settings_reads():
    read = settings_variables()
    compose_only = compose_only_variables()
    documented = set(documented_variables()) - compose_only
    assert read, "found no _str/_int/... calls in settings.py: the parser is broken"
    assert not read & compose_only, f"read by settings.py, so not docker-compose-only: {sorted(read & compose_only)}"
    assert not read - documented, f"read by settings.py but not documented in {ENV_EXAMPLE}: {sorted(read - documented)}"
    assert not documented - read, f"documented in {ENV_EXAMPLE} but not read by settings.py: {sorted(documented - read)}"


def test_settings_is_the_only_module_reading_the_environment():
    offenders = []
    for path in sorted(REPO_ROOT.rglob("*.py")):
        relative = path.relative_to(REPO_ROOT)
        if relative.parts[0] in _NOT_PRODUCT or path == SETTINGS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _ENV_READ.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "only settings.py may read the environment:\n" + "\n".join(offenders)


def test_settings_itself_reads_the_environment():
    # Guards the test above: if settings.py stopped using os.environ the scan would
    # look only at an empty set of allowed readers.
    assert _ENV_READ.search(SETTINGS.read_text(encoding="utf-8"))


def test_parser_finds_a_known_variable_and_its_default():
    assert "KAFKA_BOOTSTRAP_SERVERS" in settings_variables()
    assert documented_variables()["KAFKA_TOPIC_RAW"] == "news.articles.raw"
