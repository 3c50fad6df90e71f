"""Alert stores in the embedded SQLite database (tables prefixed ``alert_``).

Claims rely on the primary key (INSERT fails for an existing digest id) and updates on
a version column (UPDATE ... WHERE version = ?), so two processes sharing the file
cannot both claim or both send a digest. A lock serialises the scheduler's threads on
the one connection.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from alerts.matching import Match
from alerts.store.base import OPEN_STATES, DigestLog, DigestRecord, MatchStore, SubscriptionStore
from alerts.subscriptions import Subscription, parse_subscription
from policywatch.errors import TransientError
from policywatch.store.sqlite_db import connect

_SCHEMA = {
    "subscriptions": """
        CREATE TABLE IF NOT EXISTS alert_subscriptions (
            id TEXT PRIMARY KEY, data TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "matches": """
        CREATE TABLE IF NOT EXISTS alert_matches (
            subscription_id TEXT NOT NULL, article_id TEXT NOT NULL, matched_at TEXT NOT NULL,
            indexed_at TEXT NOT NULL, article TEXT NOT NULL,
            PRIMARY KEY (subscription_id, article_id));
        CREATE INDEX IF NOT EXISTS alert_matches_window ON alert_matches (subscription_id, indexed_at)""",
    "digests": """
        CREATE TABLE IF NOT EXISTS alert_digests (
            digest_id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, window_start TEXT NOT NULL,
            window_end TEXT NOT NULL, state TEXT NOT NULL, message_id TEXT NOT NULL,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL, attempts INTEGER NOT NULL,
            next_attempt_at TEXT NOT NULL, item_count INTEGER NOT NULL, error TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IF NOT EXISTS alert_digests_sub ON alert_digests (subscription_id, window_start)""",
}


class _SqliteTable:
    def __init__(self, path: Path, kind: str) -> None:
        self._db = connect(path)
        self._kind = kind
        self._lock = threading.Lock()

    def _run(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:  # locked or busy beyond the timeout
                raise TransientError(f"embedded alert store: {exc}") from exc

    def ensure_ready(self) -> None:
        with self._lock:
            self._db.executescript(_SCHEMA[self._kind])

    def close(self) -> None:
        self._db.close()


class SqliteSubscriptionStore(_SqliteTable, SubscriptionStore):
    def __init__(self, path: Path) -> None:
        super().__init__(path, "subscriptions")

    def put(self, subscription: Subscription) -> None:
        self._run("INSERT OR REPLACE INTO alert_subscriptions (id, data, updated_at) VALUES (?, ?, ?)",
                  (subscription.id, json.dumps(subscription.to_dict(), ensure_ascii=False),
                   subscription.updated_at))

    def get(self, subscription_id: str) -> Subscription | None:
        rows = self._run("SELECT data FROM alert_subscriptions WHERE id = ?", (subscription_id,))
        return parse_subscription(json.loads(rows[0]["data"]), f"stored subscription {subscription_id}: ") \
            if rows else None

    def list(self) -> list[Subscription]:
        return [parse_subscription(json.loads(row["data"]), f"stored subscription {row['id']}: ")
                for row in self._run("SELECT id, data FROM alert_subscriptions ORDER BY id")]

    def remove(self, subscription_id: str) -> bool:
        with self._lock:
            return self._db.execute("DELETE FROM alert_subscriptions WHERE id = ?",
                                    (subscription_id,)).rowcount > 0

    def revision(self) -> str:
        row = self._run("SELECT COUNT(*) AS n, MAX(updated_at) AS latest FROM alert_subscriptions")[0]
        return f"{row['n']}:{row['latest']}"


class SqliteMatchStore(_SqliteTable, MatchStore):
    def __init__(self, path: Path) -> None:
        super().__init__(path, "matches")

    def add(self, matches: list[Match]) -> None:
        rows = [(m.subscription_id, m.article_id, m.matched_at, m.indexed_at,
                 json.dumps(m.article, ensure_ascii=False)) for m in matches]
        with self._lock:
            try:
                with self._db:  # one transaction for the batch
                    self._db.execute("BEGIN IMMEDIATE")
                    self._db.executemany("INSERT OR IGNORE INTO alert_matches VALUES (?, ?, ?, ?, ?)", rows)
            except sqlite3.OperationalError as exc:
                raise TransientError(f"embedded alert store: {exc}") from exc

    def for_window(self, subscription_id: str, indexed_since: str, indexed_until: str,
                   limit: int = 1000) -> list[Match]:
        rows = self._run(
            "SELECT * FROM alert_matches WHERE subscription_id = ? AND indexed_at >= ? AND indexed_at < ? "
            "ORDER BY indexed_at, article_id LIMIT ?", (subscription_id, indexed_since, indexed_until, limit))
        return [Match(r["subscription_id"], r["article_id"], r["matched_at"], r["indexed_at"],
                      json.loads(r["article"])) for r in rows]


_DIGEST_COLUMNS = tuple(name for name in DigestRecord.__dataclass_fields__ if name != "version")


def _record(row: sqlite3.Row) -> DigestRecord:
    return DigestRecord(**{name: row[name] for name in _DIGEST_COLUMNS}, version=str(row["version"]))


class SqliteDigestLog(_SqliteTable, DigestLog):
    def __init__(self, path: Path) -> None:
        super().__init__(path, "digests")

    def create(self, record: DigestRecord) -> bool:
        values = record.to_dict()
        try:
            self._run(f"INSERT INTO alert_digests ({', '.join(_DIGEST_COLUMNS)}) "
                      f"VALUES ({', '.join('?' for _ in _DIGEST_COLUMNS)})",
                      tuple(values[name] for name in _DIGEST_COLUMNS))
        except sqlite3.IntegrityError:
            return False
        return True

    def get(self, digest_id: str) -> DigestRecord | None:
        rows = self._run("SELECT * FROM alert_digests WHERE digest_id = ?", (digest_id,))
        return _record(rows[0]) if rows else None

    def update(self, record: DigestRecord) -> bool:
        values = record.to_dict()
        columns = [name for name in _DIGEST_COLUMNS if name != "digest_id"]
        with self._lock:
            cursor = self._db.execute(
                f"UPDATE alert_digests SET {', '.join(f'{c} = ?' for c in columns)}, version = version + 1 "
                "WHERE digest_id = ? AND version = ?",
                (*(values[c] for c in columns), record.digest_id, int(record.version or 0)))
        return cursor.rowcount == 1

    def for_subscription(self, subscription_id: str, limit: int = 20) -> list[DigestRecord]:
        return [_record(r) for r in self._run(
            "SELECT * FROM alert_digests WHERE subscription_id = ? ORDER BY window_start DESC LIMIT ?",
            (subscription_id, limit))]

    def open_records(self) -> list[DigestRecord]:
        marks = ", ".join("?" for _ in OPEN_STATES)
        return [_record(r) for r in self._run(
            f"SELECT * FROM alert_digests WHERE state IN ({marks}) ORDER BY window_start", OPEN_STATES)]
