"""The indexer stage: raw articles in, labelled documents stored and passed on.

``Indexer.handle_batch`` is the raw topic's batch handler, in the Kafka consumer loop
(consumers/loop.py) and in the embedded in-process pipeline alike. For a batch it
decodes each record, classifies it, finds its story among stored near-duplicates and
builds the documents; it stores them in bulk requests of _WRITE_CHUNK documents, each
sent while the next chunk is classified, and sends the stored documents on to the
classified topic as their chunk is stored; then it delivers the dead letters (to the
DLQ topic) and waits for every acknowledgement.

It returns only when all of that is durable, so the loop may commit the batch. A
message it cannot use never stops it: it becomes a dead letter. A failure worth
retrying (``TransientError`` from the store, an undelivered dead letter or document)
propagates, and the loop retries the whole batch; storing is an upsert by article id,
so a retry changes nothing that already happened.
"""

from __future__ import annotations

import logging
import time
from collections import Counter as Tally
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from prometheus_client import Counter, Histogram

import settings
from consumers import stories
from policywatch import dead_letters
from policywatch.bus.base import Delivery, Publisher, Record
from policywatch.errors import DeliveryError, TransientError
from policywatch.schema import RawArticle, SchemaError, build_document, decode_raw, encode_document
from policywatch.store.base import ArticleStore

log = logging.getLogger(__name__)

INDEXED = Counter("policywatch_articles_indexed_total", "Articles stored (upserted) by the indexer")
DEAD_LETTERED = Counter("policywatch_articles_dead_lettered_total", "Messages sent to the dead-letter topic",
                        ["reason"])
CLASSIFY_SECONDS = Histogram("policywatch_classify_seconds", "Time to classify one article",
                             buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))

# Articles are classified and stored in chunks of this many, so that storing one chunk
# overlaps classifying the next.
_WRITE_CHUNK = 100
# Story candidates fetched per batch (one request for the whole batch).
_CANDIDATES_PER_ARTICLE = 20
_MAX_CANDIDATES = 10_000
_BAND_SCAN_LIMIT = 64

Classify = Callable[..., dict[str, Any]]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Indexer:
    store: ArticleStore
    publisher: Publisher
    classified_topic: str
    dlq_topic: str
    classify: Classify
    now: Callable[[], datetime]
    max_message_bytes: int

    def handle_batch(self, records: list[Record]) -> None:
        failed_at = self.now()
        letters: list[dict[str, Any]] = []
        articles: dict[str, tuple[RawArticle, Record]] = {}
        for record in records:
            article = self._decode(record, failed_at, letters)
            if article is not None:
                articles.pop(article.article_id, None)  # a later copy in the batch wins
                articles[article.article_id] = (article, record)
        refused: dict[str, str] = {}
        sent = self._store_and_send([a for a, _ in articles.values()], failed_at, refused)
        for article_id, reason in refused.items():
            if article_id in articles:
                letters.append(dead_letters.dead_letter(articles[article_id][1], dead_letters.REFUSED, reason,
                                                        failed_at, article_id))
        self._deliver(self.dlq_topic, [(dead_letters.dead_letter_key(l), dead_letters.encode(l)) for l in letters])
        for letter in letters:
            DEAD_LETTERED.labels(letter["error_kind"]).inc()
            log.warning("message dead-lettered", extra={
                "article_id": letter["article_id"], "reason": letter["error_kind"], "error": letter["error"],
                "topic": letter["source"]["topic"], "partition": letter["source"]["partition"],
                "offset": letter["source"]["offset"]})
        for delivery in sent:
            self._wait(self.classified_topic, delivery)

    def _store_and_send(self, articles: list[RawArticle], indexed_at: datetime,
                        refused: dict[str, str]) -> list[Delivery]:
        """Classify, store and start sending the stored documents on, chunk by chunk:
        while the writer thread stores one chunk, this thread classifies the next, so
        the bulk request's round trip overlaps the Python work. Refused documents are
        added to ``refused``; returns the classified topic's deliveries to wait on."""
        prints = {a.article_id: stories.fingerprint(a.title, a.text) for a in articles}
        known = self._story_candidates(prints, len(articles))
        sent: list[Delivery] = []
        writes: list[tuple[list[dict[str, Any]], Future]] = []
        with ThreadPoolExecutor(1, thread_name_prefix="indexer-writer") as writer:
            try:
                for start in range(0, len(articles), _WRITE_CHUNK):
                    docs = self._documents(articles[start:start + _WRITE_CHUNK], prints, known, indexed_at)
                    writes.append((docs, writer.submit(self.store.index, docs)))
                    if len(writes) > 1:
                        sent.append(self._send_stored(*writes[-2], refused))
                if writes:
                    sent.append(self._send_stored(*writes[-1], refused))
            finally:  # on a failure, no write of this batch may still run when it is retried
                wait([future for _, future in writes])
        return sent

    def _send_stored(self, docs: list[dict[str, Any]], write: Future, refused: dict[str, str]) -> Delivery:
        """Once ``write`` (the store's answer for ``docs``) is in, send the stored ones on."""
        chunk_refused = {failure.article_id: failure.reason for failure in write.result()}
        refused.update(chunk_refused)
        stored = [doc for doc in docs if doc["article_id"] not in chunk_refused]
        INDEXED.inc(len(stored))
        return self._start(self.classified_topic, [(doc["article_id"], encode_document(doc)) for doc in stored])

    def _decode(self, record: Record, failed_at: datetime, letters: list[dict[str, Any]]) -> RawArticle | None:
        if len(record.value) > self.max_message_bytes:
            letters.append(dead_letters.dead_letter(
                record, dead_letters.TOO_LARGE,
                f"message of {len(record.value)} bytes exceeds CONSUMER_MAX_MESSAGE_BYTES={self.max_message_bytes}",
                failed_at))
            return None
        try:
            return decode_raw(record.value)
        except SchemaError as exc:
            letters.append(dead_letters.dead_letter(record, dead_letters.UNDECODABLE, str(exc), failed_at))
            return None

    def _story_candidates(self, prints: dict[str, tuple[str, list[str]]], articles: int) -> _BandIndex:
        """Earlier copies sharing a band with any article of the batch: one store lookup."""
        all_bands = sorted({band for _, bands in prints.values() for band in bands})
        limit = min(_MAX_CANDIDATES, _CANDIDATES_PER_ARTICLE * max(1, articles))
        return _BandIndex(self.store.story_candidates(all_bands, limit=limit) if all_bands else [])

    def _documents(self, articles: list[RawArticle], prints: dict[str, tuple[str, list[str]]],
                   known: _BandIndex, indexed_at: datetime) -> list[dict[str, Any]]:
        """Classify the articles and place each in its story."""
        docs = []
        for article in articles:
            started = time.perf_counter()
            labels = self.classify(article.title, article.text, lang=article.lang, url=article.url)
            CLASSIFY_SECONDS.observe(time.perf_counter() - started)
            fingerprint, bands = prints[article.article_id]
            story_id = stories.assign_story(article.article_id, fingerprint, known.sharing(bands))
            story = {"story_id": story_id, "story_fingerprint": fingerprint, "story_bands": bands}
            docs.append(build_document(article, labels, story, indexed_at))
            # Later copies in this batch can join this one's story before it is stored.
            known.add({"article_id": article.article_id, **story})
        return docs

    def _deliver(self, topic: str, items: list[tuple[str, bytes]]) -> None:
        self._wait(topic, self._start(topic, items))

    def _start(self, topic: str, items: list[tuple[str, bytes]]) -> Delivery:
        if not items:
            return Delivery()
        try:
            return self.publisher.send_many(topic, items)
        except DeliveryError as exc:  # the batch is retried, so nothing is lost
            raise TransientError(f"{len(items)} messages to {topic} not delivered: {exc}") from exc

    @staticmethod
    def _wait(topic: str, delivery: Delivery) -> None:
        try:
            delivery.wait()
        except DeliveryError as exc:  # the batch is retried, so nothing is lost
            raise TransientError(f"messages to {topic} not delivered: {exc}") from exc


