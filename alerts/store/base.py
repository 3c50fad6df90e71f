"""What the alert stores answer, whichever backend holds them.

Three stores, each with an Elasticsearch adapter (elasticsearch.py, the distributed
deployment) and a SQLite adapter (sqlite.py, embedded), passing one behavioural suite:

* ``SubscriptionStore``: the subscriptions, with a ``revision`` that changes whenever
  any of them is added, changed or removed (the matcher and the scheduler poll it).
* ``MatchStore``: which article matched which subscription; writing a match twice
  keeps the first (re-delivery of an article never puts it into a second digest).
* ``DigestLog``: one record per subscription and window. ``create`` refuses an
  existing id (two schedulers cannot both claim a window) and ``update`` is
  compare-and-set on ``version`` (two retriers cannot both send).

Times are UTC ISO strings as ``policywatch.schema.utc_iso`` writes them (sortable).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass

from alerts.matching import Match
from alerts.subscriptions import Subscription

# Digest states. Open ones still have to be sent; closed ones advance the watermark.
PENDING, SENDING, FAILED = "pending", "sending", "failed"
SENT, ASSUMED_SENT, EMPTY = "sent", "assumed_sent", "empty"
OPEN_STATES = (PENDING, SENDING, FAILED)
CLOSED_STATES = (SENT, ASSUMED_SENT, EMPTY)


@dataclass(frozen=True)
class DigestRecord:
    digest_id: str
    subscription_id: str
    window_start: str
    window_end: str
    state: str
    message_id: str
    created_at: str
    updated_at: str
    attempts: int = 0
    next_attempt_at: str = ""
    item_count: int = 0
    error: str = ""
    version: str = ""  # opaque compare-and-set token, filled in by the store

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("version")
        return data


class SubscriptionStore(ABC):
    @abstractmethod
    def ensure_ready(self) -> None:
        """Create the index or table (idempotent)."""

    @abstractmethod
    def put(self, subscription: Subscription) -> None:
        """Insert or replace by id (the caller stamps updated_at)."""

    @abstractmethod
    def get(self, subscription_id: str) -> Subscription | None: ...

    @abstractmethod
    def list(self) -> list[Subscription]:
        """All subscriptions, active or not, by id."""

    @abstractmethod
    def remove(self, subscription_id: str) -> bool:
        """Delete; False when there was none."""

    @abstractmethod
    def revision(self) -> str:
        """A value that changes whenever the set of subscriptions changes."""


class MatchStore(ABC):
    @abstractmethod
    def ensure_ready(self) -> None: ...

    @abstractmethod
    def add(self, matches: list[Match]) -> None:
        """Store matches; one already stored (same subscription and article) is kept."""

    @abstractmethod
    def for_window(self, subscription_id: str, indexed_since: str, indexed_until: str,
                   limit: int = 1000) -> list[Match]:
        """Matches of one subscription with ``indexed_since <= indexed_at < indexed_until``,
        oldest first, at most ``limit``."""


class DigestLog(ABC):
    @abstractmethod
    def ensure_ready(self) -> None: ...

    @abstractmethod
    def create(self, record: DigestRecord) -> bool:
        """Store a new record; False (and nothing written) when its id exists."""

    @abstractmethod
    def get(self, digest_id: str) -> DigestRecord | None: ...

    @abstractmethod
    def update(self, record: DigestRecord) -> bool:
        """Replace the stored record if it still has ``record.version``; False if
        someone else changed it first."""

    @abstractmethod
    def for_subscription(self, subscription_id: str, limit: int = 20) -> list[DigestRecord]:
        """The latest records of one subscription, newest window first."""

    @abstractmethod
    def open_records(self) -> list[DigestRecord]:
        """Every record still pending, sending or failed (for retries and recovery)."""
