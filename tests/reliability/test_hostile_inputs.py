"""Drill: a corpus of hostile inputs (tests/reliability/hostile.py) through the real
entry points: the registry-driven spider's parse callbacks (Scrapy responses), the
indexer's batch handler with the real Elasticsearch store and Kafka publisher,
subscription validation, and ArticleStore.search on the real Elasticsearch. Each input
must end in a result, a clear error or a counted drop; a crash is a failure."""

from __future__ import annotations

import json

import pytest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from alerts.subscriptions import SubscriptionError, load_yaml, parse_subscription
from bench import harness
from bench.corpus import site_source
from consumers.indexer import build_indexer
from crawlers.items import ArticleItem
from crawlers.registry import parse_entry
from crawlers.services import CrawlServices
from crawlers.spiderloader import spider_class_for
from policywatch.bus.base import Record
from policywatch.bus.kafka import KafkaPublisher
from policywatch.errors import PermanentError, UserError
from policywatch.schema import encode_raw
from policywatch.store.base import ArticleQuery, SearchResult
from policywatch.store.elasticsearch import ElasticsearchArticleStore
from tests.reliability import hostile
from tests.unit.consumers.raw_articles import raw_article

pytestmark = pytest.mark.reliability
URL = "http://127.0.0.1:8000/a/1.html"


def _spider():
    source = parse_entry(site_source("http://127.0.0.1:8000"), {}, "hostile.yaml: entry bench-site")
    cls = spider_class_for(source)
    crawler = get_crawler(cls)
    return cls.from_crawler(crawler, services=CrawlServices(publisher=object(), state=object())), crawler.stats


def _response(page: hostile.Page):
    cls = HtmlResponse if "html" in page.content_type else Response
    request = Request(URL if not page.listing else "http://127.0.0.1:8000/list/index.html")
    return cls(url=request.url, body=page.body, headers={"Content-Type": page.content_type}, request=request)


def test_hostile_pages_end_in_an_item_or_a_counted_drop(report):
    spider, stats = _spider()
    crashes, total = [], 0
    for page in hostile.pages():
        before = dict(stats.get_stats())
        try:
            if page.listing:
                out = list(spider.parse_listing(_response(page), page=spider.max_listing_pages,
                                                start_url="http://127.0.0.1:8000/list/index.html"))
            else:
                out = list(spider.parse_article(_response(page), hints={}))
        except Exception as exc:  # the drill's point: name every crash, not just the first
            crashes.append(f"{page.name}: {type(exc).__name__}: {str(exc)[:120]}")
            report(f"page {page.name} ({len(page.body):,} bytes): CRASH {type(exc).__name__}")
            continue
        after = stats.get_stats()
        counted = {k.removeprefix("pw/"): after[k] - before.get(k, 0) for k in after
                   if k.startswith(("pw/dropped/", "pw/listing/")) and after[k] != before.get(k, 0)}
        items = [o for o in out if isinstance(o, ArticleItem) or isinstance(o, Request)
                 and isinstance(o.cb_kwargs.get("item"), ArticleItem)]
        requests = [o for o in out if isinstance(o, Request) and o not in items]
        outcome = (f"{len(items)} item(s)" if items else "") + (f" {len(requests)} request(s)" if requests else "")
        report(f"page {page.name} ({len(page.body):,} bytes): {outcome.strip() or 'no output'}"
               f"{'; counted ' + str(counted) if counted else ''}")
        assert items or requests or counted, f"{page.name}: neither an item, a request nor a counted drop"
        if page.listing:
            assert all(spider.source.in_domains(r.url) for r in requests), f"{page.name} left the allowed domains"
        for item in items:
            item = item if isinstance(item, ArticleItem) else item.cb_kwargs["item"]
            assert item["title"] and len(item["text"]) >= 40, page.name
        total += 1
    assert not crashes, "crashes: " + "; ".join(crashes)
    assert total >= 25


