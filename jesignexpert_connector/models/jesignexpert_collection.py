# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import datetime, timezone

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
    _inherit = ["mail.thread"]
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
