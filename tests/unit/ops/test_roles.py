"""deploy/elasticsearch/roles/*.json: valid role bodies, least privilege where promised."""

import json

import pytest

from tests.unit.ops.envdoc import REPO_ROOT

ROLES_DIR = REPO_ROOT / "deploy" / "elasticsearch" / "roles"
_WRITES = {"write", "index", "create", "create_doc", "delete", "manage", "create_index", "delete_index", "all"}


def _role(name: str) -> dict:
    return json.loads((ROLES_DIR / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted(ROLES_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_role_files_are_role_bodies(path):
    role = json.loads(path.read_text(encoding="utf-8"))
    assert set(role) <= {"description", "cluster", "indices", "applications"}, path.name
    assert role["description"] and isinstance(role["cluster"], list)
    for entry in role["indices"]:
        assert entry["names"] and all(name.startswith("policywatch-") for name in entry["names"]), path.name
        assert entry["privileges"]


def test_the_four_roles_exist():
    assert {p.stem for p in ROLES_DIR.glob("*.json")} == {
        "policywatch_writer", "policywatch_analyst", "policywatch_kibana_viewer", "policywatch_kibana_editor"}


@pytest.mark.parametrize("name", ["policywatch_analyst", "policywatch_kibana_viewer"])
def test_read_only_roles_cannot_write_or_manage(name):
    role = _role(name)
    assert role["cluster"] == []
    for entry in role["indices"]:
        assert not set(entry["privileges"]) & _WRITES
    for app in role.get("applications", []):
        assert app["privileges"] == ["read"]


def test_the_writer_cannot_touch_other_indices_or_security():
    role = _role("policywatch_writer")
    assert [entry["names"] for entry in role["indices"]] == [["policywatch-*"]]
    assert not {"all", "manage", "manage_security"} & set(role["cluster"])
