# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .. import jse

SIGNATURE_LEVELS = [("advanced", "Advanced signature")]


class JesignexpertSigner(models.Model):
    _name = "jesignexpert.signer"
    _description = "Signer of a signature collection"
    _inherit = ["jesignexpert.guarded.mixin"]
    _order = "sequence, id"
    _jesignexpert_fixed = ("collection_id",)

    collection_id = fields.Many2one("jesignexpert.collection", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer("Order", required=True)
    name = fields.Char(required=True)
    email = fields.Char("E-mail", required=True)
    phone = fields.Char("Mobile phone")
    level = fields.Selection(SIGNATURE_LEVELS, "Signature level", default="advanced", required=True)
    state = fields.Selection(list(jse.SIGNATORY_STATES), default="waiting", required=True)
    signed_on = fields.Datetime("Signed on", readonly=True)
    refused_on = fields.Datetime("Refused on", readonly=True)
    referent = fields.Selection(
        [("employer", "Employer"), ("employee", "Employee")],
        compute="_compute_referent",
        store=True,
        readonly=False,  # the wizard may give it; only the server writes signers
        help="Whom the signer signs for: the employer's representative or the employee.",
    )

    @api.depends("collection_id", "sequence")
    def _compute_referent(self):
        """The referent of the contract's clause slot at the signer's place,
        as the wizard filled the signers from the clause (slot n, signer n).
        Computed when the signer is made; a referent given at creation wins."""
        for signer in self:
            contract = signer.collection_id.contract_id.sudo()
            slots = contract.jesignexpert_clause_id.slot_ids.sorted(lambda s: (s.sequence, s.id))
            signer.referent = slots[signer.sequence - 1].referent if 0 < signer.sequence <= len(slots) else False
