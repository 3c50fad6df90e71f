"""One behavioural suite for both adapters of each alert store (SQLite and the real
Elasticsearch): claims, compare-and-set, kept-first matches, revisions."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from alerts.matching import Match
from alerts.store.base import FAILED, PENDING, SENT, DigestRecord
from alerts.subscriptions import parse_subscription

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "elasticsearch"])
def stores(request, tmp_path):
    if request.param == "sqlite":
        from alerts.store.sqlite import SqliteDigestLog, SqliteMatchStore, SqliteSubscriptionStore

        path = tmp_path / "alerts.sqlite3"
        built = (SqliteSubscriptionStore(path), SqliteMatchStore(path), SqliteDigestLog(path))
    else:
        from alerts.store.elasticsearch import (ElasticsearchDigestLog, ElasticsearchMatchStore,
                                                ElasticsearchSubscriptionStore)

        client = request.getfixturevalue("es_client")
        prefix = request.getfixturevalue("es_prefix")
        built = (ElasticsearchSubscriptionStore(client, f"{prefix}-subscriptions"),
                 ElasticsearchMatchStore(client, f"{prefix}-matches"),
                 ElasticsearchDigestLog(client, f"{prefix}-digests"))
    for store in built:
        store.ensure_ready()
        store.ensure_ready()  # idempotent
    yield built
    for store in built:
        store.close()


def _sub(sub_id: str, **extra):
    return parse_subscription({"id": sub_id, "email": f"{sub_id}@example.com", "name": "N",
                               "schedule": "immediate", **extra}).stamped(NOW)


def test_subscriptions_put_get_list_remove_and_revision(stores):
    subs, _, _ = stores
    first = subs.revision()
    subs.put(_sub("alpha", filters={"regions": ["Henan"]}))
    subs.put(_sub("beta"))
    second = subs.revision()
    assert second != first
    assert [s.id for s in subs.list()] == ["alpha", "beta"]
    assert subs.get("alpha").filters.regions == ("Henan",)
    assert subs.get("missing") is None
    changed = replace(subs.get("beta"), name="Renamed").stamped(NOW.replace(hour=9))
    subs.put(changed)
    third = subs.revision()
    assert third != second and subs.get("beta").name == "Renamed"
    assert subs.remove("alpha") is True
    assert subs.remove("alpha") is False
    assert subs.revision() != third
    assert [s.id for s in subs.list()] == ["beta"]


def test_matches_keep_the_first_and_read_by_window(stores):
    _, matches, _ = stores
    first = Match("s1", "a1", "2026-11-22T08:00:00Z", "2026-11-22T07:00:00Z", {"title": "first"})
    again = Match("s1", "a1", "2026-11-22T09:00:00Z", "2026-11-22T08:30:00Z", {"title": "again"})
    later = Match("s1", "a2", "2026-11-22T09:00:00Z", "2026-11-22T08:59:59Z", {"title": "later"})
    other = Match("s2", "a1", "2026-11-22T08:00:00Z", "2026-11-22T07:00:00Z", {"title": "other"})
    matches.add([first, later, other])
    matches.add([again])
    window = matches.for_window("s1", "2026-11-22T07:00:00Z", "2026-11-22T09:00:00Z")
    assert [(m.article_id, m.article["title"]) for m in window] == [("a1", "first"), ("a2", "later")]
    assert [m.article_id for m in matches.for_window("s1", "2026-11-22T07:00:01Z", "2026-11-22T09:00:00Z")] == ["a2"]
    assert matches.for_window("s1", "2026-11-22T07:00:00Z", "2026-11-22T08:59:59Z")[-1].article_id == "a1"
    assert len(matches.for_window("s1", "2026-11-22T00:00:00Z", "2026-11-23T00:00:00Z", limit=1)) == 1


def test_digest_claim_is_exclusive_and_updates_are_compare_and_set(stores):
    _, _, log = stores
    record = DigestRecord("d1", "s1", "2026-11-21T08:00:00Z", "2026-11-22T07:55:00Z", PENDING,
                          "<d1@example.com>", "2026-11-22T08:00:00Z", "2026-11-22T08:00:00Z")
    assert log.create(record) is True
    assert log.create(replace(record, state=SENT)) is False
    stored = log.get("d1")
    assert stored.state == PENDING and stored.version
    assert log.update(replace(stored, state=FAILED, attempts=1)) is True
    assert log.update(replace(stored, state=SENT)) is False  # stale version
    current = log.get("d1")
    assert (current.state, current.attempts) == (FAILED, 1)
    assert [r.digest_id for r in log.open_records()] == ["d1"]
    assert log.update(replace(current, state=SENT)) is True
    assert log.open_records() == []
    assert [r.state for r in log.for_subscription("s1")] == [SENT]
    assert log.get("nope") is None
