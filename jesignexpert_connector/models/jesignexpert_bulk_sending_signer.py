# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class JesignexpertBulkSendingSigner(models.Model):
    """A signer of one contract of a bulk sending, filled from the clause."""

    _name = "jesignexpert.bulk.sending.signer"
    _description = "Signer of a contract of a bulk sending"
    _order = "sequence, id"

    line_id = fields.Many2one("jesignexpert.bulk.sending.line", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True)
    sequence = fields.Integer("Order", required=True, default=1)
    label = fields.Char(readonly=True)
    referent = fields.Selection([("employer", "Employer"), ("employee", "Employee")], readonly=True)
    name = fields.Char()
    email = fields.Char("E-mail")
    phone = fields.Char("Mobile phone")

    @api.model_create_multi
    def create(self, vals_list):
        signers = super().create(vals_list)
        signers._check_being_set_up()
        return signers

    def write(self, vals):
        self._check_being_set_up()
        return super().write(vals)

    def unlink(self):
        self._check_being_set_up()
        return super().unlink()

    def _check_being_set_up(self):
        if any(signer.line_id.sending_id.state != "draft" for signer in self):
            raise UserError(self.env._("The contracts of a sending can be changed only while it is being set up."))
