"""The one-click unsubscribe endpoint: GET confirms without changing anything, POST
with a valid token unsubscribes, a bad token changes nothing - over real HTTP."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from datetime import datetime, timezone

import pytest

from alerts import tokens
from alerts.store.sqlite import SqliteSubscriptionStore
from alerts.web import handle_unsubscribe, make_server
from tests.unit.alerts.conftest import make_sub

SECRET = b"w" * 32
NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)


@pytest.fixture
def store(sqlite_path):
    subs = SqliteSubscriptionStore(sqlite_path)
    subs.ensure_ready()
    subs.put(make_sub("alpha", language="zh"))
    return subs


def _query(sub_id="alpha", email="alpha@example.com"):
    return f"s={sub_id}&t={tokens.sign(SECRET, sub_id, email)}"


def test_get_confirms_and_changes_nothing(store):
    status, page = handle_unsubscribe("GET", _query(), store, SECRET, NOW)
    assert status == 200 and "<form method=\"post\"" in page and "退订" in page
    assert store.get("alpha").active


def test_post_unsubscribes(store):
    status, page = handle_unsubscribe("POST", _query(), store, SECRET, NOW)
    assert status == 200 and "已退订" in page
    assert store.get("alpha").active is False
    assert store.get("alpha").updated_at == "2026-11-22T00:00:00Z"


@pytest.mark.parametrize("query", ["s=alpha&t=forged", "s=alpha", "", "s=nobody&t=x",
                                   _query(email="someone@example.com")])
def test_bad_tokens_are_refused(store, query):
    status, _ = handle_unsubscribe("POST", query, store, SECRET, NOW)
    assert status == 403 and store.get("alpha").active


def test_one_click_post_over_http(store):
    server = make_server("127.0.0.1", 0, store, SECRET)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with urllib.request.urlopen(f"{base}/unsubscribe?{_query()}", timeout=5) as answer:
            assert answer.status == 200
        assert store.get("alpha").active
        request = urllib.request.Request(f"{base}/unsubscribe?{_query()}", data=b"List-Unsubscribe=One-Click",
                                         method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 200
        assert store.get("alpha").active is False
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/unsubscribe?s=alpha&t=nope", timeout=5)
        assert refused.value.code == 403
        refused.value.close()
    finally:
        server.shutdown()
        server.server_close()
