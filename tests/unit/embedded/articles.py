"""A small labelled corpus for the article-store tests (texts written for these tests).

Shared by the SQLite unit tests and the behavioural suite both adapters pass
(tests/integration/test_article_store_contract.py), so the two check the same facts.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from typing import Any

from policywatch.schema import RawArticle, build_document, content_hash
from policywatch.urls import article_id, canonical_url

INDEXED_AT = datetime(2026, 1, 20, 8, 0, tzinfo=timezone.utc)

# name: (url, source, kind, lang, title, text, published, labels, story, indexed offset in hours)
_ARTICLES: dict[str, dict[str, Any]] = {
    "plan": dict(
        url="https://gov.example.cn/zwgk/plan.html", source="henan-gov", kind="provincial", lang="zh",
        title="河南省区块链产业发展行动计划（2026—2028年）",
        text="为加快区块链技术和产业创新发展，推动区块链与实体经济深度融合，制定本行动计划。"
             "建设郑州区块链产业园区，支持政务数据共享。",
        published="2026-01-10T02:00:00Z", relevant=True, relevance=0.95,
        regions=["Henan"], themes=["industrial_upgrading", "industrial_parks"],
        applications=["e_government"], doc_type="policy_document",
        story="s-plan", bands=["0:aa", "1:bb"], hours=0),
    "pilot": dict(
        url="https://gov.example.cn/zwgk/pilot.html", source="henan-gov", kind="provincial", lang="zh",
        title="郑州获批建设区块链试点区",
        text="郑州市将开展区块链应用试点，重点推进供应链金融和跨境贸易场景。",
        published="2026-01-12T02:00:00Z", relevant=True, relevance=0.8,
        regions=["Henan"], themes=["industrial_parks", "application_scenarios"],
        applications=["finance", "trade"], doc_type="news_report",
        story="s-pilot", bands=["0:cc"], hours=1),
    "report": dict(
        url="https://hunan.example.cn/report.html", source="hunan-gov", kind="provincial", lang="zh",
        title="湖南省政府工作报告",
        text="今年要大力发展数字经济，推进区块链等新技术在政务服务中的应用。",
        published="2025-12-01T02:00:00Z", relevant=True, relevance=0.6,
        regions=["Hunan"], themes=["digital_economy"], applications=["e_government"],
        doc_type="government_report", story="s-report", bands=["0:dd"], hours=2),
    "notice": dict(
        url="https://gov.example.cn/zwgk/holiday.html", source="henan-gov", kind="provincial", lang="zh",
        title="关于春节放假安排的通知",
        text="根据国务院办公厅通知精神，现将春节放假安排通知如下。",
        published="2026-01-05T02:00:00Z", relevant=False, relevance=0.05,
        regions=["Henan"], themes=[], applications=[], doc_type="policy_document",
        story="s-notice", bands=["0:ee"], hours=3),
    "crackdown": dict(
        url="https://news.example.com/crackdown", source="finance-news", kind="media", lang="en",
        title="PBoC Steps Up Crackdown on Crypto Trading",
        text="The People's Bank of China said it will step up its crackdown on virtual currency "
             "trading and mining, and AI tools will watch payment flows.",
        published="2026-01-11T02:00:00Z", relevant=True, relevance=0.9,
        regions=["National"], themes=["regulation"], applications=["digital_assets"],
        doc_type="news_report", story="s-crackdown", bands=["0:ff", "1:bb"], hours=24),
    "price": dict(
        url="https://news.example.com/price", source="finance-news", kind="media", lang="en",
        title="Bitcoin price climbs again",
        text="The price of bitcoin rose for a third day as traders bought.",
        published="2026-01-13T02:00:00Z", relevant=False, relevance=0.1,
        regions=[], themes=[], applications=[], doc_type="news_report",
        story="s-price", bands=["0:gg"], hours=25),
    "undated": dict(
        url="https://gd.example.cn/undated.html", source="guangdong-gov", kind="provincial", lang="zh",
        title="深圳推进区块链电子发票应用",
        text="深圳市税务部门推广区块链电子发票，提升纳税服务体验。",
        published=None, relevant=True, relevance=0.7,
        regions=["Guangdong"], themes=["application_scenarios"], applications=["tax_invoicing"],
        doc_type="news_report", story="s-plan", bands=["1:bb", "2:hh"], hours=26),
}
NAMES = tuple(_ARTICLES)


def document(name: str, **overrides: Any) -> dict[str, Any]:
    """The stored document for corpus article ``name``, built like the indexer builds it."""
    spec = {**_ARTICLES[name], **overrides}
    raw = RawArticle(
        article_id=article_id(spec["url"]), url=spec["url"], canonical_url=canonical_url(spec["url"]),
        source=spec["source"], source_kind=spec["kind"], title=spec["title"], text=spec["text"],
        fetched_at="2026-01-20T07:59:00Z", content_hash=content_hash(spec["title"], spec["text"]),
        source_region=(spec["regions"] or [None])[0], lang=spec["lang"], published=spec["published"],
    )
    labels = {"relevant": spec["relevant"], "relevance": spec["relevance"], "regions": spec["regions"],
              "themes": spec["themes"], "applications": spec["applications"],
              "doc_type": spec["doc_type"], "evidence": [], "classifier_version": "test-1"}
    fingerprint = hashlib.sha256(spec["story"].encode()).hexdigest()[:16]
    story = {"story_id": spec["story"], "story_fingerprint": fingerprint,
             "story_bands": spec["bands"]}
    return build_document(raw, labels, story, INDEXED_AT + timedelta(hours=spec["hours"]))


def documents() -> list[dict[str, Any]]:
    return [document(name) for name in NAMES]


def ids(*names: str) -> list[str]:
    return [article_id(_ARTICLES[name]["url"]) for name in names]


def names_of(hits: list[dict[str, Any]]) -> list[str]:
    """Corpus names of search hits, in hit order (to compare with readable names)."""
    by_id = {article_id(spec["url"]): name for name, spec in _ARTICLES.items()}
    return [by_id[hit["article_id"]] for hit in hits]
