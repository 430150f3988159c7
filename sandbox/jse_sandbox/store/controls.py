"""What tests and demos set on the platform through the control API: the
latency of every API call, the change list's page size, the dialect, a
twist of one transaction, and the faults that the next API calls suffer."""

import json
import re

from .database import SandboxError

PAGE_SIZE = 100
# The dialect: how the sandbox reads what the public material leaves open
# (jse-api-facts.md).  The defaults are its own ASSUMED reading, the other
# choices readings the connector must bear as well (README.md, "Dialect"):
# ``return_id_request`` (idRequest appended to success_url, or not),
# ``fetch_signature`` (the tokens' fetch signed anew, "fresh", with the start's
# own ts and HMAC, "start", or either, "any"), ``change_list`` (there, "yes",
# or answering 404, 405 or 501), ``list_shape`` (the change list's items under
# "items", "data", or a Spring page's "content"), ``status_case`` ("lower" or
# "upper"), ``id_format`` (ids as JSON "text" or "number"), ``proof`` (the
# proof call there, "yes", or answering "404").
DIALECT_DEFAULTS = {
    "return_id_request": True,
    "fetch_signature": "any",
    "change_list": "yes",
    "list_shape": "items",
    "status_case": "lower",
    "id_format": "text",
    "proof": "yes",
}
DIALECT_CHOICES = {
    "fetch_signature": ("any", "fresh", "start"),
    "change_list": ("yes", "404", "405", "501"),
    "list_shape": ("items", "data", "content"),
    "status_case": ("lower", "upper"),
    "id_format": ("text", "number"),
    "proof": ("yes", "404"),
}
# "status" answers any HTTP status (``status``); the others are shortcuts of
# the commonest faults.
FAULT_MODES = ("500", "429", "timeout", "403", "corrupt_pdf", "status")
_TXN_IN_PATH = re.compile(r"/transaction/([^/]+)")


class Controls:
    # ------------------------------------------------- latency, page size --

    def latency(self):
        """Seconds every API call waits before it is answered (tests, benches)."""
        return int(self._meta("latency_ms") or 0) / 1000

    def set_latency(self, ms):
        self._set_meta("latency_ms", max(0, int(ms)))

    def page_size(self):
        return int(self._meta("page_size") or PAGE_SIZE)

    def set_page_size(self, size):
        self._set_meta("page_size", max(1, int(size)))

    # ---------------------------------------------------------- dialect --

    def dialect(self):
        """How this sandbox reads what the public material leaves open (see DIALECT_DEFAULTS)."""
        return DIALECT_DEFAULTS | json.loads(self._meta("dialect") or "{}")

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
            self._set_meta(
                "dialect", json.dumps({k: v for k, v in dialect.items() if v is not None and v != DIALECT_DEFAULTS[k]})
            )
            return self.dialect()

    # ------------------------------------------------ one transaction's --

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
