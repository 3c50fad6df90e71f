"""From indexed articles to the received message, on the real Elasticsearch and a real
SMTP server process: content and headers, a crash between send and mark, SMTP down and
back, a late article, two schedulers at once."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from alerts import tokens
from alerts.delivery import DeliveryConfig, Deliverer
from alerts.mailer import SmtpMailer
from alerts.matcher import build_match_handler
from alerts.store.elasticsearch import (ElasticsearchDigestLog, ElasticsearchMatchStore,
                                        ElasticsearchSubscriptionStore)
from alerts.store.base import SENT
from alerts.subscriptions import parse_subscription
from policywatch.bus.base import Record
from policywatch.bus.inprocess import InProcessPublisher
from policywatch.schema import RawArticle, build_document, content_hash, encode_document, utc_iso
from policywatch.store.elasticsearch import ElasticsearchArticleStore
from policywatch.urls import article_id

pytestmark = [pytest.mark.integration, pytest.mark.smtp]

T0 = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=3)
SECRET = b"test-secret-not-for-production"
HOSTILE = "<script>alert(1)</script> Henan blockchain rules"


def _doc(url: str, title: str, *, source: str, regions, themes=("regulation",), indexed_at: datetime,
         story: str = "", relevance: float = 0.9, published: datetime | None = None, text: str = ""):
    raw = RawArticle(
        article_id=article_id(url), url=url, canonical_url=url, source=source, source_kind="test",
        title=title, text=text or f"{title}. The province will support 区块链 pilot projects and blockchain labs.",
        fetched_at=utc_iso(indexed_at), content_hash=content_hash(title, text), lang="en",
        published=utc_iso(published or indexed_at - timedelta(hours=1)))
    labels = {"relevant": True, "relevance": relevance, "regions": list(regions), "themes": list(themes),
              "applications": [], "doc_type": "policy_document", "evidence": {}, "classifier_version": "test"}
    story_fields = {"story_id": story or raw.article_id, "story_fingerprint": "0" * 16, "story_bands": []}
    return build_document(raw, labels, story_fields, indexed_at)


class Pipeline:
    """The real stores on Elasticsearch, the matcher handler and a deliverer."""

    def __init__(self, es_client, prefix: str, smtp) -> None:
        self.articles = ElasticsearchArticleStore(es_client, prefix)
        self.articles.ensure_ready()
        self.subscriptions = ElasticsearchSubscriptionStore(es_client, f"{prefix}-subscriptions")
        self.matches = ElasticsearchMatchStore(es_client, f"{prefix}-matches")
        self.log = ElasticsearchDigestLog(es_client, f"{prefix}-digests")
        for store in (self.subscriptions, self.matches, self.log):
            store.ensure_ready()
        self.handler = build_match_handler(self.subscriptions, self.matches, InProcessPublisher(), "dlq")
        self.smtp = smtp
        self.config = DeliveryConfig(sender="policywatch <alerts@pw.example>", reply_to="desk@pw.example",
                                     public_url="https://pw.example", unsubscribe_mailto="unsub@pw.example",
                                     secret=SECRET, late_buffer_s=300, backoff_s=60, sending_lease_s=600)

    def mailer(self):
        return SmtpMailer(self.smtp.host, self.smtp.port, tls="none", timeout_s=5)

    def deliverer(self, mailer=None) -> Deliverer:
        return Deliverer(self.matches, self.log, mailer or self.mailer(), self.config)

    def subscribe(self, sub_id: str, **extra):
        data = {"id": sub_id, "email": f"{sub_id}@example.com", "name": "Li Wei",
                "schedule": {"kind": "daily", "at": "08:00", "timezone": "Asia/Shanghai"},
                "filters": {"regions": ["Henan", "Hainan"]}, **extra}
        sub = replace(parse_subscription(data), created_at=utc_iso(T0), updated_at=utc_iso(T0))
        self.subscriptions.put(sub)
        return sub

    def index(self, *docs):
        assert self.articles.index(list(docs)) == []
        self.articles.refresh()
        stored = [self.articles.get(d["article_id"]) for d in docs]
        self.handler([Record("classified", 0, n, d["article_id"].encode(), encode_document(d))
                      for n, d in enumerate(stored)])


@pytest.fixture
def pipeline(es_client, es_prefix, smtp_server):
    return Pipeline(es_client, es_prefix, smtp_server)


def test_indexed_articles_arrive_as_one_well_formed_digest(pipeline, smtp_server):
    sub = pipeline.subscribe("henan-watch", filters={"regions": ["Henan", "Hainan"], "query": "区块链|blockchain"})
    pipeline.index(
        _doc("https://gov.example/henan/1", HOSTILE, source="henan.gov.example", regions=["Henan"],
             indexed_at=T0 + timedelta(hours=1), story="story-1"),
        _doc("https://news.example/copy", "Henan publishes blockchain rules", source="news.example",
             regions=["Henan"], indexed_at=T0 + timedelta(hours=2), story="story-1", relevance=0.6),
        _doc("https://gov.example/hainan/2", "Hainan pilot zone", source="hainan.gov.example",
             regions=["Hainan"], themes=["industrial_parks"], indexed_at=T0 + timedelta(hours=3), relevance=0.7),
        _doc("https://gov.example/jilin/3", "Jilin plan", source="jilin.gov.example", regions=["Jilin"],
             indexed_at=T0 + timedelta(hours=3)),
    )
    outcome = pipeline.deliverer().run(sub, T0 + timedelta(days=1))
    assert (outcome.outcome, outcome.items) == ("sent", 2)

    [message] = smtp_server.wait_for(1)
    assert message["X-Envelope-To"] == "henan-watch@example.com"
    assert message["Subject"].startswith("2 new items: Henan, Hainan · ")
    assert message["Message-ID"] == f"<{outcome.digest_id}@pw.example>"
    assert message["Date"] and message["From"] == "policywatch <alerts@pw.example>"
    assert message["Reply-To"] == "desk@pw.example"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https_link, mailto_link = (part.strip(" <>") for part in message["List-Unsubscribe"].split(","))
    assert https_link.startswith("https://pw.example/unsubscribe?")
    assert mailto_link.startswith("mailto:unsub@pw.example?subject=unsubscribe")
    query = parse_qs(urlsplit(https_link).query)
    assert tokens.verify(SECRET, query["s"][0], "henan-watch@example.com", query["t"][0])

    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert HOSTILE in text and "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="https://gov.example/henan/1"' in html and 'href="https://gov.example/hainan/2"' in html
    assert "news.example" in html and "Also reported by" in html  # the collapsed copy
    assert html.count('class="title"') == 2 and "Jilin" not in html
    assert "<mark" in html and 'style="' in html  # highlighted terms, inlined CSS
    assert html.index("Henan") < html.index("Hainan pilot zone")


def test_crash_between_send_and_mark_sends_exactly_once(pipeline, smtp_server):
    sub = pipeline.subscribe("crash-watch")
    pipeline.index(_doc("https://gov.example/henan/c1", "Henan measures", source="henan.gov.example",
                        regions=["Henan"], indexed_at=T0 + timedelta(hours=1)))

    class CrashAfterSmtpAccepted(SmtpMailer):
        def send(self, message):
            super().send(message)
            raise RuntimeError("process killed after SMTP accepted the message")

    crashing = CrashAfterSmtpAccepted(smtp_server.host, smtp_server.port, tls="none", timeout_s=5)
    now = T0 + timedelta(days=1)
    with pytest.raises(RuntimeError):
        pipeline.deliverer(crashing).run(sub, now)
    assert len(smtp_server.wait_for(1)) == 1

    again = pipeline.deliverer()
    assert again.run(sub, now + timedelta(minutes=1)).outcome == "busy"  # lease not over yet
    assert again.run(sub, now + timedelta(hours=1)).outcome == "recovered"
    assert again.run(sub, now + timedelta(hours=1, minutes=1)).outcome in ("empty", "nothing_new")
    assert len(smtp_server.wait_for(2, timeout=2)) == 1
    states = [r.state for r in pipeline.log.for_subscription(sub.id)]
    assert "assumed_sent" in states


def test_smtp_down_then_back_sends_every_digest_exactly_once(pipeline, smtp_server):
    subs = [pipeline.subscribe(f"outage-{n}") for n in range(3)]
    pipeline.index(_doc("https://gov.example/henan/o1", "Henan outage test", source="henan.gov.example",
                        regions=["Henan"], indexed_at=T0 + timedelta(hours=1)))
    deliverer = pipeline.deliverer()
    now = T0 + timedelta(days=1)
    smtp_server.stop()
    assert [o.outcome for o in deliverer.run_all(subs, now)] == ["failed"] * 3
    assert [o.outcome for o in deliverer.run_all(subs, now + timedelta(seconds=10))] == ["backing_off"] * 3
    smtp_server.start()
    assert [o.outcome for o in deliverer.run_all(subs, now + timedelta(minutes=2))] == ["sent"] * 3
    assert [o.outcome for o in deliverer.run_all(subs, now + timedelta(minutes=3))] == ["empty"] * 3
    received = smtp_server.wait_for(4, timeout=3)
    assert sorted(m["X-Envelope-To"] for m in received) == [f"outage-{n}@example.com" for n in range(3)]


def test_late_article_reaches_the_next_digest(pipeline, smtp_server):
    sub = pipeline.subscribe("late-watch")
    first_run = T0 + timedelta(days=1)
    pipeline.index(
        _doc("https://gov.example/henan/l1", "Henan on time", source="henan.gov.example", regions=["Henan"],
             indexed_at=T0 + timedelta(hours=1)),
        # indexed inside the late buffer before the first run: belongs to the second digest
        _doc("https://gov.example/henan/l2", "Henan in the buffer", source="henan.gov.example",
             regions=["Henan"], indexed_at=first_run - timedelta(seconds=60)),
    )
    assert pipeline.deliverer().run(sub, first_run).outcome == "sent"
    # published inside the first window, but crawled and indexed only a day later
    pipeline.index(_doc("https://gov.example/henan/l3", "Henan published long ago", source="henan.gov.example",
                        regions=["Henan"], indexed_at=first_run + timedelta(hours=20),
                        published=T0 + timedelta(hours=2)))
    assert pipeline.deliverer().run(sub, first_run + timedelta(days=1)).outcome == "sent"
    first, second = smtp_server.wait_for(2)
    first_text = first.get_body(("plain",)).get_content()
    second_text = second.get_body(("plain",)).get_content()
    assert "Henan on time" in first_text and "in the buffer" not in first_text
    assert "Henan in the buffer" in second_text and "Henan published long ago" in second_text
    assert "Henan on time" not in second_text


def test_two_concurrent_schedulers_do_not_double_send(pipeline, smtp_server, es_client):
    sub = pipeline.subscribe("race-watch")
    pipeline.index(_doc("https://gov.example/henan/r1", "Henan race", source="henan.gov.example",
                        regions=["Henan"], indexed_at=T0 + timedelta(hours=1)))
    now = T0 + timedelta(days=1)
    outcomes = []
    barrier = threading.Barrier(4)

    def scheduler(offset_s: int):
        deliverer = pipeline.deliverer()
        barrier.wait()
        outcomes.append(deliverer.run(sub, now + timedelta(seconds=offset_s)).outcome)

    threads = [threading.Thread(target=scheduler, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("sent") == 1, outcomes
    assert len(smtp_server.wait_for(2, timeout=3)) == 1
    assert [r.state for r in pipeline.log.for_subscription(sub.id)].count(SENT) == 1
