"""Opening the embedded SQLite database, shared by every embedded adapter.

WAL mode lets the crawler, the consumer stage and the digest scheduler read while one
of them writes; the busy timeout makes concurrent writers wait instead of failing.
Each adapter creates its own tables (CREATE TABLE IF NOT EXISTS) in the same file.
"""

import sqlite3
from pathlib import Path


def connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    return connection
