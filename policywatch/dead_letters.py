"""Dead letters: what the consumer publishes to the DLQ topic for a message it cannot use.

A dead letter is a JSON object that keeps everything needed to understand and replay
the message: the error kind and message, where the message came from (topic,
partition, offset), its key and its original bytes (base64), and when it failed.
Messages refused for their size keep only their first bytes (they would be refused
again on replay); the source offset still points at the whole message.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from typing import Any

from policywatch.bus.base import Record
from policywatch.schema import utc_iso

DEAD_LETTER_SCHEMA = "policywatch.dead_letter"
DEAD_LETTER_SCHEMA_VERSION = 1

# Error kinds, stable names for ops (metrics label, dlq list filter).
UNDECODABLE = "undecodable"      # not UTF-8, not JSON, or not the raw schema/version
TOO_LARGE = "too_large"          # above CONSUMER_MAX_MESSAGE_BYTES
REFUSED = "refused"              # the store refused the document for good (e.g. mapping)
ERROR_KINDS = (UNDECODABLE, TOO_LARGE, REFUSED)

# How much of a too-large message a dead letter keeps, to show what it was.
TRUNCATED_ORIGINAL_BYTES = 64 * 1024


def dead_letter(record: Record, error_kind: str, error: str, failed_at: datetime,
                article_id: str | None = None) -> dict[str, Any]:
    """The dead letter for ``record`` (a dict; ``encode`` makes the payload)."""
    if error_kind not in ERROR_KINDS:
        raise ValueError(f"unknown dead-letter kind {error_kind!r}")
    original = record.value if error_kind != TOO_LARGE else record.value[:TRUNCATED_ORIGINAL_BYTES]
    return {
        "schema": DEAD_LETTER_SCHEMA,
        "schema_version": DEAD_LETTER_SCHEMA_VERSION,
        "error_kind": error_kind,
        "error": error,
        "source": {"topic": record.topic, "partition": record.partition, "offset": record.offset,
                   "timestamp_ms": record.timestamp_ms},
        "article_id": article_id,
        "key": record.key.decode("utf-8", "replace") if record.key is not None else None,
        "key_b64": base64.b64encode(record.key).decode("ascii") if record.key is not None else None,
        "original_b64": base64.b64encode(original).decode("ascii"),
        "original_size": len(record.value),
        "original_sha256": hashlib.sha256(record.value).hexdigest(),
        "original_truncated": len(original) < len(record.value),
        "failed_at": utc_iso(failed_at),
    }


def dead_letter_key(letter: dict[str, Any]) -> str:
    """The DLQ record key: the article id when known, else the original key, else the
    source position (so keys stay unique and meaningful)."""
    if letter.get("article_id"):
        return letter["article_id"]
    if letter.get("key"):
        return letter["key"]
    source = letter["source"]
    return f"{source['topic']}/{source['partition']}/{source['offset']}"


def encode(letter: dict[str, Any]) -> bytes:
    return json.dumps(letter, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def original_bytes(letter: dict[str, Any]) -> bytes:
    """The original message bytes a dead letter kept (for replay after a fix)."""
    return base64.b64decode(letter["original_b64"])
