"""The message and document schemas: round trips, versioning, clear refusals."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from policywatch.schema import (
    DOCUMENT_FIELDS, LABEL_FIELDS, RAW_SCHEMA_VERSION, Attachment, RawArticle, SchemaError,
    build_document, content_hash, decode_document, decode_raw, encode_document, encode_raw, utc_iso,
)
from policywatch.urls import article_id


def make_article(**overrides) -> RawArticle:
    url = overrides.pop("url", "https://www.henan.gov.cn/2020/01-14/1.html")
    values = dict(
        article_id=article_id(url), url=url, canonical_url=url, source="gov-henan",
        source_kind="provincial", source_region="Henan", lang="zh",
        title="河南省区块链发展行动计划", text="加快区块链试点。",
        published="2020-01-14T01:30:00Z", fetched_at="2026-11-22T00:00:00Z",
        content_hash=content_hash("河南省区块链发展行动计划", "加快区块链试点。"),
        attachments=(Attachment("https://www.henan.gov.cn/a.pdf", "附件"),),
    )
    values.update(overrides)
    return RawArticle(**values)


LABELS = {"relevant": True, "relevance": 0.9, "regions": ["Henan"], "themes": ["industrial_parks"],
          "applications": [], "doc_type": "policy_document",
          "evidence": [{"field": "regions", "value": "Henan", "phrases": ["河南省"]}],
          "classifier_version": "test"}
STORY = {"story_id": "s1", "story_fingerprint": "00ff", "story_bands": ["b0:00ff"]}


def test_raw_round_trip_keeps_every_field_including_chinese():
    article = make_article()
    payload = encode_raw(article)
    assert "河南".encode() in payload  # not \u-escaped: readable on the topic
    assert decode_raw(payload) == article


@pytest.mark.parametrize("payload, fragment", [
    (b"\xff\xfe", "not UTF-8"),
    (b"{not json", "not JSON"),
    (b"[1, 2]", "not a JSON object"),
    (json.dumps({"schema": "other"}).encode(), "expected"),
    (json.dumps({"schema": "policywatch.article.raw", "schema_version": 99}).encode(), "not supported"),
])
def test_decode_raw_refuses_bad_payloads_with_a_reason(payload, fragment):
    with pytest.raises(SchemaError, match=fragment):
        decode_raw(payload)


def test_decode_raw_names_the_missing_field():
    data = make_article().to_dict()
    del data["title"]
    with pytest.raises(SchemaError, match="'title'"):
        decode_raw(json.dumps(data).encode())


def test_decode_raw_refuses_unknown_source_kind():
    data = make_article().to_dict() | {"source_kind": "blog"}
    with pytest.raises(SchemaError, match="source_kind"):
        decode_raw(json.dumps(data).encode())


def test_raw_payload_carries_schema_version():
    assert json.loads(encode_raw(make_article()))["schema_version"] == RAW_SCHEMA_VERSION


def test_document_holds_raw_labels_story_and_index_time():
    indexed = datetime(2026, 11, 22, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    doc = build_document(make_article(), LABELS, STORY, indexed)
    assert set(doc) == set(DOCUMENT_FIELDS)
    assert doc["indexed_at"] == "2026-11-22T00:00:00Z"
    assert doc["regions"] == ["Henan"] and doc["story_id"] == "s1"
    assert decode_document(encode_document(doc)) == doc


def test_document_refuses_incomplete_labels():
    labels = {k: v for k, v in LABELS.items() if k != "doc_type"}
    with pytest.raises(SchemaError, match="doc_type"):
        build_document(make_article(), labels, STORY, datetime.now(timezone.utc))
    assert "doc_type" in LABEL_FIELDS


def test_utc_iso_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        utc_iso(datetime(2020, 1, 14))


def test_content_hash_ignores_whitespace_changes_only():
    assert content_hash("标题", "正文 内容") == content_hash(" 标题 ", "正文\n内容")
    assert content_hash("标题", "正文内容") != content_hash("标题", "正文内容。")


def test_decode_raw_refuses_lone_surrogates_instead_of_failing_later():
    payload = encode_raw(make_article()).replace("加快".encode(), b"\\ud800")
    with pytest.raises(SchemaError, match="'text' contains invalid Unicode"):
        decode_raw(payload)
