"""Sending digests so that none is sent twice and no article is skipped.

The digest log holds one record per subscription and window; the windows of a
subscriber follow each other without gaps on ``indexed_at``:

1. **Window.** It starts where the last closed record ended (the watermark; for a new
   subscription, when it was created) and ends ``late_buffer`` before now, so a match
   written shortly after its article was indexed still falls into the next window.
   Keying on ``indexed_at`` (not ``published``) means an article published inside a
   past window but indexed late simply lands in the next digest.
2. **Claim.** The record (state ``pending``) is created BEFORE anything is sent, with
   an id derived from subscription and window start: a second scheduler computing the
   same window gets "exists" and walks away.
3. **Send.** The record goes to ``sending`` (compare-and-set, so two retriers cannot
   both proceed), then SMTP, then ``sent``. The Message-ID derives from the digest id.
4. **SMTP failure** (``DeliveryError``): the record goes to ``failed`` with a
   ``next_attempt_at`` (exponential backoff). It stays open, so the window is retried
   and no later window starts before it is sent: nothing is skipped.
5. **Crash between send and mark** (the record stays ``sending``). We cannot ask the
   SMTP server whether it accepted the message, so we choose *at most once*: once the
   sending lease has expired, a later run marks the record ``assumed_sent`` (logged as
   a warning with the Message-ID, counted in a metric) and moves on without re-sending.
   The gap is the milliseconds between SMTP's "250" and our write; a duplicate is the
   complaint that makes subscribers leave, and ops can check the Message-ID in the SMTP
   server's log.

Empty windows close as ``empty`` without mail unless the subscription has send_empty.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from prometheus_client import Counter

from alerts import tokens
from alerts.digest import Window, build_digest
from alerts.mailer import Mailer, address_of, build_message, domain_of
from alerts.render import render
from alerts.store.base import (ASSUMED_SENT, CLOSED_STATES, EMPTY, FAILED, OPEN_STATES, PENDING, SENDING, SENT,
                               DigestLog, DigestRecord, MatchStore)
from alerts.subscriptions import Subscription
from policywatch.errors import DeliveryError
from policywatch.schema import utc_iso

log = logging.getLogger(__name__)

DIGESTS = Counter("policywatch_digests_total", "Digest runs by outcome", ["outcome"])


@dataclass(frozen=True)
class DeliveryConfig:
    sender: str
    reply_to: str
    public_url: str
    unsubscribe_mailto: str
    secret: bytes
    late_buffer_s: int = 300
    backoff_s: int = 60
    backoff_max_s: int = 3600
    sending_lease_s: int = 600
    max_items: int = 50


@dataclass(frozen=True)
class Outcome:
    subscription_id: str
    outcome: str  # sent | empty | failed | backing_off | busy | claimed_elsewhere | nothing_new | inactive | recovered
    digest_id: str = ""
    items: int = 0
    detail: str = ""


def digest_id(subscription_id: str, window_start: str) -> str:
    return hashlib.sha256(f"{subscription_id}\n{window_start}".encode("utf-8")).hexdigest()[:32]


def backoff(attempts: int, base_s: int, cap_s: int) -> timedelta:
    return timedelta(seconds=min(cap_s, base_s * 2 ** max(0, attempts - 1)))


def parse_time(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def next_window(subscription: Subscription, history: list[DigestRecord], now: datetime,
                late_buffer_s: int) -> Window | None:
    """The window after the last closed one, or None when it would be empty in time."""
    closed = [r for r in history if r.state in CLOSED_STATES]
    start = parse_time(max(r.window_end for r in closed)) if closed else parse_time(subscription.created_at)
    end = (now - timedelta(seconds=late_buffer_s)).replace(microsecond=0)
    return Window(start, end) if end > start else None


class Deliverer:
    def __init__(self, matches: MatchStore, digest_log: DigestLog, mailer: Mailer, config: DeliveryConfig) -> None:
        self.matches, self.log, self.mailer, self.config = matches, digest_log, mailer, config

    def run(self, subscription: Subscription, now: datetime, force: bool = False) -> Outcome:
        """Send what is due for one subscriber: first a window left open, else the next
        window. ``force`` ignores the backoff of a failed window (``digest send-now``)."""
        if not subscription.active:
            return self._count(Outcome(subscription.id, "inactive"))
        history = self.log.for_subscription(subscription.id)
        open_records = [r for r in history if r.state in OPEN_STATES]
        if open_records:
            record = open_records[-1]  # the oldest open window goes first
            if record.state == SENDING:
                return self._count(self._recover(record, now))
            if record.state == FAILED and record.next_attempt_at > utc_iso(now) and not force:
                return self._count(Outcome(subscription.id, "backing_off", record.digest_id,
                                           detail=f"next attempt at {record.next_attempt_at}"))
            return self._count(self._attempt(subscription, record, now))
        window = next_window(subscription, history, now, self.config.late_buffer_s)
        if window is None:
            return self._count(Outcome(subscription.id, "nothing_new"))
        start = utc_iso(window.start)
        record = DigestRecord(
            digest_id=digest_id(subscription.id, start), subscription_id=subscription.id, window_start=start,
            window_end=utc_iso(window.end), state=PENDING, message_id="", created_at=utc_iso(now),
            updated_at=utc_iso(now))
        record = replace(record, message_id=f"<{record.digest_id}@{domain_of(self.config.sender)}>")
        if not self.log.create(record):
            return self._count(Outcome(subscription.id, "claimed_elsewhere", record.digest_id))
        return self._count(self._attempt(subscription, self.log.get(record.digest_id), now))

    def preview(self, subscription: Subscription, window: Window, now: datetime):
        """The rendered digest of a window, without claiming or sending anything."""
        docs = [m.article for m in self.matches.for_window(subscription.id, utc_iso(window.start),
                                                           utc_iso(window.end))]
        digest = build_digest(subscription, docs, window, now, self.config.max_items)
        return render(digest, self._unsubscribe_url(subscription))

    def _unsubscribe_url(self, sub: Subscription) -> str:
        return tokens.unsubscribe_url(self.config.public_url, self.config.secret, sub.id, sub.email)

    def _attempt(self, subscription: Subscription, record: DigestRecord, now: datetime) -> Outcome:
        window = Window(parse_time(record.window_start), parse_time(record.window_end))
        docs = [m.article for m in self.matches.for_window(subscription.id, record.window_start, record.window_end)]
        digest = build_digest(subscription, docs, window, now, self.config.max_items)
        if digest.is_empty and not subscription.send_empty:
            if not self.log.update(replace(record, state=EMPTY, updated_at=utc_iso(now))):
                return Outcome(subscription.id, "claimed_elsewhere", record.digest_id)
            return Outcome(subscription.id, "empty", record.digest_id)
        rendered = render(digest, self._unsubscribe_url(subscription))
        message = build_message(
            rendered, to_name=subscription.name, to_email=subscription.email, sender=self.config.sender,
            reply_to=self.config.reply_to, message_id=record.message_id, date=now,
            unsubscribe_url=self._unsubscribe_url(subscription),
            unsubscribe_mailto=tokens.unsubscribe_mailto(
                self.config.unsubscribe_mailto or address_of(self.config.sender),
                self.config.secret, subscription.id, subscription.email))
        sending = replace(record, state=SENDING, attempts=record.attempts + 1, updated_at=utc_iso(now),
                          item_count=digest.total)
        if not self.log.update(sending):
            return Outcome(subscription.id, "claimed_elsewhere", record.digest_id)
        sending = self.log.get(record.digest_id)
        try:
            self.mailer.send(message)
        except DeliveryError as exc:
            retry_at = now + backoff(sending.attempts, self.config.backoff_s, self.config.backoff_max_s)
            self.log.update(replace(sending, state=FAILED, error=str(exc)[:1000], next_attempt_at=utc_iso(retry_at)))
            log.warning("digest not sent; will retry", extra={
                "subscription_id": subscription.id, "digest_id": record.digest_id,
                "attempt": sending.attempts, "retry_at": utc_iso(retry_at), "error": str(exc)})
            return Outcome(subscription.id, "failed", record.digest_id, digest.total, str(exc))
        if not self.log.update(replace(sending, state=SENT, error="", next_attempt_at="")):
            log.warning("digest sent but its record changed meanwhile", extra={"digest_id": record.digest_id})
        log.info("digest sent", extra={"subscription_id": subscription.id, "digest_id": record.digest_id,
                                       "items": digest.total, "message_id": record.message_id})
        return Outcome(subscription.id, "sent", record.digest_id, digest.total)

    def _recover(self, record: DigestRecord, now: datetime) -> Outcome:
        """A record left ``sending``: another process is sending it, or one crashed."""
        lease_end = parse_time(record.updated_at) + timedelta(seconds=self.config.sending_lease_s)
        if now < lease_end:
            return Outcome(record.subscription_id, "busy", record.digest_id)
        if self.log.update(replace(record, state=ASSUMED_SENT, updated_at=utc_iso(now),
                                   error="sender stopped between SMTP and the log; not re-sent")):
            log.warning("digest left 'sending' by a stopped sender; assumed sent, not re-sent", extra={
                "subscription_id": record.subscription_id, "digest_id": record.digest_id,
                "message_id": record.message_id})
        return Outcome(record.subscription_id, "recovered", record.digest_id)

    def run_all(self, subscriptions: list[Subscription], now: datetime) -> list[Outcome]:
        """Run each subscriber on its own: one that fails does not hold up the others."""
        outcomes = []
        for subscription in subscriptions:
            try:
                outcomes.append(self.run(subscription, now))
            except Exception as exc:  # a store hiccup for one subscriber; the next run retries
                log.exception("digest run failed", extra={"subscription_id": subscription.id})
                outcomes.append(self._count(Outcome(subscription.id, "error", detail=str(exc))))
        return outcomes

    @staticmethod
    def _count(outcome: Outcome) -> Outcome:
        DIGESTS.labels(outcome.outcome).inc()
        return outcome
