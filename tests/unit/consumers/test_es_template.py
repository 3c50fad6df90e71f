"""The Elasticsearch template files under deploy/elasticsearch/ and the pure query builders."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from policywatch.schema import DOCUMENT_FIELDS
from policywatch.store import es_layout, es_query
from policywatch.store.base import ArticleQuery


def test_every_document_field_is_mapped_and_nothing_else():
    template = es_layout.load_template()
    assert set(template.mappings["properties"]) == set(DOCUMENT_FIELDS)
    assert template.mappings["dynamic"] == "strict"


def test_facets_are_keywords_dates_are_dates_texts_use_the_chosen_analyzer():
    properties = es_layout.load_template().mappings["properties"]
    for name in ("regions", "themes", "applications", "doc_type", "source", "source_kind", "source_region",
                 "lang", "story_id", "article_id", "classifier_version", "story_fingerprint", "story_bands"):
        assert properties[name]["type"] == "keyword", name
    for name in ("published", "fetched_at", "indexed_at"):
        assert properties[name]["type"] == "date", name
    assert (properties["relevance"]["type"], properties["relevant"]["type"]) == ("float", "boolean")
    for name in ("title", "text"):
        assert properties[name] == {**properties[name], "type": "text", "analyzer": "pw_text"}
    assert properties["title"]["fields"]["raw"]["type"] == "keyword"
    assert set(properties["evidence"]["properties"]) == {"field", "value", "phrases"}


def test_each_analysis_file_defines_the_analyzer_the_mapping_uses():
    template = es_layout.load_template()
    assert [a.name for a in template.analyses] == ["cjk", "standard"]
    for analysis in template.analyses:
        assert "pw_text" in analysis.settings["analyzer"], analysis.name
        assert analysis.probe["text"]


def test_a_broken_template_file_is_named_with_its_field(tmp_path):
    (tmp_path / "articles.json").write_text(json.dumps({"mapping_version": "one"}), encoding="utf-8")
    with pytest.raises(es_layout.TemplateError, match=r"articles.json: field 'mapping_version'"):
        es_layout.load_template(tmp_path)
    (tmp_path / "articles.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(es_layout.TemplateError, match="not valid JSON"):
        es_layout.load_template(tmp_path)


def test_template_body_targets_the_versioned_pattern_and_hashes_its_content():
    template = es_layout.load_template()
    names = es_layout.ArticleIndexNames("pw-x")
    body = es_layout.template_body(names, template, template.analyses[1], es_layout.IndexOptions("5s", 1))
    assert body["index_patterns"] == ["pw-x-articles-v*"]
    assert body["template"]["settings"]["refresh_interval"] == "5s"
    again = es_layout.template_body(names, template, template.analyses[1], es_layout.IndexOptions("5s", 1))
    other = es_layout.template_body(names, template, template.analyses[0], es_layout.IndexOptions("5s", 1))
    assert body["_meta"]["content_sha256"] == again["_meta"]["content_sha256"]
    assert body["_meta"]["content_sha256"] != other["_meta"]["content_sha256"]


def test_index_names_round_trip():
    names = es_layout.ArticleIndexNames("pw-x")
    assert names.index(2, 13) == "pw-x-articles-v2-000013"
    assert names.parse("pw-x-articles-v2-000013") == (2, 13)
    assert names.parse("pw-x-articles") is None
    assert names.parse("pw-xy-articles-v1-000001") is None


def test_search_body_puts_every_filter_in_filter_context():
    since = datetime(2026, 1, 1, tzinfo=timezone.utc)
    body = es_query.search_body(ArticleQuery(text="区块链 crackdown", exclude=("试点",), regions=("Henan",),
                                             relevant=True, min_relevance=0.5, published_since=since,
                                             sort="published", size=7))
    clause = body["query"]["bool"]
    assert {"terms": {"regions": ["Henan"]}} in clause["filter"]
    assert {"range": {"published": {"gte": "2026-01-01T00:00:00Z"}}} in clause["filter"]
    assert [c["multi_match"]["query"] for c in clause["filter"] if "multi_match" in c] == ["区块链", "crackdown"]
    assert clause["must_not"] == [es_query.term_clause("试点")]
    assert body["sort"][0] == {"published": {"order": "desc", "missing": "_last"}}
    assert body["size"] == 7


def test_unknown_sort_is_refused():
    with pytest.raises(ValueError, match="unknown sort"):
        es_query.search_body(ArticleQuery(sort="random"))
