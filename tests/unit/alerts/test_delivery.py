"""Delivery on the embedded stores (SQLite) with the outbox or a failing mailer:
windows, claims, backoff, recovery of a stopped sender, send_empty, inactive."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from alerts.delivery import DeliveryConfig, Deliverer, backoff, digest_id, next_window
from alerts.mailer import Mailer, OutboxMailer
from alerts.matching import compile_index, match_document
from alerts.store.base import ASSUMED_SENT, EMPTY, FAILED, SENT, DigestRecord
from alerts.store.sqlite import SqliteDigestLog, SqliteMatchStore
from policywatch.errors import DeliveryError
from tests.unit.alerts.conftest import make_doc, make_sub

NOW = datetime(2026, 11, 21, 0, 0, tzinfo=timezone.utc)
CONFIG = DeliveryConfig(sender="pw <alerts@pw.example>", reply_to="", public_url="https://pw.example",
                        unsubscribe_mailto="", secret=b"s" * 32, late_buffer_s=300, backoff_s=60,
                        backoff_max_s=600, sending_lease_s=600)


class Flaky(Mailer):
    """Fails while ``down`` is set, otherwise delivers to the outbox."""

    def __init__(self, outbox: OutboxMailer) -> None:
        self.outbox, self.down, self.calls = outbox, False, 0

    def send(self, message) -> None:
        self.calls += 1
        if self.down:
            raise DeliveryError("connection refused")
        self.outbox.send(message)


@pytest.fixture
def world(sqlite_path, tmp_path):
    matches, log = SqliteMatchStore(sqlite_path), SqliteDigestLog(sqlite_path)
    matches.ensure_ready()
    log.ensure_ready()
    mailer = Flaky(OutboxMailer(tmp_path / "outbox"))
    return matches, log, mailer, Deliverer(matches, log, mailer, CONFIG), tmp_path / "outbox"


def _match(matches, sub, *docs):
    index = compile_index([sub])
    matches.add([m for d in docs for m in match_document(index, d, NOW)])


def test_window_follows_the_last_closed_one_and_stops_before_the_buffer():
    sub = make_sub()
    assert next_window(sub, [], NOW, 300).start.isoformat() == "2026-11-20T00:00:00+00:00"
    assert next_window(sub, [], NOW, 300).end == NOW - timedelta(seconds=300)
    closed = DigestRecord("d", sub.id, "2026-11-20T00:00:00Z", "2026-11-20T12:00:00Z", SENT, "", "", "")
    assert next_window(sub, [closed], NOW, 300).start.isoformat() == "2026-11-20T12:00:00+00:00"
    assert next_window(sub, [], datetime(2026, 11, 20, 0, 4, tzinfo=timezone.utc), 300) is None


def test_backoff_doubles_up_to_the_cap():
    assert [backoff(n, 60, 600).total_seconds() for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 480, 600]
    assert digest_id("a", "x") == digest_id("a", "x") != digest_id("b", "x")


def test_failed_send_keeps_the_window_open_and_retries_after_backoff(world):
    matches, log, mailer, deliverer, outbox = world
    sub = make_sub()
    _match(matches, sub, make_doc("a1"))
    mailer.down = True
    failed = deliverer.run(sub, NOW)
    assert failed.outcome == "failed"
    assert log.get(failed.digest_id).state == FAILED
    assert deliverer.run(sub, NOW + timedelta(seconds=30)).outcome == "backing_off"
    _match(matches, sub, make_doc("a2", indexed_at="2026-11-21T00:01:00Z"))  # arrives meanwhile
    mailer.down = False
    assert deliverer.run(sub, NOW + timedelta(seconds=30), force=True).outcome == "sent"
    later = deliverer.run(sub, NOW + timedelta(hours=1))
    assert (later.outcome, later.items) == ("sent", 1)  # a2: the next window, not skipped
    assert len(list(outbox.glob("*.eml"))) == 2


def test_a_record_left_sending_is_not_sent_again(world):
    matches, log, mailer, deliverer, outbox = world
    sub = make_sub()
    _match(matches, sub, make_doc("a1"))
    start = "2026-11-20T00:00:00Z"
    record = DigestRecord(digest_id(sub.id, start), sub.id, start, "2026-11-20T23:00:00Z", "sending",
                          "<x@pw.example>", "2026-11-20T23:00:00Z", "2026-11-20T23:00:00Z", attempts=1)
    assert log.create(record)
    assert deliverer.run(sub, datetime(2026, 11, 20, 23, 5, tzinfo=timezone.utc)).outcome == "busy"
    assert deliverer.run(sub, NOW).outcome == "recovered"
    assert log.get(record.digest_id).state == ASSUMED_SENT
    assert mailer.calls == 0


def test_empty_windows_close_silently_unless_send_empty(world):
    _, log, mailer, deliverer, outbox = world
    quiet = deliverer.run(make_sub("quiet"), NOW)
    assert quiet.outcome == "empty" and log.get(quiet.digest_id).state == EMPTY and mailer.calls == 0
    assert deliverer.run(make_sub("chatty", send_empty=True), NOW).outcome == "sent"
    assert len(list(outbox.glob("*.eml"))) == 1


def test_inactive_subscriptions_get_nothing(world):
    matches, _, mailer, deliverer, _ = world
    sub = make_sub()
    _match(matches, sub, make_doc("a1"))
    assert deliverer.run(replace(sub, active=False), NOW).outcome == "inactive" and mailer.calls == 0


def test_one_failing_subscriber_does_not_hold_up_the_others(world):
    matches, log, mailer, deliverer, outbox = world

    class BrokenFor(Mailer):
        def send(self, message):
            if "bad@" in str(message["To"]):
                raise DeliveryError("550 mailbox unavailable")
            mailer.send(message)

    good, bad = make_sub("good"), replace(make_sub("bad"), email="bad@example.com")
    _match(matches, good, make_doc("a1"))
    _match(matches, bad, make_doc("a1"))
    outcomes = Deliverer(matches, log, BrokenFor(), CONFIG).run_all([bad, good], NOW)
    assert [o.outcome for o in outcomes] == ["failed", "sent"]
