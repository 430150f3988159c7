"""The platform check: which of the client's ASSUMED calls hold on the
jesignexpert.com the connector talks to.

``run(client)`` makes a throw-away draft (a one-page blank PDF, one signer at
an address that cannot receive mail; it is never sent), reads it, looks for it
in the change list, downloads its document and proof (a draft may refuse
both: what came back is reported), cancels it and deletes it.  The draft is
deleted whatever happens on the way (``finally``), and the check says when it
could not be.

Each assumption gets a ``Finding``: its ``verdict`` (holds, differs, absent,
or untested when an earlier step did not let it be tried), a ``code`` saying
why, and ``value``, what came back (never a token nor the secret).  Wording
them for a person is the caller's business (Odoo translates the codes).

This module imports nothing from Odoo.
"""

import io
import logging
import time
from dataclasses import dataclass

from pypdf import PdfWriter

from .documents import SignField
from .errors import ABSENT_STATUSES, JseError, JseNotFound, JseRequestRefused, JseResponseError
from .vocabulary import DRAFT_STATUSES, TRANSACTION_STATUSES, Transaction

_logger = logging.getLogger(__name__)

HOLDS, DIFFERS, ABSENT, UNTESTED = "holds", "differs", "absent", "untested"
# The assumptions checked, in the order they are reported.
ASSUMPTIONS = (
    "signatory.phone",
    "draft.url",
    "transaction.get",
    "id_format",
    "status_case",
    "transaction.list",
    "transaction.document",
    "transaction.proof",
    "transaction.cancel",
    "transaction.delete",
)
TITLE = "Odoo platform check (never sent)"
SIGNER = ("Odoo platform check", "platform-check@example.invalid", "+33600000000")
MAX_LIST_PAGES = 20
VALUE_MAX = 200


@dataclass(frozen=True)
class Finding:
    key: str
    verdict: str
    code: str
    value: str = ""


@dataclass(frozen=True)
class Report:
    """What the check found: one Finding per assumption, the throw-away
    transaction's id, and whether it is still on the platform."""

    findings: tuple
    transaction_id: str = ""
    left_behind: bool = False

    def finding(self, key):
        return next((f for f in self.findings if f.key == key), None)

    @property
    def strategy(self):
        """How the sync should find news: "sweep" (the daily check alone)
        when the change list does not exist, else "list"."""
        listing = self.finding("transaction.list")
        return "sweep" if listing and listing.verdict == ABSENT else "list"

    def count(self, verdict):
        return sum(1 for f in self.findings if f.verdict == verdict)


