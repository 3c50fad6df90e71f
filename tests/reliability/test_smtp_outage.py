"""Drill: the SMTP server goes down in the middle of a digest run across several
subscribers, then comes back. Every subscriber receives its digest exactly once: those
sent before the outage are not sent again, those that failed are sent once on the run
after it. Real stores on Elasticsearch, a real SMTP server process, alerts' own
Deliverer and matcher."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from alerts.delivery import DeliveryConfig, Deliverer
from alerts.mailer import SmtpMailer
from alerts.matcher import build_match_handler
from alerts.store.base import SENT
from alerts.store.elasticsearch import ElasticsearchDigestLog, ElasticsearchMatchStore, ElasticsearchSubscriptionStore
from alerts.subscriptions import parse_subscription
from bench.corpus import REGIONS, raw_articles
from policywatch.bus.base import Record
from policywatch.bus.inprocess import InProcessPublisher
from policywatch.schema import build_document, encode_document, utc_iso

pytestmark = [pytest.mark.reliability, pytest.mark.smtp]

NOW = datetime.now(timezone.utc).replace(microsecond=0)
T0 = NOW - timedelta(days=2)
SENT_BEFORE_OUTAGE = 2


class StopsServerAfter(SmtpMailer):
    """The real SMTP mailer; the SMTP server process is stopped right after the
    ``limit``-th accepted message (the fault injected mid-run)."""

    def __init__(self, sink, limit: int) -> None:
        super().__init__(sink.host, sink.port, tls="none", timeout_s=5)
        self.sink, self.limit, self.accepted = sink, limit, 0

    def send(self, message) -> None:
        super().send(message)
        self.accepted += 1
        if self.accepted == self.limit:
            self.sink.stop()


def _documents(unique: str) -> list[dict]:
    docs = []
    for n, article in enumerate(raw_articles(len(REGIONS) * 2, unique, size=600)):
        labels = {"relevant": True, "relevance": 0.8, "regions": [REGIONS[n % len(REGIONS)]],
                  "themes": ["regulation"], "applications": [], "doc_type": "policy_document", "evidence": {},
                  "classifier_version": "drill"}
        story = {"story_id": article.article_id, "story_fingerprint": "0" * 16, "story_bands": []}
        docs.append(build_document(article, labels, story, T0 + timedelta(hours=1 + n)))
    return docs


def test_smtp_down_mid_run_then_back_sends_each_digest_exactly_once(es_client, es_prefix, smtp_server, unique,
                                                                    report):
    subscriptions = ElasticsearchSubscriptionStore(es_client, f"{es_prefix}-subscriptions")
    matches = ElasticsearchMatchStore(es_client, f"{es_prefix}-matches")
    digest_log = ElasticsearchDigestLog(es_client, f"{es_prefix}-digests")
    for store in (subscriptions, matches, digest_log):
        store.ensure_ready()
    subs = []
    for region in REGIONS:
        sub = parse_subscription({"id": f"watch-{region.lower()}", "email": f"{region.lower()}@example.com",
                                  "name": f"Desk {region}", "filters": {"regions": [region]},
                                  "schedule": {"kind": "daily", "at": "08:00", "timezone": "Asia/Shanghai"}})
        sub = replace(sub, created_at=utc_iso(T0), updated_at=utc_iso(T0))
        subscriptions.put(sub)
        subs.append(sub)
    docs = _documents(unique)
    build_match_handler(subscriptions, matches, InProcessPublisher(), "dlq")(
        [Record("classified", 0, n, d["article_id"].encode(), encode_document(d)) for n, d in enumerate(docs)])
    config = DeliveryConfig(sender="policywatch <alerts@pw.example>", reply_to="", public_url="https://pw.example",
                            unsubscribe_mailto="", secret=b"drill-secret", late_buffer_s=300, backoff_s=60)

    mailer = StopsServerAfter(smtp_server, SENT_BEFORE_OUTAGE)
    first = Deliverer(matches, digest_log, mailer, config).run_all(subs, NOW)
    report(f"run 1 with SMTP stopped after {SENT_BEFORE_OUTAGE} messages: "
           f"{dict(Counter(o.outcome for o in first))}")
    assert [o.outcome for o in first] == ["sent"] * SENT_BEFORE_OUTAGE + ["failed"] * (len(subs) - SENT_BEFORE_OUTAGE)

    still_down = Deliverer(matches, digest_log, SmtpMailer(smtp_server.host, smtp_server.port, tls="none",
                                                           timeout_s=5), config)
    retry_early = still_down.run_all(subs, NOW + timedelta(seconds=30))
    report(f"run 2 (30 s later, SMTP still down, inside the backoff): {dict(Counter(o.outcome for o in retry_early))}")
    # The subscribers already served get a new, empty window (closed without mail).
    assert [o.outcome for o in retry_early] == (["empty"] * SENT_BEFORE_OUTAGE
                                                + ["backing_off"] * (len(subs) - SENT_BEFORE_OUTAGE))

    smtp_server.start()
    back = still_down.run_all(subs, NOW + timedelta(minutes=5))
    again = still_down.run_all(subs, NOW + timedelta(minutes=10))
    report(f"SMTP back: run 3 {dict(Counter(o.outcome for o in back))}, run 4 {dict(Counter(o.outcome for o in again))}")
    assert [o.outcome == "sent" for o in back] == [False] * SENT_BEFORE_OUTAGE + [True] * (len(subs) - SENT_BEFORE_OUTAGE)
    assert "sent" not in {o.outcome for o in again}

    received = smtp_server.wait_for(len(subs))
    recipients = Counter(m["X-Envelope-To"] for m in received)
    message_ids = Counter(m["Message-ID"] for m in received)
    report(f"the SMTP server received {len(received)} messages for {len(recipients)} recipients, "
           f"{len(message_ids)} distinct Message-IDs")
    assert recipients == Counter(s.email for s in subs)
    assert all(n == 1 for n in message_ids.values())
    records = [digest_log.for_subscription(s.id) for s in subs]
    assert all(any(r.state == SENT for r in history) for history in records)
    assert sum(r.state == SENT for history in records for r in history) == len(subs)
