"""Builders shared by the alerts unit tests: subscriptions and match snapshots."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from alerts.subscriptions import parse_subscription

T0 = datetime(2026, 11, 20, 0, 0, tzinfo=timezone.utc)


def make_sub(sub_id: str = "henan", **extra):
    data = {"id": sub_id, "email": f"{sub_id}@example.com", "name": "Li Wei",
            "schedule": {"kind": "daily", "at": "08:00", "timezone": "Asia/Shanghai"}, **extra}
    return replace(parse_subscription(data), created_at="2026-11-20T00:00:00Z", updated_at="2026-11-20T00:00:00Z")


def make_doc(article_id: str, *, title: str = "", text: str = "", regions=("Henan",), themes=("regulation",),
             applications=(), doc_type: str = "policy_document", source: str = "henan.gov.example",
             relevant: bool = True, relevance: float = 0.8, lang: str = "zh",
             indexed_at: str = "2026-11-20T06:00:00Z", story_id: str = "", published: str | None = None):
    return {"article_id": article_id, "title": title or f"Title {article_id}", "text": text,
            "url": f"https://{source}/{article_id}", "source": source, "regions": list(regions),
            "themes": list(themes), "applications": list(applications), "doc_type": doc_type,
            "relevant": relevant, "relevance": relevance, "lang": lang, "indexed_at": indexed_at,
            "published": published or indexed_at, "story_id": story_id or article_id}


@pytest.fixture
def sqlite_path(tmp_path):
    return tmp_path / "alerts.sqlite3"
