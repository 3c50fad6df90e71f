"""deploy/kibana/*.ndjson: parse, stable ids, and every field they use exists in the
articles mapping (deploy/elasticsearch/articles.json) with a type that fits its use."""

import json

import pytest

from policywatch.ops import kibana
from policywatch.store.es_layout import load_template
from tests.unit.ops.envdoc import documented_variables

_AGGREGATABLE = {"keyword", "date", "boolean", "float", "integer", "long", "double"}


def _mapped_types(properties: dict, prefix: str = "") -> dict[str, str]:
    """Every field path of a mapping (objects and multi-fields included) -> its type."""
    found = {}
    for name, spec in properties.items():
        path = f"{prefix}{name}"
        found[path] = spec.get("type", "object")
        found.update(_mapped_types(spec.get("properties", {}), f"{path}."))
        found.update(_mapped_types(spec.get("fields", {}), f"{path}."))
    return found


@pytest.fixture(scope="module")
def objects():
    return kibana.load_saved_objects()


@pytest.fixture(scope="module")
def mapped():
    return _mapped_types(load_template().mappings["properties"])


def test_every_line_parses_into_the_expected_objects(objects):
    assert {o.key for o in objects} == {
        ("index-pattern", "policywatch-articles"),
        ("search", "policywatch-relevant-this-week"),
        ("search", "policywatch-relevant-by-region"),
        ("search", "policywatch-latest-relevant"),
        ("visualization", "policywatch-articles-per-day-by-region"),
        ("visualization", "policywatch-themes-by-region"),
        ("visualization", "policywatch-top-sources"),
        ("visualization", "policywatch-source-health"),
        ("dashboard", "policywatch-overview"),
    }


def test_data_view_reads_the_articles_alias(objects):
    prefix = documented_variables()["ELASTICSEARCH_INDEX_PREFIX"]
    assert kibana.data_view_titles(objects) == {"policywatch-articles": f"{prefix}-articles"}
    for obj in objects:
        if obj.body["type"] in ("search", "visualization"):
            assert kibana.data_view_of(obj) == "policywatch-articles", obj.where()


@pytest.mark.parametrize("index", range(9))
def test_every_referenced_field_is_mapped(objects, mapped, index):
    obj = objects[index]
    missing = kibana.referenced_fields(obj) - set(mapped)
    assert not missing, f"{obj.where()} uses fields absent from deploy/elasticsearch/articles.json: {missing}"


def test_aggregated_and_sorted_fields_are_not_analysed_text(objects, mapped):
    for obj in objects:
        attributes = obj.body["attributes"]
        used = [column for column, _ in attributes.get("sort", [])]
        if "visState" in attributes:
            used += [a["params"]["field"] for a in json.loads(attributes["visState"])["aggs"] if "field" in a["params"]]
        for field in used:
            assert mapped[field] in _AGGREGATABLE, f"{obj.where()}: {field} is {mapped[field]}, not aggregatable"


def test_dashboard_has_a_panel_for_each_view(objects):
    dashboard = next(o for o in objects if o.body["type"] == "dashboard")
    panels = json.loads(dashboard.body["attributes"]["panelsJSON"])
    references = {r["name"]: r["id"] for r in dashboard.body["references"]}
    shown = {references[f"{p['panelIndex']}:{p['panelRefName']}"] for p in panels}
    assert shown == {"policywatch-articles-per-day-by-region", "policywatch-themes-by-region",
                     "policywatch-top-sources", "policywatch-latest-relevant", "policywatch-source-health"}


def test_field_extraction_reads_queries_columns_and_aggregations():
    body = {"type": "visualization", "id": "x", "references": [], "attributes": {
        "title": "x", "columns": ["title"], "sort": [["published", "desc"]],
        "visState": json.dumps({"aggs": [{"params": {"field": "regions"}}, {"params": {}}]}),
        "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps(
            {"query": {"query": 'relevant:true and published >= now-7d and not "a:b"'}})}}}
    assert kibana.referenced_fields(kibana.SavedObject("f", 1, body)) == {"title", "published", "regions", "relevant"}


@pytest.mark.parametrize("line, message", [
    ("not json", "f.ndjson:1: not JSON"),
    ('{"type": "map", "id": "a"}', "field type"),
    ('{"type": "search", "id": "Bad Id", "attributes": {"title": "t"}, "references": []}', "field id"),
    ('{"type": "search", "id": "a", "attributes": {}, "references": []}', "attributes.title"),
    ('{"type": "search", "id": "a", "attributes": {"title": "t", "visState": "{"}, "references": []}',
     "attributes.visState"),
    ('{"type": "search", "id": "a", "attributes": {"title": "t"}, "references": '
     '[{"type": "index-pattern", "id": "nope"}]}', "field references"),
])
def test_malformed_files_are_refused_naming_file_line_and_field(tmp_path, line, message):
    (tmp_path / "f.ndjson").write_text(line + "\n", encoding="utf-8")
    with pytest.raises(kibana.SavedObjectsError, match=message):
        kibana.load_saved_objects(tmp_path)


def test_duplicate_ids_are_refused(tmp_path):
    line = '{"type": "search", "id": "a", "attributes": {"title": "t"}, "references": []}\n'
    (tmp_path / "f.ndjson").write_text(line * 2, encoding="utf-8")
    with pytest.raises(kibana.SavedObjectsError, match="f.ndjson:2 .*same type and id as f.ndjson:1"):
        kibana.load_saved_objects(tmp_path)
