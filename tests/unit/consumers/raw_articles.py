"""Raw articles and poison messages for the indexer tests (texts written for these tests)."""

from __future__ import annotations

import json

from policywatch.bus.base import Record
from policywatch.schema import RawArticle, content_hash, encode_raw
from policywatch.urls import article_id, canonical_url

PLAN_TEXT = ("为加快区块链技术和产业创新发展，推动区块链与实体经济深度融合，河南省人民政府办公厅印发"
             "《河南省区块链产业发展行动计划》，提出建设郑州区块链产业园区，支持政务数据共享和供应链金融。")


def raw_article(n: int, title: str = "河南省印发区块链产业发展行动计划", text: str = PLAN_TEXT,
                source: str = "henan-gov") -> RawArticle:
    url = f"https://gov.example.cn/zwgk/article-{n}.html"
    return RawArticle(article_id=article_id(url), url=url, canonical_url=canonical_url(url), source=source,
                      source_kind="provincial", title=title, text=text, fetched_at="2026-01-20T07:59:00Z",
                      content_hash=content_hash(title, text), source_region="Henan", lang="zh",
                      published="2026-01-19T02:00:00Z")


def record(value: bytes, offset: int, key: bytes | None = b"k", topic: str = "raw", partition: int = 0) -> Record:
    return Record(topic, partition, offset, key, value, 1_768_900_000_000)


def good_record(n: int, offset: int, **overrides) -> Record:
    article = raw_article(n, **overrides)
    return record(encode_raw(article), offset, key=article.article_id.encode())


def wrong_version(n: int) -> bytes:
    payload = raw_article(n).to_dict()
    payload["schema_version"] = 99
    return json.dumps(payload).encode()


# name -> (payload, dead-letter kind, words the error must contain)
POISON = {
    "invalid_json": (b'{"schema": "policywatch.article.raw", "title": ', "undecodable", "not JSON"),
    "wrong_schema_version": (wrong_version(900), "undecodable", "schema_version 99"),
    "invalid_utf8": (b'{"title": "\xff\xfe\xfa"}', "undecodable", "not UTF-8"),
    "five_mb_body": (b'{"text": "' + b"x" * (5 * 1024 * 1024) + b'"}', "too_large", "exceeds"),
}
