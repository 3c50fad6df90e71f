"""Structured logs: JSON lines with context fields for ops."""

import json
import logging

from policywatch.logs import JsonFormatter, TextFormatter


def _record(**extra) -> logging.LogRecord:
    record = logging.LogRecord("policywatch.test", logging.INFO, __file__, 1, "indexed %d", (3,), None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_line_has_message_level_and_context():
    entry = json.loads(JsonFormatter().format(_record(article_id="abc", source="gov-henan")))
    assert entry["msg"] == "indexed 3"
    assert entry["level"] == "info"
    assert entry["article_id"] == "abc" and entry["source"] == "gov-henan"
    assert entry["ts"].endswith("+00:00")


def test_json_keeps_chinese_readable():
    assert "河南" in JsonFormatter().format(_record(region="河南"))


def test_text_line_appends_context():
    assert TextFormatter().format(_record(article_id="abc")).endswith("indexed 3 article_id=abc")
