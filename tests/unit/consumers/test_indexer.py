"""The indexer's batch handler on the embedded store and the in-process hand-off."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from consumers.indexer import build_indexer
from policywatch import dead_letters
from policywatch.bus.base import Publisher
from policywatch.bus.inprocess import InProcessPublisher
from policywatch.errors import DeliveryError, TransientError
from policywatch.schema import decode_document
from policywatch.store.sqlite import SqliteArticleStore
from tests.unit.consumers.raw_articles import POISON, good_record, raw_article, record

NOW = datetime(2026, 1, 20, 8, 0, tzinfo=timezone.utc)


class Pipeline:
    """An indexer whose classified and dead-letter topics are captured in lists."""

    def __init__(self, tmp_path, **options):
        self.store = SqliteArticleStore(tmp_path / "store.sqlite3")
        self.store.ensure_ready()
        self.classified, self.dlq = [], []
        bus = InProcessPublisher({"classified": self.classified.extend, "dlq": self.dlq.extend})
        self.indexer = build_indexer(self.store, options.pop("publisher", bus), classified_topic="classified",
                                     dlq_topic="dlq", now=lambda: NOW, **options)

    def letters(self):
        return [json.loads(r.value) for r in self.dlq]


@pytest.fixture
def pipeline(tmp_path):
    p = Pipeline(tmp_path)
    yield p
    p.store.close()


def test_good_articles_are_labelled_stored_and_passed_on(pipeline):
    pipeline.indexer.handle_batch([good_record(1, 0), good_record(2, 1, title="郑州获批建设区块链试点区")])
    stored = pipeline.store.get(raw_article(1).article_id)
    assert stored["relevant"] is True and "Henan" in stored["regions"]
    assert stored["classifier_version"] and stored["indexed_at"] == "2026-01-20T08:00:00Z"
    assert stored["story_fingerprint"] and stored["story_bands"]
    published = [decode_document(r.value) for r in pipeline.classified]
    assert {d["article_id"] for d in published} == {raw_article(1).article_id, raw_article(2).article_id}
    assert [r.key.decode() for r in pipeline.classified] == [d["article_id"] for d in published]
    assert pipeline.dlq == []


def test_poison_messages_become_dead_letters_and_good_ones_are_stored(pipeline):
    batch = [good_record(1, 0)]
    batch += [record(payload, offset, key=None, partition=2) for offset, (payload, _, _) in
              enumerate(POISON.values(), start=10)]
    batch.append(good_record(2, 20))
    pipeline.indexer.handle_batch(batch)
    assert pipeline.store.count() == 2
    letters = pipeline.letters()
    assert len(letters) == len(POISON)
    for letter, (name, (payload, kind, words)) in zip(letters, POISON.items()):
        assert letter["error_kind"] == kind, name
        assert words in letter["error"], name
        assert letter["source"]["partition"] == 2 and letter["source"]["offset"] >= 10, name
        assert letter["failed_at"] == "2026-01-20T08:00:00Z"
        assert letter["original_size"] == len(payload)
        if kind != "too_large":
            assert dead_letters.original_bytes(letter) == payload, name
    too_large = letters[-1]
    assert too_large["original_truncated"] is True
    assert len(dead_letters.original_bytes(too_large)) == dead_letters.TRUNCATED_ORIGINAL_BYTES
    assert [r.key.decode() for r in pipeline.dlq] == [f"raw/2/{o}" for o in range(10, 10 + len(POISON))]


def test_a_document_the_store_refuses_is_dead_lettered_with_its_reason(tmp_path):
    def bad_regions(title, text, lang=None, url=None):
        from consumers.classifier import classify
        return {**classify(title, text), "regions": [42]}

    pipeline = Pipeline(tmp_path, classify=bad_regions)
    pipeline.indexer.handle_batch([good_record(1, 5)])
    [letter] = pipeline.letters()
    assert letter["error_kind"] == "refused" and "list fields" in letter["error"]
    assert letter["article_id"] == raw_article(1).article_id
    assert json.loads(dead_letters.original_bytes(letter))["title"] == raw_article(1).title
    assert pipeline.classified == [] and pipeline.store.count() == 0


def test_duplicates_within_a_batch_last_one_wins(pipeline):
    pipeline.indexer.handle_batch([good_record(1, 0, title="第一稿"), good_record(1, 1, title="第二稿")])
    assert pipeline.store.count() == 1
    assert pipeline.store.get(raw_article(1).article_id)["title"] == "第二稿"
    assert len(pipeline.classified) == 1


def test_copies_of_a_story_share_its_id_within_and_across_batches(pipeline):
    pipeline.indexer.handle_batch([good_record(1, 0), good_record(2, 1, source="other-site")])
    pipeline.indexer.handle_batch([good_record(3, 2, source="third-site")])
    story_ids = {pipeline.store.get(raw_article(n).article_id)["story_id"] for n in (1, 2, 3)}
    assert story_ids == {raw_article(1).article_id}
    pipeline.indexer.handle_batch([good_record(4, 3, text="完全不同的一篇关于春节放假安排的通知，与区块链无关，请各单位遵照执行。")])
    assert pipeline.store.get(raw_article(4).article_id)["story_id"] == raw_article(4).article_id


class _DownStore(SqliteArticleStore):
    def index(self, docs):
        raise TransientError("store down")


def test_a_transient_store_failure_propagates_and_nothing_is_published(tmp_path):
    pipeline = Pipeline(tmp_path)
    down = _DownStore(tmp_path / "down.sqlite3")
    down.ensure_ready()
    pipeline.indexer.store = down
    with pytest.raises(TransientError, match="store down"):
        pipeline.indexer.handle_batch([good_record(1, 0), record(b"not json", 1)])
    assert pipeline.classified == [] and pipeline.dlq == []


class _RefusingPublisher(Publisher):
    def publish(self, topic, key, value):
        raise DeliveryError("broker gone")


def test_undelivered_dead_letters_ask_for_a_retry(tmp_path):
    pipeline = Pipeline(tmp_path, publisher=_RefusingPublisher())
    with pytest.raises(TransientError, match="not delivered"):
        pipeline.indexer.handle_batch([record(b"not json", 0)])
