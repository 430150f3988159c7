# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Making a draft collection on jesignexpert.com, once per confirmation.

Odoo replays a request that met a serialization failure: everything the
request wrote in its database transaction is undone, but not what it made on
jesignexpert.com.  So each draft is journaled, as soon as jesignexpert.com
gives its id, on a database connection of its own that commits at once: the
replay finds the draft its first try made and takes it instead of making a
second one.  A draft is journaled with the fingerprint of what it holds (its
e-mail, document, fields and signers): a confirmation taken again after the
user changed any of it makes a new draft, and the stale one is deleted.  A
journaled draft is forgotten only once jesignexpert.com deleted it (or a
collection took it): one that no collection took and that could not be
deleted is deleted by the daily check.
"""

import hashlib
import json
import logging
from contextlib import contextmanager
from dataclasses import asdict
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models, sql_db

from .. import jse

_logger = logging.getLogger(__name__)

# A journaled draft that no collection took after this long is an orphan.
ORPHAN_AFTER = timedelta(hours=1)


def delete_quietly(client, tid):
    """Deletes a draft after a failure, which stays the error to report.
    Returns whether it is gone from jesignexpert.com."""
    try:
        client.delete_transaction(tid)
    except jse.JseNotFound:
        return True
    except jse.JseError:
        _logger.warning("jesignexpert.com draft %s could not be deleted after a failure", tid)
        return False
    return True


def request_fingerprint(request):
    """The SHA-256 of everything a draft holds: the request's title,
    e-mail, invitation mode, document, fields and signers.  The document is
    its bytes, or its ``document_key`` when it has one (a document rendered
    anew at each try, whose bytes hold the time it was rendered)."""
    content = {key: value for key, value in request.items() if key not in ("pdf", "document_key")}
    content["pdf"] = request.get("document_key") or hashlib.sha256(request["pdf"] or b"").hexdigest()
    content["fields"] = [asdict(field) for field in request["fields"]]
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


class JesignexpertDraft(models.Model):
    _name = "jesignexpert.draft"
    _description = "Draft being made on jesignexpert.com"

    # Plain integers, no foreign keys: rows are written on a connection of
    # their own while the request may hold locks on the wizard or the cabinet.
    wizard_ref = fields.Integer("Wizard", required=True, index=True)
    # What asked for the draft: a wizard, or a line of a bulk sending.
    wizard_model = fields.Char("Asked by", required=True, default="jesignexpert.collection.wizard")
    firm_ref = fields.Integer("Cabinet", required=True)
    jse_id = fields.Char("jesignexpert.com id", required=True)
    # What the draft holds (see request_fingerprint): a draft is taken again
    # only by a confirmation that asks for the very same.
    request_sha = fields.Char("Fingerprint of the request")

    @contextmanager
    def _outside(self):
        """This model on a connection of its own, committed on leaving: what
        it writes survives a rollback (and a replay) of the request."""
        with sql_db.db_connect(self.env.cr.dbname).cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})[self._name]

    # ------------------------------------------------------------ making --

    @api.model
    def _make(self, wizard, firm, access, request):
        """The draft of ``wizard``'s confirmation (a wizard, or a line of a
        bulk sending): the one a previous try of this very confirmation made,
        when complete, else a new one.  Returns (transaction id, page URL)."""
        with firm._client(access) as client:
            fingerprint = request_fingerprint(request)
            found = self._previous_draft(client, wizard, len(request["signers"]), fingerprint)
            if found:
                return found
            return self._create_draft(client, wizard, firm, request, fingerprint)

    @api.model
    def _previous_draft(self, client, wizard, signers, fingerprint):
        """(id, URL) of the draft an earlier try of this very confirmation
        made, if it is complete and holds what is asked now; any other is
        deleted (forgotten once jesignexpert.com deleted it)."""
        with self._outside() as journal:
            lines = journal.search([("wizard_ref", "=", wizard.id), ("wizard_model", "=", wizard._name)])
            journaled = [(line.jse_id, line.request_sha) for line in lines]
        found = None
        for tid, sha in journaled:
            try:
                transaction = client.get_transaction(tid)
            except jse.JseNotFound:
                transaction = None
            complete = (
                transaction
                and sha == fingerprint
                and transaction.status in jse.DRAFT_STATUSES
                and transaction.documents
                and len(transaction.signatories) == signers
            )
            if complete and not found:
                found = (tid, transaction.url)
                continue
            if not transaction or delete_quietly(client, tid):
                self._forget(tid)
        return found

    @api.model
    def _create_draft(self, client, wizard, firm, request, fingerprint=None):
        """Transaction, document with one signature field per signer, signers
        in order, draft.  If a step fails, the transaction is deleted."""
        tid = client.create_transaction(
            request["title"],
            request["message"],
            request["mail_sender"],
            request["mail_subject"],
            invitation_mode=request["invitation_mode"],
        )
        with self._outside() as journal:
            journal.create(
                {
                    "wizard_ref": wizard.id,
                    "wizard_model": wizard._name,
                    "firm_ref": firm.id,
                    "jse_id": tid,
                    "request_sha": fingerprint or request_fingerprint(request),
                }
            )
        try:
            client.upload_file(tid, 1, request["pdf"], request["filename"], request["fields"])
            for signer in request["signers"]:
                client.add_signatory(
                    tid, signer["name"], signer["email"], signer["order"], [signer["order"]], phone=signer["phone"]
                )
            url = client.save_draft(tid)
        except Exception:
            if delete_quietly(client, tid):
                self._forget(tid)
            raise
        if not url:  # the draft is made: asking for its page may fail, the draft stays
            try:
                url = client.get_transaction(tid).url
            except jse.JseError as error:
                _logger.info("jesignexpert.com draft %s: its page could not be asked (%s)", tid, error)
        return tid, url

    @api.model
    def _taken(self, tid):
        """A collection took the draft: its journal line goes once that is
        committed (until then, a replay must still find it)."""
        self.env.cr.postcommit.add(lambda: self._forget(tid))

    @api.model
    def _forget(self, tid):
        with self._outside() as journal:
            journal.search([("jse_id", "=", tid)]).unlink()

    @api.model
    def _delete_draft(self, firm, access, tid):
        """Deletes the draft just made when Odoo failed after it for good:
        nothing half-made is left on jesignexpert.com."""
        try:
            with firm._client(access) as client:
                deleted = delete_quietly(client, tid)
            if deleted:  # else the daily check deletes it later
                self._forget(tid)
        except Exception:  # the failure being raised matters more
            _logger.warning("jesignexpert.com draft %s could not be deleted after a failure", tid, exc_info=True)

    @api.model
    def _purge_orphans(self):
        """Daily: drafts journaled long ago that no collection took (their
        confirmation failed for good) are deleted on jesignexpert.com; the
        journal forgets one once it is deleted there (or taken), or when its
        cabinet no longer exists."""
        old = self.sudo().search([("create_date", "<", fields.Datetime.now() - ORPHAN_AFTER)])
        taken = set(
            self.env["jesignexpert.collection"].sudo().search([("jse_id", "in", old.mapped("jse_id"))]).mapped("jse_id")
        )
        firms = self.env["jesignexpert.firm"].sudo().with_context(active_test=False)
        for line in old:
            firm = firms.browse(line.firm_ref).exists()
            if line.jse_id not in taken and firm:
                access = firm._usable_accesses()[:1]
                if not access:
                    continue  # kept until the cabinet has an access again
                with firm._client(access) as client:
                    if not delete_quietly(client, line.jse_id):
                        continue  # tried again by the next daily check
            line.unlink()