def test_hostile_messages_are_indexed_or_dead_lettered_never_crash(kafka_bootstrap, kafka_topics, es_client,
                                                                  es_prefix, report):
    store = ElasticsearchArticleStore(es_client, es_prefix)
    store.ensure_ready()
    publisher = KafkaPublisher({"bootstrap_servers": kafka_bootstrap})
    indexer = build_indexer(store, publisher, classified_topic=kafka_topics["classified"],
                            dlq_topic=kafka_topics["dlq"])
    cases = hostile.messages()
    crashes = []
    try:
        for offset, (name, payload) in enumerate(cases.items()):
            # Each message alone in a batch with a good article, so a crash names its case.
            good = raw_article(8000 + offset)
            batch = [Record(kafka_topics["raw"], 0, 2 * offset, name.encode(), payload),
                     Record(kafka_topics["raw"], 0, 2 * offset + 1, good.article_id.encode(), encode_raw(good))]
            try:
                indexer.handle_batch(batch)
            except Exception as exc:  # the drill's point: name every crash, not just the first
                crashes.append(f"{name}: {type(exc).__name__}: {str(exc)[:150]}")
    finally:
        publisher.close()
    letters = {json.loads(m.value)["source"]["offset"]: json.loads(m.value)
               for m in harness.read_topic(kafka_bootstrap, kafka_topics["dlq"])}
    store.refresh()
    for offset, (name, payload) in enumerate(cases.items()):
        letter = letters.get(2 * offset)
        crash = next((c for c in crashes if c.startswith(name + ":")), None)
        if crash:
            report(f"message {name} ({len(payload):,} bytes): CRASH {crash.split(':', 1)[1][:140]}")
        elif letter:
            report(f"message {name} ({len(payload):,} bytes): dead letter {letter['error_kind']}: "
                   f"{letter['error'][:100]}")
        else:
            report(f"message {name} ({len(payload):,} bytes): indexed")
    assert not crashes, "the batch handler raised (a crash of `policywatch consume`): " + "; ".join(crashes)
    for offset, (name, _) in enumerate(cases.items()):
        assert 2 * offset in letters or _indexed(store, cases[name]), f"{name}: neither indexed nor dead-lettered"
        assert store.get(raw_article(8000 + offset).article_id) is not None, f"good article beside {name} lost"
    assert len(cases) >= 10


def _indexed(store, payload: bytes) -> bool:
    try:
        article_id = json.loads(payload)["article_id"]
    except (ValueError, KeyError, TypeError, RecursionError):
        return False
    return isinstance(article_id, str) and store.get(article_id) is not None


def test_hostile_subscriptions_are_refused_with_the_field_named(tmp_path, report):
    accepted, refused = [], []
    for name, data in hostile.subscriptions().items():
        try:
            sub = parse_subscription(data, f"{name}: ")
        except SubscriptionError as exc:
            refused.append(name)
            report(f"subscription {name}: refused: {str(exc)[:110]}")
            assert str(exc).startswith(f"{name}: ") and ("field '" in str(exc) or "mapping" in str(exc))
            continue
        accepted.append(name)
        report(f"subscription {name}: accepted as {sub.email!r} / {sub.schedule.describe()}")
        assert "\n" not in sub.email + sub.name and "\r" not in sub.email + sub.name
    for name, text in hostile.SUBSCRIPTION_FILES.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(SubscriptionError) as refusal:
            load_yaml(path)
        report(f"subscription file {name}: refused: {str(refusal.value)[:110]}")
        assert str(path) in str(refusal.value)
    assert not accepted, f"hostile subscriptions accepted: {accepted}"
    assert len(refused) + len(hostile.SUBSCRIPTION_FILES) >= 20


def test_hostile_queries_answer_or_fail_with_a_clear_error(es_client, es_prefix, report):
    store = ElasticsearchArticleStore(es_client, es_prefix)
    store.ensure_ready()
    store.index([_document(n) for n in range(3)])
    store.refresh()
    crashes = []
    for name, text in hostile.queries().items():
        try:
            result = store.search(ArticleQuery(text=text, size=5))
        except (PermanentError, UserError) as exc:
            report(f"query {name} ({len(text):,} chars): clear error: {str(exc)[:110]}")
            assert str(exc).strip()
            continue
        except Exception as exc:  # the drill's point: name every crash, not just the first
            crashes.append(f"{name}: {type(exc).__name__}: {str(exc)[:150]}")
            report(f"query {name} ({len(text):,} chars): CRASH {type(exc).__name__}: {str(exc)[:100]}")
            continue
        report(f"query {name} ({len(text):,} chars): {result.total} hit(s)")
        assert isinstance(result, SearchResult) and result.total <= 3
    assert not crashes, "search raised something other than a clear error: " + "; ".join(crashes)


def _document(n: int) -> dict:
    from datetime import datetime, timezone

    from policywatch.schema import build_document

    article = raw_article(9000 + n)
    labels = {"relevant": True, "relevance": 0.9, "regions": ["Henan"], "themes": [], "applications": [],
              "doc_type": "policy_document", "evidence": {}, "classifier_version": "drill"}
    story = {"story_id": article.article_id, "story_fingerprint": "0" * 16, "story_bands": []}
    return build_document(article, labels, story, datetime(2026, 1, 20, tzinfo=timezone.utc))
