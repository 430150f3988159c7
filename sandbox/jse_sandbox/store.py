"""The sandbox's state, in one SQLite file that survives a restart.

It holds the platform's rules as the sandbox plays them: integrators and their
secrets, collaborators and their cabinets, tokens (a user token lasts 5 days),
transactions with their documents and signatories, a clock that tests can move
forward, and the faults to inject into the next API calls.
"""

import hashlib
import json
import re
import secrets
import sqlite3
import threading
import time

from .vocabulary import DRAFT_STATUSES

DAY_MS = 24 * 3600 * 1000
LINK_TTL_MS = 10 * 60 * 1000
USER_TOKEN_TTL_MS = 5 * DAY_MS
EXPIRY_MS = 15 * DAY_MS
PAGE_SIZE = 100

# Seeded accounts: a person can log in as one of them on the linking page.
SHORTCUT, SECRET = "sandbox", "sandbox-secret"  # the integrator a sandbox knows from the start
DEFAULT_INTEGRATORS = {SHORTCUT: SECRET}
DEFAULT_COLLABORATORS = [
    # email, password, name, cabinets
    ("jean.doe@cabinet-exemple.fr", "demo", "Jean Doe", ["Cabinet Editeur Oppus 1", "Cabinet Dupont Expertise"]),
    ("marie.martin@cabinet-exemple.fr", "demo", "Marie Martin", ["Cabinet Dupont Expertise"]),
    ("paul.petit@cabinet-exemple.fr", "demo", "Paul Petit", ["Cabinet Petit & Associés"]),
]

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

# "status" answers any HTTP status (``status``); the others are shortcuts of
# the commonest faults.
FAULT_MODES = ("500", "429", "timeout", "403", "corrupt_pdf", "status")
# How the sandbox may differ from itself where the public material is silent
# (see jse-api-facts.md): ``return_id_request`` (the browser comes back to
# success_url with an idRequest parameter appended, or exactly as given) and
# ``fetch_signature`` (the tokens' fetch is accepted signed anew, "fresh";
# only with the start call's own ts and HMAC, "start"; or either, "any");
# ``change_list`` (the change list is there, "yes", or answers 404, 405 or 501).
# The API's answers may differ too: ``list_shape`` (the change list's items
# under "items", "data", or "content" with a "last" flag as Spring pages
# have), ``status_case`` (statuses in "lower" or "upper" case), ``id_format``
# (transaction ids as JSON "text", or as a JSON "number") and ``proof`` (the
# proof call answers, "yes", or does not exist, "404").
DIALECT_DEFAULTS = {
    "return_id_request": True,
    "fetch_signature": "any",
    "change_list": "yes",
    "list_shape": "items",
    "status_case": "lower",
    "id_format": "text",
    "proof": "yes",
}
FETCH_SIGNATURES = ("any", "fresh", "start")
CHANGE_LISTS = ("yes", "404", "405", "501")
DIALECT_CHOICES = {
    "fetch_signature": FETCH_SIGNATURES,
    "change_list": CHANGE_LISTS,
    "list_shape": ("items", "data", "content"),
    "status_case": ("lower", "upper"),
    "id_format": ("text", "number"),
    "proof": ("yes", "404"),
}
_TXN_IN_PATH = re.compile(r"/transaction/([^/]+)")


class SandboxError(Exception):
    """A request the platform refuses: ``status`` and ``details`` are sent back."""

    def __init__(self, status, details):
        super().__init__(details)
        self.status = status
        self.details = details


