# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The client: one object per (platform, integrator, tokens), and the calls
on collections ("transactions"): make one, fill it, read it, follow the
change list, take its signed document home, cancel or delete it.

Each call says whether it is KNOWN (seen in public material) or ASSUMED (not
public: our local sandbox plays it the same way, and the platform check
tells whether the real platform does).  The linking calls are in
``linking.py``, the HTTP plumbing in ``transport.py``.
"""

import json
import logging
import re
from urllib.parse import quote

from .changes import CHANGE_LIST, read_page
from .errors import ABSENT_STATUSES, JseApiError, JseNotFound, JseResponseError
from .linking import LinkingMixin
from .transport import Transport
from .validation import PDF_MAX_BYTES, check_pdf, check_signatory, check_transaction
from .vocabulary import Transaction, transaction_id

_logger = logging.getLogger(__name__)

# Default base URLs of the two environments of the platform; each is a
# setting (system parameter), and any other base URL, such as the local
# sandbox's, can be given instead.  KNOWN: public integration code uses the
# pre-production host below.  ASSUMED: the production host.
ENVIRONMENTS = {
    "production": "https://www.jesignexpert.com",
    "preproduction": "https://ecma-preprod.reeliant.net",
}


class JseClient(LinkingMixin, Transport):
    """The jesignexpert.com "editor" API.  Every call has a timeout, retries
    what may be retried and stops at the ``deadline`` (see ``Transport``);
    the integrator ``secret`` signs the linking calls (see ``LinkingMixin``)."""

    def __init__(self, base_url, shortcut, secret="", office_token="", user_token="", **options):
        super().__init__(base_url, shortcut, office_token, user_token, **options)
        self._secret = secret or ""

    def __repr__(self):
        return f"<JseClient {self.base_url} {self.shortcut}>"

    def _tx(self, transaction_id=None, action=None):
        path = f"/editor/{self.shortcut}/transaction"
        if transaction_id is not None:
            path += "/" + quote(str(transaction_id), safe="")
        if action:
            path += f"/{action}"
        return path

    # ----------------------------------------------------- making one --

    def create_transaction(
        self,
        title,
        message,
        mail_sender,
        mail_subject,
        invitation_mode="sequential",
        locked=False,
        handwritten=False,
    ):
        """KNOWN: creates a transaction; returns its id (ASSUMED format: see
        ``vocabulary.transaction_id``)."""
        title, message, mail_sender, mail_subject = check_transaction(
            title, message, mail_sender, mail_subject, invitation_mode
        )
        body = {
            "object": title,
            "message": message,
            "mailSender": mail_sender,
            "mailSubject": mail_subject,
            "notification": "ALL",
            "locked": bool(locked),
            "invitationMode": invitation_mode,
            "signatureRequirementMode": "ALL",
            "isHandwrittenSignatureActive": bool(handwritten),
        }
        data = self._call("POST", self._tx(), "transaction.create", json=body)
        tid = transaction_id(data.get("id")) if isinstance(data, dict) else None
        if tid is None:
            raise JseResponseError("jesignexpert.com sent no transaction id", endpoint="transaction.create")
        return tid

    def upload_file(self, transaction_id, order, content, filename, sign_fields):
        """KNOWN: uploads a PDF (multipart ``file``) with its ``SignFields``."""
        check_pdf(content, filename)
        fields = [f.to_json() for f in sign_fields]
        files = {
            "file": (filename, content, "application/pdf"),
            "SignFields": (None, json.dumps(fields), "application/json"),
        }
        self._call(
            "PUT",
            self._tx(transaction_id, f"uploadFile/{int(order)}"),
            "transaction.upload",
            files=files,
            idempotent=True,  # PUT replaces the document of that order
            timeout=self.transfer_timeout,
        )

    def add_signatory(self, transaction_id, name, email, level, positions, phone=""):
        """KNOWN: adds a signer; ``level`` is its rank.  ASSUMED: ``phone``."""
        name, email, phone = check_signatory(name, email, phone)
        body = {"name": name, "email": email, "level": int(level), "positions": [int(p) for p in positions]}
        if phone:
            body["phone"] = phone
        self._call("POST", self._tx(transaction_id, "signatory"), "transaction.signatory", json=body)

    def save_draft(self, transaction_id):
        """KNOWN: leaves the transaction as a draft to finish on jesignexpert.com.

        Returns the draft's page URL when the answer gives one (ASSUMED
        ``url``), else ""."""
        data = self._call("POST", self._tx(transaction_id, "draft"), "transaction.draft")
        url = data.get("url") if isinstance(data, dict) else None
        return url if isinstance(url, str) and re.match(r"^https?://", url) else ""

    def send(self, transaction_id):
        """KNOWN: sends the transaction to its signers."""
        self._call("POST", self._tx(transaction_id, "send"), "transaction.send")

    # ----------------------------------------------------- reading one --

    def get_transaction(self, transaction_id):
        """ASSUMED: one transaction, with its page ``url`` and statuses."""
        return Transaction.from_json(self.get_transaction_answer(transaction_id))

    def get_transaction_answer(self, transaction_id):
        """The JSON of ``get_transaction`` as it came (the platform check reads
        the id's format and the statuses' case in it)."""
        return self._call("GET", self._tx(transaction_id), "transaction.get", idempotent=True)

    def list_changes(self, updated_since, after_id=None, continuation=None):
        """ASSUMED: one page of the transactions changed since a position,
        oldest first, ordered by (``updatedAt``, ``id``) (read by
        ``changes.read_page``).

        Keyset paging: a page asks for what comes after the last (stamp, id)
        taken, so that a transaction changing while the pages are read moves
        to a later page instead of making another one slip between two pages.
        When the platform gives an opaque ``next`` continuation, it is used
        instead.  Items that cannot be read are reported in ``problems``;
        the others are returned."""
        params = {"updatedSince": int(updated_since)}
        if after_id:
            params["afterId"] = str(after_id)
        if continuation:
            params["continuation"] = continuation
        return read_page(self._call("GET", self._tx(), CHANGE_LIST, params=params, idempotent=True))

    def iter_change_pages(self, updated_since, after_id=None, max_pages=1000):
        """Every page of the change list from a position, one after the other.
        Raises JseResponseError when the pages do not move forward."""
        position, continuation = (int(updated_since), after_id or ""), None
        for _page in range(max_pages):
            page = self.list_changes(position[0], position[1], continuation)
            yield page
            if not page.has_more:
                return
            if page.continuation:
                continuation = page.continuation
            elif page.position is None or page.position <= position:
                raise JseResponseError("jesignexpert.com's change list does not move forward", endpoint=CHANGE_LIST)
            position = page.position or position
        raise JseResponseError("jesignexpert.com keeps sending pages", endpoint=CHANGE_LIST)

    # ------------------------------------------- taking its files home --

    def download_document(self, transaction_id, order, out, max_bytes=PDF_MAX_BYTES * 2):
        """ASSUMED: streams the signed PDF into the binary file ``out``.

        Returns a ``Download`` (size, SHA-256); refused past ``max_bytes``
        (ours: twice the largest PDF the platform takes, for what signing
        adds to it; a proof file, five times).  The client holds one chunk
        at a time: whether the whole file ends up in memory is ``out``'s
        choice (a ``BytesIO`` holds it all, a spooled file at most its ``max_size``).
        When it raises, ``out`` may hold part of the file: discard it and
        download again.
        """
        path = self._tx(transaction_id, f"document/{int(order)}")
        return self._download(path, "transaction.document", out, max_bytes, accept="application/pdf, */*")

    def download_proof(self, transaction_id, out, max_bytes=PDF_MAX_BYTES * 5):
        """ASSUMED: streams the proof file into ``out`` (as ``download_document``)."""
        return self._download(self._tx(transaction_id, "proof"), "transaction.proof", out, max_bytes, accept="*/*")

    def download_proof_if_any(self, transaction_id, out, max_bytes=PDF_MAX_BYTES * 5):
        """The proof file into ``out``, or None when the platform has no such
        call (ASSUMED: 404, 405 or 501 on the proof of a transaction whose
        signed document was just downloaded means the call does not exist;
        the signed document then comes home without its proof)."""
        try:
            return self.download_proof(transaction_id, out, max_bytes)
        except JseApiError as error:
            if error.status in ABSENT_STATUSES:
                _logger.info(
                    "jesignexpert.com has no proof call (HTTP %s): the signed document comes alone", error.status
                )
                return None
            raise

    # --------------------------------------------------- ending one --

    def cancel_transaction(self, transaction_id):
        """ASSUMED: cancels a transaction that is not over (draft or sent): its
        signers can no longer sign.  Cancelling it twice changes nothing, so
        the call is retried like an idempotent one."""
        self._call("POST", self._tx(transaction_id, "cancel"), "transaction.cancel", idempotent=True)

    def delete_transaction(self, transaction_id):
        """ASSUMED: deletes a draft.  Deleting one already gone is not an error."""
        try:
            self._call("DELETE", self._tx(transaction_id), "transaction.delete", idempotent=True)
        except JseNotFound:
            return False
        return True
