"""Dead letters for operators: parsing, planning a replay, and the embedded queue
(a real SQLite file; the publisher is the in-process one with a recording handler)."""

from datetime import datetime, timezone

import pytest

from policywatch.dead_letters import REFUSED, TOO_LARGE, UNDECODABLE, dead_letter, encode
from policywatch.bus.base import Record
from policywatch.bus.inprocess import InProcessPublisher
from policywatch.ops import dlq, dlq_queues
from policywatch.store.sqlite import SqliteDeadLetters

FAILED_AT = datetime(2024, 5, 8, 1, 2, 3, tzinfo=timezone.utc)


def _letter(value: bytes, kind: str = UNDECODABLE, key: bytes | None = b"a1", offset: int = 7) -> bytes:
    record = Record("news.articles.raw", 2, offset, key, value, 1715130000000)
    return encode(dead_letter(record, kind, f"{kind} happened", FAILED_AT, article_id=None))


def test_parse_keeps_the_original_and_key_for_replay():
    dead = dlq.parse("dlq/0/5", _letter(b'{"broken": '))
    assert dead.problem == ""
    assert dlq.replay_item(dead) == ("a1", b'{"broken": ')
    item = dlq.summary(dead)
    assert item["error_kind"] == UNDECODABLE and item["source"]["offset"] == 7 and item["replayable"]


def test_garbage_and_truncated_letters_are_not_replayable():
    assert "not JSON" in dlq.parse("p", b"\xff\xfe").problem
    assert "not a policywatch.dead_letter" in dlq.parse("p", b'{"schema": "other"}').problem
    huge = dlq.parse("p", _letter(b"x" * (64 * 1024 + 10), kind=TOO_LARGE))
    assert "truncated" in huge.problem and huge.letter["error_kind"] == TOO_LARGE


def test_render_lists_error_origin_and_problem():
    text = dlq.render([dlq.parse("dlq/1/3", _letter(b"{}", kind=REFUSED)), dlq.parse("dlq/1/4", b"junk")], 9)
    assert text.splitlines()[0] == "9 dead letter(s); showing 2"
    assert "dlq/1/3  2024-05-08T01:02:03Z  refused  from news.articles.raw/2/7" in text
    assert "refused happened" in text and "not JSON" in text


def _dead(position: str, problem: str = "") -> dlq.DeadLetter:
    return dlq.DeadLetter(position, {"article_id": position}, problem)


def test_plan_stops_a_lane_at_its_first_unreplayable_letter():
    letters = [("0", _dead("a")), ("0", _dead("b", "bad")), ("0", _dead("c")), ("1", _dead("d"))]
    plan = dlq.plan_replay(letters, skip_unreplayable=False)
    assert [d.position for d in plan.replay] == ["a", "d"]
    assert [d.position for d in plan.held] == ["b", "c"] and plan.skipped == []
    assert "--skip-unreplayable" in dlq.render_plan(plan, "raw", dry_run=False)


def test_plan_can_skip_unreplayable_letters_on_purpose():
    letters = [("0", _dead("a")), ("0", _dead("b", "bad")), ("0", _dead("c"))]
    plan = dlq.plan_replay(letters, skip_unreplayable=True)
    assert [d.position for d in plan.replay] == ["a", "c"] and [d.position for d in plan.skipped] == ["b"]
    assert [d.position for d in plan.done] == ["a", "c", "b"] and plan.held == []


@pytest.fixture
def embedded_letters(tmp_path):
    path = tmp_path / "pw.sqlite3"
    table = SqliteDeadLetters(path)
    records = [Record("dlq", 0, n, b"k", value) for n, value in
               enumerate([_letter(b"first", key=b"k1"), b"garbage", _letter(b"third", key=b"k3")])]
    table.handle_batch(records, now=FAILED_AT)
    table.close()
    return path


def test_embedded_replay_publishes_originals_oldest_first_and_forgets_them(embedded_letters):
    received = []
    publisher = InProcessPublisher({"raw": received.extend})
    queue = dlq_queues.SqliteDeadLetterQueue(embedded_letters)
    try:
        assert queue.pending() == 3
        plan = dlq_queues.replay(queue, publisher, "raw", limit=10, dry_run=False, skip_unreplayable=True)
        assert [(r.key, r.value) for r in received] == [(b"k1", b"first"), (b"k3", b"third")]
        assert len(plan.skipped) == 1 and queue.pending() == 0
    finally:
        queue.close()


def test_embedded_dry_run_and_held_letters_change_nothing(embedded_letters):
    received = []
    queue = dlq_queues.SqliteDeadLetterQueue(embedded_letters)
    try:
        plan = dlq_queues.replay(queue, None, "raw", limit=10, dry_run=True, skip_unreplayable=True)
        assert (len(plan.replay), len(plan.skipped), queue.pending()) == (2, 1, 3)
        assert dlq.render_plan(plan, "raw", dry_run=True).startswith("would replay 2 dead letter(s) to raw")
        plan = dlq_queues.replay(queue, InProcessPublisher({"raw": received.extend}), "raw", limit=10,
                                 dry_run=False, skip_unreplayable=False)
        # the one lane stops at the garbage letter: only the first is replayed and forgotten
        assert [r.value for r in received] == [b"first"] and queue.pending() == 2
        assert [d.position for d in plan.held] == ["sqlite#2", "sqlite#3"]
    finally:
        queue.close()