class Store:
    def __init__(self, path, integrators=None, collaborators=None):
        self.path = str(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._add_later_columns()
        self.seed(integrators or DEFAULT_INTEGRATORS, collaborators or DEFAULT_COLLABORATORS)

    def close(self):
        with self._lock:
            self._db.close()

    def _add_later_columns(self):
        with self.transaction():
            for table, column, kind in LATER_COLUMNS:
                if column not in {r["name"] for r in self._q(f"PRAGMA table_info({table})")}:
                    self._q(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    # ---------------------------------------------------------- helpers --

    # Callers hold the lock (``with store.transaction()``): the HTTP server
    # takes it around each request, so that every request is atomic.
    def _q(self, sql, *args):
        return self._db.execute(sql, args)

    def _one(self, sql, *args):
        return self._db.execute(sql, args).fetchone()

    def transaction(self):
        """``with store.transaction():`` runs its body atomically."""
        return _Atomic(self)

    def seed(self, integrators, collaborators):
        with self.transaction():
            for shortcut, secret in integrators.items():
                self._q("INSERT OR REPLACE INTO integrator VALUES (?, ?)", shortcut, secret)
            for email, password, name, offices in collaborators:
                self._q(
                    "INSERT OR IGNORE INTO collaborator (email, password, name) VALUES (?, ?, ?)", email, password, name
                )
                cid = self._one("SELECT id FROM collaborator WHERE email = ?", email)["id"]
                for office in offices:
                    self._q("INSERT OR IGNORE INTO office (name) VALUES (?)", office)
                    oid = self._one("SELECT id FROM office WHERE name = ?", office)["id"]
                    self._q("INSERT OR IGNORE INTO membership VALUES (?, ?)", cid, oid)

    # ------------------------------------------------------------ clock --

    def now(self):
        """Milliseconds since the epoch, moved forward by the tests' clock."""
        row = self._one("SELECT value FROM meta WHERE key = 'clock_offset_ms'")
        return int(time.time() * 1000) + (int(row["value"]) if row else 0)

    def advance_clock(self, days):
        with self.transaction():
            row = self._one("SELECT value FROM meta WHERE key = 'clock_offset_ms'")
            offset = (int(row["value"]) if row else 0) + int(float(days) * DAY_MS)
            self._q("INSERT OR REPLACE INTO meta VALUES ('clock_offset_ms', ?)", str(offset))
            self._expire_due()
        return self.now()

    # -------------------------------------------------- latency, options --

    def latency(self):
        """Seconds every API call waits before it is answered (tests, benches)."""
        row = self._one("SELECT value FROM meta WHERE key = 'latency_ms'")
        return int(row["value"]) / 1000 if row else 0.0

    def page_size(self):
        row = self._one("SELECT value FROM meta WHERE key = 'page_size'")
        return int(row["value"]) if row else PAGE_SIZE

    def set_page_size(self, size):
        with self.transaction():
            self._q("INSERT OR REPLACE INTO meta VALUES ('page_size', ?)", str(max(1, int(size))))

    def set_latency(self, ms):
        with self.transaction():
            self._q("INSERT OR REPLACE INTO meta VALUES ('latency_ms', ?)", str(max(0, int(ms))))

    def dialect(self):
        """How this sandbox reads what the public material leaves open (see
        DIALECT_DEFAULTS)."""
        row = self._one("SELECT value FROM meta WHERE key = 'dialect'")
        return DIALECT_DEFAULTS | (json.loads(row["value"]) if row else {})

    def set_dialect(self, **changes):
        """Changes some of the dialect's keys; ``None`` puts a key back to its default."""
        unknown = set(changes) - set(DIALECT_DEFAULTS)
        if unknown:
            raise SandboxError(400, f"unknown dialect keys {sorted(unknown)}, use {sorted(DIALECT_DEFAULTS)}")
        if "return_id_request" in changes and not isinstance(changes["return_id_request"], bool | None):
            raise SandboxError(400, "return_id_request must be true or false")
        for key, choices in DIALECT_CHOICES.items():
            if key in changes and changes[key] not in (*choices, None):
                raise SandboxError(400, f"{key} must be one of {', '.join(choices)}")
        with self.transaction():
            dialect = self.dialect() | changes
            dialect = {k: v for k, v in dialect.items() if v is not None and v != DIALECT_DEFAULTS[k]}
            self._q("INSERT OR REPLACE INTO meta VALUES ('dialect', ?)", json.dumps(dialect))
            return self.dialect()

    def set_option(self, tid, key, value):
        """A per-transaction twist of the platform: ``answer`` (fields that the
        API reports instead of the real ones, None removing a field) or
        ``certificate_page`` (the signed PDF gets one more page).  Setting one
        counts as a change of the transaction."""
        with self.transaction():
            self.txn_by_id(tid)
            if value is None:
                self._q("DELETE FROM txn_option WHERE txn_id = ? AND key = ?", tid, key)
            else:
                self._q("INSERT OR REPLACE INTO txn_option VALUES (?, ?, ?)", tid, key, json.dumps(value))
            self._touch(tid)

    def hide_from_list(self, tid, hidden=True):
        """The change list silently leaves the transaction out (a change the
        real platform's list might miss); reading it alone still works.  Not
        a change of the transaction."""
        with self.transaction():
            self.txn_by_id(tid)
            self._q("DELETE FROM txn_option WHERE txn_id = ? AND key = 'hidden_from_list'", tid)
            if hidden:
                self._q("INSERT INTO txn_option VALUES (?, 'hidden_from_list', 'true')", tid)

    def option(self, tid, key, default=None):
        row = self._one("SELECT value FROM txn_option WHERE txn_id = ? AND key = ?", tid, key)
        return json.loads(row["value"]) if row else default

    # ----------------------------------------------------------- faults --

    def add_fault(
        self, mode, count=1, path=None, retry_after=None, seconds=None, status=None, transaction=None, details=None
    ):
        """The next ``count`` API calls whose path holds ``path`` (and that
        are about ``transaction``, when given) fail as ``mode`` says; mode
        "status" answers the HTTP ``status`` given, with ``details``."""
        if mode not in FAULT_MODES:
            raise SandboxError(400, f"unknown fault mode {mode!r}, use one of {', '.join(FAULT_MODES)}")
        if mode == "status" and not (isinstance(status, int) and not isinstance(status, bool) and 200 <= status <= 599):
            raise SandboxError(400, "a status fault needs an HTTP status between 200 and 599")
        if not isinstance(count, int) or count < 1:
            raise SandboxError(400, "count must be a positive integer")
        if transaction is not None and not isinstance(transaction, str | int):
            raise SandboxError(400, "transaction must be a transaction id")
        with self.transaction():
            self._q(
                "INSERT INTO fault (mode, remaining, path, retry_after, seconds, status, details, txn_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                mode,
                count,
                path,
                retry_after,
                seconds,
                status if mode == "status" else None,
                details,
                None if transaction is None else str(transaction),
            )

    def clear_faults(self):
        with self.transaction():
            self._q("DELETE FROM fault")

    def take_fault(self, path, download=False):
        """The fault that the API call on ``path`` must suffer, if any."""
        about = _TXN_IN_PATH.search(path)
        with self.transaction():
            for row in self._q("SELECT * FROM fault WHERE remaining > 0 ORDER BY id").fetchall():
                if row["path"] and row["path"] not in path:
                    continue
                if row["txn_id"] is not None and (not about or about[1] != row["txn_id"]):
                    continue
                if row["mode"] == "corrupt_pdf" and not download:
                    continue
                self._q("UPDATE fault SET remaining = remaining - 1 WHERE id = ?", row["id"])
                self._q("DELETE FROM fault WHERE remaining <= 0")
                return dict(row)
        return None

    # ---------------------------------------------------------- linking --

    def secret_of(self, shortcut):
        row = self._one("SELECT secret FROM integrator WHERE shortcut = ?", shortcut)
        if not row:
            raise SandboxError(400, f"unknown editor {shortcut!r}")
        return row["secret"]

    def open_link(self, shortcut, id_request, success_url, callback_url, auth_ts=None, auth_mac=None):
        """A linking attempt, with the signature (ts, HMAC) that started it."""
        with self.transaction():
            if self._one("SELECT 1 FROM link_request WHERE id_request = ?", id_request):
                raise SandboxError(400, "idRequest already used")
            self._q(
                "INSERT INTO link_request (id_request, shortcut, success_url, callback_url, created_ms, auth_ts, "
                "auth_mac) VALUES (?, ?, ?, ?, ?, ?, ?)",
                id_request,
                shortcut,
                success_url,
                callback_url,
                self.now(),
                auth_ts,
                auth_mac,
            )

    def link_request(self, id_request):
        row = self._one("SELECT * FROM link_request WHERE id_request = ?", id_request)
        if not row or self.now() - row["created_ms"] > LINK_TTL_MS:
            return None
        return dict(row)

    def approve_link(self, id_request, collaborator_id, office_id):
        with self.transaction():
            link = self.link_request(id_request)
            if not link:
                raise SandboxError(404, "this link request expired: start again from your software")
            if not self._one(
                "SELECT 1 FROM membership WHERE collaborator_id = ? AND office_id = ?", collaborator_id, office_id
            ):
                raise SandboxError(403, "this collaborator has no access to that cabinet")
            self._q(
                "UPDATE link_request SET office_id = ?, collaborator_id = ? WHERE id_request = ?",
                office_id,
                collaborator_id,
                id_request,
            )
            return link

    def approve_link_by_name(self, id_request, email, office_name):
        collaborator = self._one("SELECT id FROM collaborator WHERE email = ?", email)
        office = self._one("SELECT id FROM office WHERE name = ?", office_name)
        if not collaborator or not office:
            raise SandboxError(404, "unknown collaborator or cabinet")
        return self.approve_link(id_request, collaborator["id"], office["id"])

    def fetch_link(self, shortcut, id_request):
        """Tokens of an approved link, once; 404 when none (expired or not approved)."""
        with self.transaction():
            link = self.link_request(id_request)
            if not link or link["shortcut"] != shortcut or not link["office_id"]:
                raise SandboxError(404, "no approved link for this idRequest (login expired?)")
            self._q("DELETE FROM link_request WHERE id_request = ?", id_request)
            office_token = self._office_token(shortcut, link["office_id"])
            user_token = "usr_" + secrets.token_urlsafe(24)
            self._q(
                "INSERT INTO token (token, kind, shortcut, office_id, collaborator_id, issued_ms) "
                "VALUES (?, 'user', ?, ?, ?, ?)",
                user_token,
                shortcut,
                link["office_id"],
                link["collaborator_id"],
                self.now(),
            )
            office = self._one("SELECT name FROM office WHERE id = ?", link["office_id"])
            user = self._one("SELECT email FROM collaborator WHERE id = ?", link["collaborator_id"])
            return {
                "office": {"token": office_token, "name": office["name"]},
                "user": {"token": user_token, "email": user["email"]},
            }

    def _office_token(self, shortcut, office_id):
        row = self._one(
            "SELECT token FROM token WHERE kind = 'office' AND shortcut = ? AND office_id = ? AND revoked = 0",
            shortcut,
            office_id,
        )
        if row:
            return row["token"]
        token = "off_" + secrets.token_urlsafe(24)
        self._q(
            "INSERT INTO token (token, kind, shortcut, office_id, issued_ms) VALUES (?, 'office', ?, ?, ?)",
            token,
            shortcut,
            office_id,
            self.now(),
        )
        return token

    def authenticate(self, shortcut, office_token, user_token):
        """(office_id, collaborator_id) of valid tokens, else a 403."""
        office = self._one(
            "SELECT * FROM token WHERE token = ? AND kind = 'office' AND shortcut = ?", office_token or "", shortcut
        )
        user = self._one(
            "SELECT * FROM token WHERE token = ? AND kind = 'user' AND shortcut = ?", user_token or "", shortcut
        )
        if not office or not user or office["revoked"] or user["revoked"] or office["office_id"] != user["office_id"]:
            raise SandboxError(403, "tokens expired or revoked")
        if self.now() - user["issued_ms"] > USER_TOKEN_TTL_MS:
            raise SandboxError(403, "user token expired")
        return office["office_id"], user["collaborator_id"]

    def revoke_tokens(self, office_name=None, email=None):
        """Revokes the tokens of a cabinet, or of a collaborator (all when neither)."""
        with self.transaction():
            sql, args = "UPDATE token SET revoked = 1 WHERE 1 = 1", []
            if office_name:
                sql += " AND office_id = (SELECT id FROM office WHERE name = ?)"
                args.append(office_name)
            if email:
                sql += " AND kind = 'user' AND collaborator_id = (SELECT id FROM collaborator WHERE email = ?)"
                args.append(email)
            return self._q(sql, *args).rowcount

    # --------------------------------------------------------- web login --

    def login(self, email, password):
        row = self._one("SELECT * FROM collaborator WHERE email = ?", (email or "").strip().lower())
        if not row or not secrets.compare_digest(row["password"], password or ""):
            return None
        session = secrets.token_urlsafe(24)
        with self.transaction():
            self._q("INSERT INTO web_session VALUES (?, ?)", session, row["id"])
        return session

    def collaborator_of_session(self, session):
        row = self._one(
            "SELECT c.* FROM web_session s JOIN collaborator c ON c.id = s.collaborator_id WHERE s.token = ?",
            session or "",
        )
        return dict(row) if row else None

    def offices_of(self, collaborator_id):
        rows = self._q(
            "SELECT o.* FROM office o JOIN membership m ON m.office_id = o.id "
            "WHERE m.collaborator_id = ? ORDER BY o.name",
            collaborator_id,
        )
        return [dict(r) for r in rows]

    def office_name(self, office_id):
        return self._one("SELECT name FROM office WHERE id = ?", office_id)["name"]

    def collaborators(self):
        rows = self._q("SELECT * FROM collaborator ORDER BY id").fetchall()
        return [dict(r, offices=[o["name"] for o in self.offices_of(r["id"])]) for r in rows]

    # ----------------------------------------------------- transactions --

    def create_transaction(self, shortcut, office_id, collaborator_id, data):
        # The "number" dialect's ids are digits (12, never a leading zero),
        # which the API writes as JSON numbers.
        number = self.dialect()["id_format"] == "number"
        tid = str(10**11 + secrets.randbelow(9 * 10**11)) if number else secrets.token_hex(8)
        now = self.now()
        with self.transaction():
            self._q(
                "INSERT INTO txn (id, shortcut, office_id, created_by, data, status, created_ms, updated_ms) "
                "VALUES (?, ?, ?, ?, ?, 'draft', ?, ?)",
                tid,
                shortcut,
                office_id,
                collaborator_id,
                json.dumps(data),
                now,
                now,
            )
        return tid

    def get_txn(self, shortcut, office_id, tid):
        self._expire_due()
        row = self._one("SELECT * FROM txn WHERE id = ? AND shortcut = ? AND office_id = ?", tid, shortcut, office_id)
        if not row:
            raise SandboxError(404, "no such transaction")
        return row

    def txn_by_id(self, tid):
        self._expire_due()
        row = self._one("SELECT * FROM txn WHERE id = ?", tid)
        if not row:
            raise SandboxError(404, "no such transaction")
        return row

    def _touch(self, tid, status=None, **cols):
        sets, args = ["updated_ms = ?"], [self.now()]
        if status:
            sets.append("status = ?")
            args.append(status)
        for col, value in cols.items():
            sets.append(f"{col} = ?")
            args.append(value)
        self._q(f"UPDATE txn SET {', '.join(sets)} WHERE id = ?", *args, tid)

    def _require_draft(self, row):
        if row["status"] not in DRAFT_STATUSES:
            raise SandboxError(400, f"the transaction is {row['status']}, no longer a draft")

    def put_document(self, row, order, filename, content, sign_fields):
        with self.transaction():
            self._require_draft(row)
            self._q(
                "INSERT OR REPLACE INTO document (txn_id, ord, filename, content, sign_fields) VALUES (?, ?, ?, ?, ?)",
                row["id"],
                order,
                filename,
                content,
                json.dumps(sign_fields),
            )
            self._touch(row["id"])

    def add_signatory(self, row, sig):
        with self.transaction():
            self._require_draft(row)
            if self._one("SELECT 1 FROM signatory WHERE txn_id = ? AND level = ?", row["id"], sig["level"]):
                raise SandboxError(400, f"a signatory of level {sig['level']} already exists")
            if self._one(
                "SELECT 1 FROM signatory WHERE txn_id = ? AND lower(email) = lower(?)", row["id"], sig["email"]
            ):
                raise SandboxError(400, f"the e-mail {sig['email']} already signs this transaction")
            self._q(
                "INSERT INTO signatory (txn_id, level, name, email, phone, positions, status) "
                "VALUES (?, ?, ?, ?, ?, ?, 'waiting')",
                row["id"],
                sig["level"],
                sig["name"],
                sig["email"],
                sig.get("phone"),
                json.dumps(sig["positions"]),
            )
            self._touch(row["id"])

    def documents(self, tid):
        return [dict(r) for r in self._q("SELECT * FROM document WHERE txn_id = ? ORDER BY ord", tid)]

    def signatories(self, tid):
        return [dict(r) for r in self._q("SELECT * FROM signatory WHERE txn_id = ? ORDER BY level", tid)]

    def set_draft(self, row):
        with self.transaction():
            self._require_draft(row)
            self._touch(row["id"], "draft")

    def prepare(self, row):
        with self.transaction():
            self._require_draft(row)
            self._touch(row["id"], "prepared")

    def send(self, row):
        """Sends the invitations: the first signer (sequential) or all (parallel)."""
        with self.transaction():
            self._require_draft(row)
            if not self.documents(row["id"]):
                raise SandboxError(400, "the transaction has no document")
            signers = self.signatories(row["id"])
            if not signers:
                raise SandboxError(400, "the transaction has no signatory")
            parallel = json.loads(row["data"]).get("invitationMode") == "parallel"
            for n, signer in enumerate(signers):
                if parallel or n == 0:
                    self._q(
                        "UPDATE signatory SET status = 'invited' WHERE txn_id = ? AND level = ?",
                        row["id"],
                        signer["level"],
                    )
            now = self.now()
            self._touch(row["id"], "sent", sent_ms=now)

    def delete(self, row):
        """Deletes a draft, or a draft that was cancelled before it was ever sent."""
        with self.transaction():
            if not (row["status"] == "cancelled" and not row["sent_ms"]):
                self._require_draft(row)
            for table in ("document", "signatory"):
                self._q(f"DELETE FROM {table} WHERE txn_id = ?", row["id"])
            self._q("DELETE FROM txn WHERE id = ?", row["id"])

    def cancel(self, row):
        """Cancels a collection not yet ended: nobody can sign it any more.
        Cancelling it again changes nothing."""
        with self.transaction():
            if row["status"] == "cancelled":
                return
            if row["status"] not in ("draft", "prepared", "sent"):
                raise SandboxError(400, f"the transaction is {row['status']}, it can no longer be cancelled")
            self._touch(row["id"], "cancelled", closed_ms=self.now())

    def sign(self, tid, level):
        with self.transaction():
            self._invited_signer(tid, level)
            now = self.now()
            self._q(
                "UPDATE signatory SET status = 'signed', signed_ms = ? WHERE txn_id = ? AND level = ?", now, tid, level
            )
            waiting = [s for s in self.signatories(tid) if s["status"] == "waiting"]
            if waiting:
                self._q(
                    "UPDATE signatory SET status = 'invited' WHERE txn_id = ? AND level = ?", tid, waiting[0]["level"]
                )
                self._touch(tid)
            elif all(s["status"] == "signed" for s in self.signatories(tid)):
                self._touch(tid, "signed", closed_ms=now)
            else:
                self._touch(tid)

    def refuse(self, tid, level):
        with self.transaction():
            self._invited_signer(tid, level)
            now = self.now()
            self._q(
                "UPDATE signatory SET status = 'refused', refused_ms = ? WHERE txn_id = ? AND level = ?",
                now,
                tid,
                level,
            )
            self._touch(tid, "refused", closed_ms=now)

    def _invited_signer(self, tid, level):
        """The signatory ``level`` of a sent transaction, who must be invited."""
        row = self.txn_by_id(tid)
        if row["status"] != "sent":
            raise SandboxError(400, f"the transaction is {row['status']}, not sent")
        signer = self._one("SELECT * FROM signatory WHERE txn_id = ? AND level = ?", tid, int(level))
        if not signer:
            raise SandboxError(404, f"no signatory {level}")
        if signer["status"] != "invited":
            raise SandboxError(400, f"signatory {level} is {signer['status']}, not invited")
        return signer

    def _expire_due(self):
        """Sent transactions expire 15 days after they were sent."""
        now = self.now()
        due = self._q("SELECT id FROM txn WHERE status = 'sent' AND sent_ms <= ?", now - EXPIRY_MS).fetchall()
        for row in due:
            self._touch(row["id"], "expired", closed_ms=now)

    def changed_since(self, shortcut, office_id, since, after_id=None):
        """One page of the transactions changed after the position (``since``,
        ``after_id``), ordered by (updated_ms, id): keyset paging, so that a
        change between two pages moves a transaction later, never out."""
        self._expire_due()
        page_size = self.page_size()
        rows = self._q(
            "SELECT * FROM txn WHERE shortcut = ? AND office_id = ? "
            "AND (updated_ms > ? OR (updated_ms = ? AND id > ?)) "
            "AND id NOT IN (SELECT txn_id FROM txn_option WHERE key = 'hidden_from_list') "
            "ORDER BY updated_ms, id LIMIT ?",
            shortcut,
            office_id,
            int(since),
            int(since),
            after_id if after_id is not None else "\uffff",
            page_size + 1,
        ).fetchall()
        return rows[:page_size], len(rows) > page_size

    def signed_document(self, row, order):
        """The signed PDF of a signed transaction, made once from the original."""
        from .pdf import sign_pdf

        if row["status"] != "signed":
            raise SandboxError(400, f"the transaction is {row['status']}, not signed")
        doc = self._one("SELECT * FROM document WHERE txn_id = ? AND ord = ?", row["id"], order)
        if not doc:
            raise SandboxError(404, f"no document {order}")
        if doc["signed"]:
            return doc["filename"], doc["signed"]
        fields = {f["order"]: f for f in json.loads(doc["sign_fields"])}
        marks = []
        for signer in self.signatories(row["id"]):
            for pos in json.loads(signer["positions"]) or [None]:
                spot = fields.get(pos, {"page": -1, "positionX": 40, "positionY": 40})
                marks.append(
                    {
                        "name": signer["name"],
                        "email": signer["email"],
                        "signed_at": signer["signed_ms"],
                        "page": spot["page"],
                        "x": spot["positionX"],
                        "y": spot["positionY"],
                    }
                )
        signed = sign_pdf(doc["content"], marks, certificate_page=bool(self.option(row["id"], "certificate_page")))
        with self.transaction():
            self._q("UPDATE document SET signed = ? WHERE txn_id = ? AND ord = ?", signed, row["id"], order)
        return doc["filename"], signed

    def proof(self, row):
        from .pdf import proof_file

        _filename, signed = self.signed_document(row, 1)
        signers = [
            {"level": s["level"], "name": s["name"], "email": s["email"], "signedAt": s["signed_ms"]}
            for s in self.signatories(row["id"])
        ]
        info = {"id": row["id"], "object": json.loads(row["data"])["object"], "closedAt": row["closed_ms"]}
        return proof_file(info, signers, hashlib.sha256(signed).hexdigest())


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
