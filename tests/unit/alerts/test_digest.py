"""Digest building and rendering: collapsing, ranking, grouping, subjects, escaping,
and golden plain-text renderings in both languages (tests/unit/alerts/golden/)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from alerts.digest import Window, build_digest, highlight
from alerts.render import render
from tests.unit.alerts.conftest import make_doc, make_sub

GOLDEN = Path(__file__).resolve().parent / "golden"
NOW = datetime(2026, 11, 22, 0, 0, tzinfo=timezone.utc)
WINDOW = Window(NOW - timedelta(days=1), NOW)
UNSUB = "https://pw.example/unsubscribe?s=henan&t=TOKEN"


def _snap(article_id: str, **changes):
    doc = make_doc(article_id, **{k: v for k, v in changes.items() if k not in ("snippet", "matched_terms", "url")})
    doc.update(snippet=changes.get("snippet", ""), matched_terms=changes.get("matched_terms", []))
    if "url" in changes:
        doc["url"] = changes["url"]
    doc.pop("text")
    return doc


def _docs():
    return [
        _snap("a1", title="河南省印发区块链产业发展行动计划", relevance=0.92, story_id="st1",
              indexed_at="2026-11-21T02:00:00Z", snippet="河南省日前印发区块链产业发展行动计划，提出建设试点。",
              matched_terms=["区块链"]),
        _snap("a2", title="Henan issues blockchain plan", source="news.example", relevance=0.7, story_id="st1",
              indexed_at="2026-11-21T03:00:00Z", lang="en"),
        _snap("a3", title="海南自贸港区块链试验区新政", regions=["Hainan"], themes=["industrial_parks"],
              source="hainan.gov.example", relevance=0.85, indexed_at="2026-11-21T05:00:00Z",
              snippet="海南区块链试验区出台支持措施。", matched_terms=["区块链"]),
        _snap("a4", title="Henan court uses blockchain evidence", themes=["regulation", "application_scenarios"],
              relevance=0.81, indexed_at="2026-11-21T09:00:00Z", lang="en",
              snippet="The Henan court said blockchain evidence is admissible.", matched_terms=["blockchain"]),
    ]


def _sub(**changes):
    return replace(make_sub("henan", filters={"regions": ["Henan", "Hainan"], "query": "区块链|blockchain"}), **changes)


def test_copies_of_a_story_collapse_into_one_item_naming_the_other_outlets():
    digest = build_digest(_sub(), _docs(), WINDOW, NOW)
    items = [item for group in digest.groups for item in group.items]
    assert digest.total == 3 and len(items) == 3
    first = next(i for i in items if i.article_id == "a1")
    assert first.also_in == (("news.example", "https://news.example/a2"),)


def test_ranked_by_relevance_then_recency_and_grouped_by_choice():
    digest = build_digest(_sub(), _docs(), WINDOW, NOW)
    assert [g.key for g in digest.groups] == ["Henan", "Hainan"]
    assert [i.article_id for i in digest.groups[0].items] == ["a1", "a4"]
    by_theme = build_digest(_sub(grouping="theme"), _docs(), WINDOW, NOW)
    assert [g.key for g in by_theme.groups] == ["regulation", "industrial_parks"]


def test_subjects_in_both_languages():
    assert build_digest(_sub(), _docs(), WINDOW, NOW).subject == "3 new items: Henan, Hainan · 2026-11-22"
    assert build_digest(_sub(language="zh"), _docs(), WINDOW, NOW).subject == "3 条新动态：河南、海南 · 2026-11-22"
    assert build_digest(_sub(), _docs()[:1], WINDOW, NOW).subject == "1 new item: Henan · 2026-11-22"
    empty = build_digest(_sub(), [], WINDOW, NOW)
    assert empty.is_empty and empty.subject == "No new items · 2026-11-22"


def test_items_beyond_the_limit_are_counted_not_listed():
    digest = build_digest(_sub(), _docs(), WINDOW, NOW, max_items=2)
    assert (digest.total, digest.not_listed) == (3, 1)
    assert "1 more items" in render(digest, UNSUB).text


def test_highlight_splits_on_terms_case_insensitively():
    assert highlight("A Blockchain pilot", ["blockchain"]) == (("A ", False), ("Blockchain", True), (" pilot", False))
    assert highlight("", ["x"]) == ()


def test_hostile_content_is_escaped_and_only_http_links_are_made():
    docs = [_snap("h1", title="<script>alert(1)</script>", url="javascript:alert(1)",
                  snippet='<img src=x onerror="alert(2)"> blockchain', matched_terms=["blockchain"])]
    rendered = render(build_digest(_sub(name='"><b>Eve</b>'), docs, WINDOW, NOW), UNSUB)
    assert "<script>" not in rendered.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "<img" not in rendered.html and "&lt;img" in rendered.html
    assert "<b>Eve" not in rendered.html and "javascript:" not in rendered.html
    assert "<script>alert(1)</script>" in rendered.text  # plain text shows it as the text it is


def test_html_has_css_inlined():
    html = render(build_digest(_sub(), _docs(), WINDOW, NOW), UNSUB).html
    assert "<style>" not in html and 'style="' in html and "<mark" in html


@pytest.mark.parametrize("language", ["en", "zh"])
def test_plain_text_matches_golden_file(language):
    text = render(build_digest(_sub(language=language), _docs(), WINDOW, NOW), UNSUB).text
    golden = GOLDEN / f"digest_{language}.txt"
    assert golden.exists(), f"{golden} is missing; review this rendering and save it there:\n{text}"
    assert text == golden.read_text(encoding="utf-8")
