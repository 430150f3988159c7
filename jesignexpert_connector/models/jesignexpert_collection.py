# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib
import io
import logging
import tempfile
import time
from datetime import datetime, timedelta, timezone

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..jse import client as jse

_logger = logging.getLogger(__name__)

STATES = [
    ("draft", "Draft"),
    ("prepared", "Prepared"),
    ("sent", "Sent"),
    ("signed", "Signed"),
    ("refused", "Refused"),
    ("expired", "Expired"),
    ("cancelled", "Cancelled"),
]


def _from_ms(value):
    return value and datetime.fromtimestamp(value / 1000, tz=timezone.utc).replace(tzinfo=None)


class JesignexpertCollection(models.Model):
    """A signature collection ("collecte") of a contract on jesignexpert.com."""

    _name = "jesignexpert.collection"
    _description = "Signature collection"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char("Reference", required=True, readonly=True)
    contract_id = fields.Many2one("hr.contract", required=True, readonly=True, ondelete="restrict", index=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    firm_id = fields.Many2one("jesignexpert.firm", "Cabinet", required=True, readonly=True, ondelete="restrict")
    initiator_id = fields.Many2one("res.users", "Initiated by", required=True, readonly=True)
    drafted_with_id = fields.Many2one(
        "res.users",
        "Drafted with the access of",
        readonly=True,
        help="Whose jesignexpert.com access created the draft.",
    )
    jse_id = fields.Char("jesignexpert.com id", readonly=True, index=True, copy=False)
    jse_url = fields.Char("jesignexpert.com page", readonly=True)
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, tracking=True)
    sent_on = fields.Datetime("Sent on", readonly=True)
    expires_on = fields.Datetime("Expires on", readonly=True)
    signer_ids = fields.One2many("jesignexpert.signer", "collection_id", "Signers", readonly=True)
    page_count = fields.Integer("Pages of the document", readonly=True)
    signed_attachment_id = fields.Many2one("ir.attachment", "Signed document", readonly=True, copy=False)
    proof_attachment_id = fields.Many2one("ir.attachment", "Proof file", readonly=True, copy=False)
    signed_sha256 = fields.Char("SHA-256 of the signed document", readonly=True, copy=False)
    signed_on = fields.Datetime("Fetched on", readonly=True)
    completed_on = fields.Datetime("Signed by all on", readonly=True, help="When the last signer signed.")
    fetch_error = fields.Char("Last fetch problem", readonly=True)

    # ------------------------------------------------------- jesignexpert --

    def _client(self):
        self.ensure_one()
        firm = self.firm_id.sudo()
        access = firm._own_access(self.drafted_with_id) or firm._access_for_check(self.env.user)
        if not access:
            raise UserError(self.env._("No valid jesignexpert.com access: link yours from the cabinet's form."))
        return firm._client(access)

    def _apply(self, transaction):
        """Takes the news of a jesignexpert.com transaction into the collection."""
        self.ensure_one()
        values = {"state": transaction.status, "jse_url": transaction.url or self.jse_url}
        if transaction.sent_at:
            values["sent_on"] = _from_ms(transaction.sent_at)
        if transaction.expires_at:
            values["expires_on"] = _from_ms(transaction.expires_at)
        if transaction.status == "signed" and not self.completed_on:
            values["completed_on"] = _from_ms(max((s.signed_at or 0) for s in transaction.signatories) or None) or (
                fields.Datetime.now()
            )
        self.sudo().write(values)  # initiators read their collections; the news is written for them
        signers = {s.sequence: s for s in self.sudo().signer_ids}
        for remote in transaction.signatories:
            signer = signers.get(remote.level)
            if signer:
                signer.write(
                    {
                        "state": remote.status,
                        "signed_on": _from_ms(remote.signed_at),
                        "refused_on": _from_ms(remote.refused_at),
                    }
                )

    # ------------------------------------------------------------ the sync --

    @api.model
    def _cron_sync(self, time_budget=240, auto_commit=True):
        """Brings the news home: for each linked cabinet, asks jesignexpert.com
        what changed since the last run (paged), updates the collections, and
        fetches every newly signed document.  Each collection is handled under
        a row lock that a concurrent run skips, and committed on its own; a
        run stops at its time budget, or on a rate limit, and the next run
        starts where it stopped."""
        deadline = time.monotonic() + time_budget
        sync = self.with_context(jesignexpert_auto_commit=auto_commit)
        for firm in self.env["jesignexpert.firm"].sudo().search([("state", "=", "linked")]):
            if time.monotonic() > deadline:
                break
            sync._sync_firm(firm, deadline)
        sync._remind_unfetched()

    def _commit(self):
        """Each collection is committed on its own (not inside tests' transactions)."""
        if self.env.context.get("jesignexpert_auto_commit"):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _sync_firm(self, firm, deadline):
        access = firm._access_for_check()
        if not access:
            return
        cursor = firm.sync_cursor or 0
        # The next run starts after the last change taken, or strictly below
        # the first one not taken (even when another has the same time).
        floor = None

        def hold(stamp):
            nonlocal floor
            floor = stamp - 1 if floor is None else min(floor, stamp - 1)

        try:
            with firm._client(access) as client:
                for transaction in client.iter_changed_transactions(int(cursor)):
                    stamp = transaction.updated_at or 0
                    if time.monotonic() > deadline:
                        hold(stamp)
                        break
                    if not self._sync_one(client, firm, transaction):
                        hold(stamp)  # this one waits for the next run; the others go on
                    cursor = max(cursor, stamp)
        except jse.JseAuthError:
            hold(cursor)
            firm._mark_expired()
        except jse.JseError as error:
            hold(cursor)
            _logger.info("jesignexpert.com sync of cabinet %s stopped: %s", firm.id, error)
        firm.sync_cursor = max(0, min(cursor, floor) if floor is not None else cursor)
        self._commit()

    @api.model
    def _sync_one(self, client, firm, transaction):
        """Takes one changed transaction home.  Returns False when it must be
        tried again later (locked by another run, or a transient failure)."""
        collection = self.sudo().search([("jse_id", "=", transaction.id), ("firm_id", "=", firm.id)])
        if not collection:
            return True  # not sent from this Odoo
        self.env.cr.execute(
            "SELECT id FROM jesignexpert_collection WHERE id = %s FOR UPDATE SKIP LOCKED", [collection.id]
        )
        if not self.env.cr.fetchone():
            return False  # another run has it
        previous = collection.state
        collection._apply(transaction)
        if transaction.status in ("refused", "expired") and previous != transaction.status:
            collection._close(transaction.status)
        try:
            # The news stays even when the document cannot be fetched this time.
            with self.env.cr.savepoint():
                if transaction.status == "signed" and not collection.signed_attachment_id:
                    collection._fetch_signed(client)
        except (jse.JseTransientError, jse.JseRateLimited, jse.JseResponseError, PyPdfError, ValueError) as error:
            collection.sudo().write({"fetch_error": str(error)[:200]})
            self._commit()
            return False
        self._commit()
        return True

    def _fetch_signed(self, client):
        """Downloads the signed PDF and the proof, checks the PDF, attaches both
        to the contract, once."""
        self.ensure_one()
        with tempfile.SpooledTemporaryFile(max_size=2 * 1024 * 1024) as spool:
            download = client.download_document(self.jse_id, 1, spool)
            spool.seek(0)
            self._check_signed_pdf(spool)
            spool.seek(0)
            pdf = spool.read()
        if hashlib.sha256(pdf).hexdigest() != download.sha256:
            raise ValueError("the signed document changed while it was read")
        proof = io.BytesIO()
        client.download_proof(self.jse_id, proof)
        contract = self.contract_id.sudo()
        attachments = self.env["ir.attachment"].sudo()
        signed = attachments.create(
            {
                "name": f"{contract.name} - signé.pdf",
                "datas": base64.b64encode(pdf),
                "res_model": "hr.contract",
                "res_id": contract.id,
                "mimetype": "application/pdf",
            }
        )
        proof_file = attachments.create(
            {
                "name": f"{contract.name} - preuve.zip",
                "datas": base64.b64encode(proof.getvalue()),
                "res_model": "hr.contract",
                "res_id": contract.id,
            }
        )
        self.sudo().write(
            {
                "signed_attachment_id": signed.id,
                "proof_attachment_id": proof_file.id,
                "signed_sha256": download.sha256,
                "signed_on": fields.Datetime.now(),
                "fetch_error": False,
            }
        )
        body = self.env._(
            "Signed by every signer: %(name)s is attached (SHA-256 %(sha)s).", name=signed.name, sha=download.sha256
        )
        contract.message_post(body=body, attachment_ids=signed.ids)
        self.sudo().message_post(body=body)
        self.sudo().message_notify(
            partner_ids=self.initiator_id.partner_id.ids,
            subject=self.env._("Contract signed: %s", contract.name),
            body=self.env._("%s was signed by every signer; the signed document is on the contract.", contract.name),
        )

    def _check_signed_pdf(self, stream):
        """The signed PDF parses, has the original's pages and a signature."""
        reader = PdfReader(stream)
        if self.page_count and len(reader.pages) != self.page_count:
            raise ValueError(f"the signed document has {len(reader.pages)} pages, not {self.page_count}")
        fields_ = (reader.trailer["/Root"].get("/AcroForm") or {}).get("/Fields") or []
        if not any(
            (f.get_object().get("/V") or {}).get_object().get("/Type") == "/Sig"
            for f in fields_
            if f.get_object().get("/V") is not None
        ):
            raise ValueError("the signed document carries no signature")

    def _close(self, status):
        self.ensure_one()
        message = {
            "refused": self.env._("A signer refused: the collection ended without a signed document."),
            "expired": self.env._("The collection expired on jesignexpert.com without every signature."),
        }[status]
        self.sudo().message_post(body=message)
        self.contract_id.sudo().message_post(body=self.env._("%(name)s: %(message)s", name=self.name, message=message))

    @api.model
    def _remind_unfetched(self):
        """A signed document still not fetched after 3 days (jesignexpert.com
        keeps it a month) raises an activity for the initiator."""
        late = self.sudo().search(
            [
                ("state", "=", "signed"),
                ("signed_attachment_id", "=", False),
                ("completed_on", "<", fields.Datetime.now() - timedelta(days=3)),
                ("activity_ids", "=", False),
            ]
        )
        for collection in late:
            collection.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=collection.initiator_id.id,
                summary=self.env._("Signed document not fetched yet"),
                note=self.env._("Odoo could not fetch it yet: %s", collection.fetch_error or "?"),
            )

    def action_open_jesignexpert(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.jse_url, "target": "new"}

    def action_refresh(self):
        api = self.env["jesignexpert.api"]
        for collection in self:
            try:
                with collection._client() as client:
                    collection._apply(client.get_transaction(collection.jse_id))
            except jse.JseError as error:
                raise api._user_error(error) from None
        return True

    def action_delete_draft(self):
        """Deletes the draft, on jesignexpert.com too."""
        api = self.env["jesignexpert.api"]
        for collection in self:
            if collection.state not in ("draft", "prepared"):
                raise UserError(self.env._("Only a draft collection can be deleted."))
            try:
                with collection._client() as client:
                    client.delete_transaction(collection.jse_id)
            except jse.JseError as error:
                raise api._user_error(error) from None
            collection.sudo().state = "cancelled"
            collection.sudo().message_post(body=self.env._("Draft deleted, on jesignexpert.com too."))
            collection.contract_id.sudo().message_post(
                body=self.env._("Signature collection %s deleted.", collection.name)
            )
        return True

    @api.model
    def _create_on_jesignexpert(self, contract, firm, access, request):
        """Creates the draft on jesignexpert.com: transaction, document with one
        signature field per signer on its slot's box, signers in order.  If a
        step fails, the transaction is deleted: nothing half-made is left.
        Returns (transaction id, page URL)."""
        with firm._client(access) as client:
            tid = client.create_transaction(
                request["title"],
                request["message"],
                request["mail_sender"],
                request["mail_subject"],
                invitation_mode=request["invitation_mode"],
            )
            try:
                client.upload_file(tid, 1, request["pdf"], request["filename"], request["fields"])
                for signer in request["signers"]:
                    client.add_signatory(
                        tid, signer["name"], signer["email"], signer["order"], [signer["order"]], phone=signer["phone"]
                    )
                client.save_draft(tid)
                url = client.get_transaction(tid).url
            except Exception:
                try:
                    client.delete_transaction(tid)
                except jse.JseError:
                    _logger.warning("jesignexpert.com draft %s could not be deleted after a failure", tid)
                raise
        return tid, url
