"""Reading deploy/.env.example and the names settings.py takes from the environment.

Shared by tests/unit/test_settings.py and the docker-compose test, so both agree on
what "documented" means.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
ENV_EXAMPLE = REPO_ROOT / "deploy" / ".env.example"
SETTINGS = REPO_ROOT / "settings.py"

_ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")
_SECTION = "# --- "
# The header of the section documenting docker-compose-only variables.
COMPOSE_ONLY_SECTION = "Docker compose only"


def documented_variables(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    """NAME -> default from .env.example; every assignment must follow a ``#`` comment
    line and appear once (AssertionError naming the line otherwise)."""
    variables: dict[str, str] = {}
    previous = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            match = _ASSIGNMENT.match(stripped)
            assert match, f"{path.name}:{number}: {line!r} is neither a comment nor NAME=value"
            name = match.group(1)
            assert previous.startswith("#"), f"{path.name}:{number}: {name} has no `# comment` line above it"
            assert name not in variables, f"{path.name}:{number}: {name} is documented twice"
            variables[name] = match.group(2)
        previous = stripped
    return variables


def compose_only_variables(path: Path = ENV_EXAMPLE) -> set[str]:
    """Names in the "Docker compose only" section: read by docker-compose.yml, not by
    settings.py."""
    names, inside = set(), False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(_SECTION):
            inside = COMPOSE_ONLY_SECTION in line
        elif inside and _ASSIGNMENT.match(line.strip()):
            names.add(_ASSIGNMENT.match(line.strip()).group(1))
    return names


def settings_variables(path: Path = SETTINGS) -> set[str]:
    """Names settings.py reads from the environment: the first (string) argument of every
    call to a helper defined in settings.py itself (``_str("NAME", ...)``, ``_int(...)``,
    ...). Plain constants (e.g. Scrapy-only ones) are not env-driven and not listed."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    helpers = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    names = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value)
    return names
