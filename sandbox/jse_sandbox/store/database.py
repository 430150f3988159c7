"""The file the platform's state lives in: one SQLite database that survives
a restart, its schema, atomic transactions, and the platform's clock (which
tests move forward: see Transactions.advance_clock)."""

import sqlite3
import threading
import time

DAY_MS = 24 * 3600 * 1000

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS integrator (shortcut TEXT PRIMARY KEY, secret TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS collaborator (
    id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL, password TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS office (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS membership (
    collaborator_id INTEGER NOT NULL, office_id INTEGER NOT NULL,
    PRIMARY KEY (collaborator_id, office_id));
CREATE TABLE IF NOT EXISTS link_request (
    id_request TEXT PRIMARY KEY, shortcut TEXT NOT NULL, success_url TEXT NOT NULL,
    callback_url TEXT, created_ms INTEGER NOT NULL, office_id INTEGER, collaborator_id INTEGER);
CREATE TABLE IF NOT EXISTS token (
    token TEXT PRIMARY KEY, kind TEXT NOT NULL, shortcut TEXT NOT NULL, office_id INTEGER NOT NULL,
    collaborator_id INTEGER, issued_ms INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS web_session (token TEXT PRIMARY KEY, collaborator_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS txn (
    id TEXT PRIMARY KEY, shortcut TEXT NOT NULL, office_id INTEGER NOT NULL, created_by INTEGER,
    data TEXT NOT NULL, status TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
    sent_ms INTEGER, closed_ms INTEGER);
CREATE INDEX IF NOT EXISTS txn_updated ON txn (shortcut, office_id, updated_ms);
CREATE TABLE IF NOT EXISTS document (
    txn_id TEXT NOT NULL, ord INTEGER NOT NULL, filename TEXT NOT NULL, content BLOB NOT NULL,
    sign_fields TEXT NOT NULL, signed BLOB, PRIMARY KEY (txn_id, ord));
CREATE TABLE IF NOT EXISTS signatory (
    txn_id TEXT NOT NULL, level INTEGER NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL,
    phone TEXT, positions TEXT NOT NULL, status TEXT NOT NULL, signed_ms INTEGER, refused_ms INTEGER,
    PRIMARY KEY (txn_id, level));
CREATE TABLE IF NOT EXISTS txn_option (txn_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (txn_id, key));
CREATE TABLE IF NOT EXISTS fault (
    id INTEGER PRIMARY KEY, mode TEXT NOT NULL, remaining INTEGER NOT NULL, path TEXT,
    retry_after REAL, seconds REAL);
"""
# Columns added since a sandbox file was first made: added to an older file
# when it is opened, so that its state still survives the upgrade.
LATER_COLUMNS = (
    ("fault", "status", "INTEGER"),  # the HTTP status of a "status" fault
    ("fault", "details", "TEXT"),  # the details its answer gives
    ("fault", "txn_id", "TEXT"),  # the one transaction it strikes, if any
    ("link_request", "auth_ts", "TEXT"),  # the start's own signature: ts...
    ("link_request", "auth_mac", "TEXT"),  # ... and HMAC
)


class SandboxError(Exception):
    """A request the platform refuses: ``status`` and ``details`` are sent back."""

    def __init__(self, status, details):
        super().__init__(details)
        self.status = status
        self.details = details


class Database:
    def __init__(self, path):
        self.path = str(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._add_later_columns()

    def close(self):
        with self._lock:
            self._db.close()

    def _add_later_columns(self):
        with self.transaction():
            for table, column, kind in LATER_COLUMNS:
                if column not in {r["name"] for r in self._q(f"PRAGMA table_info({table})")}:
                    self._q(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    # Callers hold the lock (``with store.transaction()``): the platform takes
    # it around each request, so that every request is atomic.
    def _q(self, sql, *args):
        return self._db.execute(sql, args)

    def _one(self, sql, *args):
        return self._db.execute(sql, args).fetchone()

    def transaction(self):
        """``with store.transaction():`` runs its body atomically."""
        return _Atomic(self)

    def _meta(self, key):
        """A setting of the platform (text), None when never set."""
        row = self._one("SELECT value FROM meta WHERE key = ?", key)
        return row["value"] if row else None

    def _set_meta(self, key, value):
        with self.transaction():
            self._q("INSERT OR REPLACE INTO meta VALUES (?, ?)", key, str(value))

    # ------------------------------------------------------------ clock --

    def now(self):
        """Milliseconds since the epoch, moved forward by the tests' clock."""
        return int(time.time() * 1000) + int(self._meta("clock_offset_ms") or 0)


class _Atomic:
    """A re-entrant SQLite transaction guarded by the store's lock."""

    def __init__(self, store):
        self.store = store

    def __enter__(self):
        self.store._lock.acquire()
        self.outer = not self.store._db.in_transaction
        if self.outer:
            self.store._db.execute("BEGIN IMMEDIATE")
        return self.store

    def __exit__(self, exc_type, *exc):
        try:
            if self.outer:
                self.store._db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.store._lock.release()