def tiny_pdf():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class _Check:
    def __init__(self, client):
        self.client = client
        self.findings = {}
        # Never report a secret, even if the platform echoed one.
        self._hidden = [v for v in (client._office_token, client._user_token, client._secret) if v]

    def _clean(self, text):
        text = str(text)
        for hidden in self._hidden:
            text = text.replace(hidden, "***")
        return text[:VALUE_MAX]

    def set(self, key, verdict, code, value=""):
        self.findings[key] = Finding(key, verdict, code, self._clean(value))

    def failed(self, key, error, refused_holds=False):
        """Classifies an error of the call behind ``key``: absent (404, 405,
        501), refused (400, 409: the call exists; holds when a refusal is a
        legitimate answer), or differs."""
        status = getattr(error, "status", None)
        what = f"HTTP {status}: {error}" if status else str(error)
        if isinstance(error, JseRequestRefused):
            what = f"HTTP {status}: {error.details}"
        if status in ABSENT_STATUSES:
            self.set(key, ABSENT, "http", what)
        elif refused_holds and status in (400, 409, 412, 422):
            self.set(key, HOLDS, "refused", what)
        else:
            self.set(key, DIFFERS, "error", what)

    # ------------------------------------------------------------ steps --

    def make_draft(self):
        client = self.client
        tid = client.create_transaction(TITLE, "", "Odoo", TITLE)
        return tid

    def fill_draft(self, tid):
        client = self.client
        client.upload_file(tid, 1, tiny_pdf(), "platform-check.pdf", [SignField(1, -1, 60, 650)])
        name, email, phone = SIGNER
        try:
            client.add_signatory(tid, name, email, 1, [1], phone=phone)
        except JseRequestRefused as error:
            self.set("signatory.phone", DIFFERS, "refused", f"HTTP {error.status}: {error.details}")
            client.add_signatory(tid, name, email, 1, [1])
        else:
            self.set("signatory.phone", HOLDS, "accepted")
        url = client.save_draft(tid)
        self.set("draft.url", HOLDS, "url") if url else self.set("draft.url", DIFFERS, "none")

    def read_back(self, tid):
        try:
            data = self.client.get_transaction_answer(tid)
            transaction = Transaction.from_json(data)
        except JseError as error:
            self.failed("transaction.get", error)
            return None
        raw_id, reported = data.get("id"), transaction.reported_status
        if isinstance(raw_id, str):
            self.set("id_format", HOLDS, "text", raw_id)
        else:
            self.set("id_format", DIFFERS, "number", raw_id)
        if transaction.id != tid:
            self.set("id_format", DIFFERS, "other_id", f"{tid} -> {transaction.id}")
        if reported in TRANSACTION_STATUSES:
            self.set("status_case", HOLDS, "lower", reported)
        elif transaction.status:
            self.set("status_case", DIFFERS, "other_case", reported)
        else:
            self.set("status_case", DIFFERS, "unknown", reported)
        if transaction.status not in DRAFT_STATUSES:
            self.set("transaction.get", DIFFERS, "status", reported)
        elif transaction.problems:
            odd = "; ".join(f"{p.code} {p.value}".strip() for p in transaction.problems)
            self.set("transaction.get", DIFFERS, "odd", odd)
        else:
            self.set("transaction.get", HOLDS, "ok")
        if self.findings["draft.url"].verdict != HOLDS and transaction.url:
            self.set("draft.url", HOLDS, "url")
        return transaction

    def list_changes(self, tid, transaction, started_ms):
        # From a minute before the draft's own stamp (the platform's clock),
        # else before the check began (ours).
        since = max(0, ((transaction and transaction.updated_at) or started_ms) - 60 * 1000)
        shape = "items"
        try:
            for page in self.client.iter_change_pages(since, max_pages=MAX_LIST_PAGES):
                shape = page.shape
                if any(t.id == tid for t in page.transactions):
                    break
            else:
                self.set("transaction.list", DIFFERS, "missing", shape)
                return
        except JseResponseError as error:
            self.set("transaction.list", DIFFERS, "unreadable", str(error))
            return
        except JseError as error:
            self.failed("transaction.list", error)
            return
        if shape == "items":
            self.set("transaction.list", HOLDS, "items")
        else:
            self.set("transaction.list", DIFFERS, "shape", shape)

    def download(self, key, call):
        try:
            result = call(io.BytesIO())
        except JseError as error:
            self.failed(key, error, refused_holds=True)
        else:
            self.set(key, HOLDS, "file", f"{result.size} bytes, {result.content_type or '?'}")

    def cancel(self, tid):
        try:
            self.client.cancel_transaction(tid)
        except JseError as error:
            self.failed("transaction.cancel", error)
            return
        try:
            after = self.client.get_transaction(tid)
        except JseError as error:
            self.set("transaction.cancel", UNTESTED, "unread", str(error))
            return
        if after.status == "cancelled":
            self.set("transaction.cancel", HOLDS, "cancelled")
        else:
            self.set("transaction.cancel", DIFFERS, "status", after.reported_status)

    def delete(self, tid):
        """Deletes the draft; when that is refused, cancels it and tries
        again.  Returns whether it is gone."""
        client = self.client
        deleted = False
        try:
            client.delete_transaction(tid)
            deleted = True
        except JseError as error:
            self.failed("transaction.delete", error)
            try:
                client.cancel_transaction(tid)
                client.delete_transaction(tid)
                deleted = True
            except JseError as again:
                _logger.info("platform check: the throw-away draft could not be deleted (%s)", again)
        try:
            client.get_transaction_answer(tid)
        except JseNotFound:
            if deleted and "transaction.delete" not in self.findings:
                self.set("transaction.delete", HOLDS, "deleted")
            return deleted
        except JseError:
            return deleted
        if deleted or "transaction.delete" not in self.findings:  # said to be gone, yet still there
            self.set("transaction.delete", DIFFERS, "still_there", tid)
        return False


def run(client):
    """Runs the check with a linked ``client``; returns a ``Report``.

    Raises JseAuthError when jesignexpert.com refuses the client's tokens
    before anything was made, and the JseError of the draft's creation (then
    nothing was made)."""
    check = _Check(client)
    started_ms = int(time.time() * 1000)
    tid = check.make_draft()
    gone = False
    try:
        check.fill_draft(tid)
        transaction = check.read_back(tid)
        check.list_changes(tid, transaction, started_ms)
        check.download("transaction.document", lambda out: client.download_document(tid, 1, out))
        check.download("transaction.proof", lambda out: client.download_proof(tid, out))
        check.cancel(tid)
    except JseError as error:
        check.set("transaction.check", DIFFERS, "stopped", str(error))
    finally:
        gone = check.delete(tid)
    findings = [check.findings.get(key) or Finding(key, UNTESTED, "not_reached") for key in ASSUMPTIONS]
    if "transaction.check" in check.findings:
        findings.append(check.findings["transaction.check"])
    return Report(findings=tuple(findings), transaction_id=tid, left_behind=not gone)
