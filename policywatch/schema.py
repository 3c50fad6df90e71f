"""Message and document schemas, defined once and versioned.

Two shapes travel through the pipeline:

* ``RawArticle``: what a crawler publishes to the raw topic (and what the embedded
  hand-off passes on). Encoded by ``encode_raw`` and decoded by ``decode_raw``.
* the *article document*: a raw article plus its labels, as stored in Elasticsearch or
  the embedded store and published to the classified topic. Built by
  ``build_document``; its field list is ``DOCUMENT_FIELDS`` and must agree with
  deploy/elasticsearch/ (a test checks).

Each payload carries its schema name and version. A consumer rejects a version it does
not know with ``SchemaError`` (it goes to the dead-letter topic) instead of guessing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

RAW_SCHEMA = "policywatch.article.raw"
RAW_SCHEMA_VERSION = 1
DOCUMENT_SCHEMA = "policywatch.article.document"
DOCUMENT_SCHEMA_VERSION = 1

SOURCE_KINDS = ("central", "provincial", "research", "media", "demo", "test")
LANGS = ("zh", "en")


class SchemaError(ValueError):
    """A payload that does not follow the schema; permanent, never retried."""


def content_hash(title: str, text: str) -> str:
    """Hash of the normalised title and text: equal when the article did not change."""
    normalised = " ".join(title.split()) + "\n" + " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a trailing Z; naive datetimes are refused, not guessed."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: attach the source's time zone first")
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Attachment:
    url: str
    title: str = ""


@dataclass(frozen=True)
class RawArticle:
    article_id: str
    url: str
    canonical_url: str
    source: str
    source_kind: str
    title: str
    text: str
    fetched_at: str
    content_hash: str
    source_region: str | None = None
    lang: str | None = None
    published: str | None = None
    extraction: str = "selectors"
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        # Field by field: dataclasses.asdict deep-copies recursively, several times slower.
        payload = {name: getattr(self, name) for name in _RAW_FIELD_NAMES}
        payload["attachments"] = [{"url": a.url, "title": a.title} for a in self.attachments]
        return {"schema": RAW_SCHEMA, "schema_version": RAW_SCHEMA_VERSION, **payload}


_RAW_FIELD_NAMES = tuple(f.name for f in fields(RawArticle))
_RAW_REQUIRED_STR = ("article_id", "url", "canonical_url", "source", "source_kind",
                     "title", "text", "fetched_at", "content_hash")
_RAW_OPTIONAL_STR = ("source_region", "lang", "published")


def encode_raw(article: RawArticle) -> bytes:
    return json.dumps(article.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_raw(payload: bytes) -> RawArticle:
    """Decode and validate a raw-topic payload; raises SchemaError saying what is wrong."""
    try:
        data = json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SchemaError(f"payload is not UTF-8: {exc}") from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, >4300-digit ints, deep nesting
        raise SchemaError(f"payload is not JSON: {exc}") from None
    return raw_from_dict(data)


def _require_valid_unicode(name: str, value: str) -> None:
    # JSON may spell lone surrogates ("\\ud800"); they decode but cannot be re-encoded,
    # so they would fail later in the classifier or the store.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise SchemaError(f"field {name!r} contains invalid Unicode (a lone surrogate)") from None


def raw_from_dict(data: Any) -> RawArticle:
    if not isinstance(data, dict):
        raise SchemaError("payload is not a JSON object")
    if data.get("schema") != RAW_SCHEMA:
        raise SchemaError(f"schema is {data.get('schema')!r}, expected {RAW_SCHEMA!r}")
    if data.get("schema_version") != RAW_SCHEMA_VERSION:
        raise SchemaError(
            f"schema_version {data.get('schema_version')!r} is not supported "
            f"(this consumer reads version {RAW_SCHEMA_VERSION})"
        )
    for name in _RAW_REQUIRED_STR:
        if not isinstance(data.get(name), str) or not data[name]:
            raise SchemaError(f"field {name!r} must be a non-empty string")
        _require_valid_unicode(name, data[name])
    for name in _RAW_OPTIONAL_STR:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise SchemaError(f"field {name!r} must be a string or null")
        _require_valid_unicode(name, data.get(name) or "")
    if data["source_kind"] not in SOURCE_KINDS:
        raise SchemaError(f"source_kind {data['source_kind']!r} is not one of {SOURCE_KINDS}")
    attachments = data.get("attachments") or []
    if not isinstance(attachments, list) or not all(
        isinstance(a, dict) and isinstance(a.get("url"), str) for a in attachments
    ):
        raise SchemaError("field 'attachments' must be a list of {url, title} objects")
    known = {f.name for f in fields(RawArticle)}
    values = {k: v for k, v in data.items() if k in known}
    values["attachments"] = tuple(Attachment(a["url"], a.get("title") or "") for a in attachments)
    return RawArticle(**values)


# Fields of an article document, beyond those of RawArticle. deploy/elasticsearch/
# maps every one of them; tests/unit/test_schema.py holds the two together.
LABEL_FIELDS = ("relevant", "relevance", "regions", "themes", "applications", "doc_type",
                "evidence", "classifier_version")
# story_fingerprint (hex SimHash) and story_bands (its band keys) let the indexer find
# near-duplicate copies of a story already stored and reuse their story_id.
STORY_FIELDS = ("story_id", "story_fingerprint", "story_bands")
DOCUMENT_EXTRA_FIELDS = ("schema", "schema_version", *LABEL_FIELDS, *STORY_FIELDS, "indexed_at")
DOCUMENT_FIELDS = tuple(f.name for f in fields(RawArticle)) + DOCUMENT_EXTRA_FIELDS


def build_document(article: RawArticle, labels: dict[str, Any], story: dict[str, Any],
                   indexed_at: datetime) -> dict[str, Any]:
    """The stored document: the raw article, its labels and its story.

    ``labels`` is the classifier's output (the keys of LABEL_FIELDS), ``story`` holds
    the keys of STORY_FIELDS; ``indexed_at`` is passed in rather than read from the
    clock so the function stays pure.
    """
    missing = [name for name in LABEL_FIELDS if name not in labels]
    missing += [name for name in STORY_FIELDS if name not in story]
    if missing:
        raise SchemaError(f"labels or story lack {missing}")
    doc = article.to_dict()
    doc.update({name: labels[name] for name in LABEL_FIELDS})
    doc.update(
        schema=DOCUMENT_SCHEMA,
        schema_version=DOCUMENT_SCHEMA_VERSION,
        **{name: story[name] for name in STORY_FIELDS},
        indexed_at=utc_iso(indexed_at),
    )
    return doc


def decode_document(payload: bytes) -> dict[str, Any]:
    """Decode a classified-topic payload (an article document) and check its version."""
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError(f"document payload is not UTF-8 JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("schema") != DOCUMENT_SCHEMA:
        raise SchemaError(f"not a {DOCUMENT_SCHEMA} payload")
    if data.get("schema_version") != DOCUMENT_SCHEMA_VERSION:
        raise SchemaError(f"document schema_version {data.get('schema_version')!r} unsupported")
    return data


def encode_document(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
