# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class JesignexpertBulkSendingSigner(models.Model):
    """A signer of one contract of a bulk sending, filled from the clause."""

    _name = "jesignexpert.bulk.sending.signer"
    _description = "Signer of a contract of a bulk sending"
    _inherit = ["jesignexpert.bulk.sending.part.mixin"]
    _order = "sequence, id"
    _jesignexpert_odoo_sets = ("company_id",)
    _jesignexpert_fixed = ("line_id",)
    _jesignexpert_sending = "line_id.sending_id"

    line_id = fields.Many2one("jesignexpert.bulk.sending.line", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True)
    sequence = fields.Integer("Order", required=True, default=1)
    label = fields.Char(readonly=True)
    referent = fields.Selection([("employer", "Employer"), ("employee", "Employee")], readonly=True)
    name = fields.Char()
    email = fields.Char("E-mail")
    phone = fields.Char("Mobile phone")