class _BandIndex:
    """Story candidates by band key. An article is compared only with the candidates
    sharing most bands with it (at most _CANDIDATES_PER_ARTICLE), as the store ranks
    them: a copy shares several bands, a chance match of one 8-bit band is common."""

    def __init__(self, candidates: list[dict[str, Any]]) -> None:
        self._candidates: list[dict[str, Any]] = []
        self._by_band: dict[str, list[int]] = {}  # band -> positions in _candidates
        self._unbanded: list[dict[str, Any]] = []  # a store that did not return bands
        for candidate in candidates:
            self.add(candidate)

    def add(self, candidate: dict[str, Any]) -> None:
        bands = candidate.get("story_bands")
        if bands is None:
            self._unbanded.append(candidate)
            return
        position = len(self._candidates)
        self._candidates.append(candidate)
        for band in bands:
            self._by_band.setdefault(band, []).append(position)

    def sharing(self, bands: list[str]) -> list[dict[str, Any]]:
        shared: Tally[int] = Tally()
        for band in bands:
            # A crowded band is weak evidence; its latest entries are enough to find a
            # story that has many copies, and bound the work per article.
            shared.update(self._by_band.get(band, ())[-_BAND_SCAN_LIMIT:])
        best = [self._candidates[position] for position, _ in shared.most_common(_CANDIDATES_PER_ARTICLE)]
        return [*best, *self._unbanded]


def build_indexer(store: ArticleStore, publisher: Publisher, *, classified_topic: str | None = None,
                  dlq_topic: str | None = None, classify: Classify | None = None,
                  now: Callable[[], datetime] | None = None, max_message_bytes: int | None = None) -> Indexer:
    """The indexer with its collaborators; defaults come from settings and the
    classifier package (imported here, so the lexicons load only for this stage)."""
    if classify is None:
        from consumers.classifier import classify, lexicon

        lexicon()  # compile (and validate) the lexicons now, not at the first article
    return Indexer(store, publisher,
                   classified_topic=classified_topic or settings.KAFKA_TOPIC_CLASSIFIED,
                   dlq_topic=dlq_topic or settings.KAFKA_TOPIC_DLQ,
                   classify=classify, now=now or _utc_now,
                   max_message_bytes=max_message_bytes or settings.CONSUMER_MAX_MESSAGE_BYTES)
