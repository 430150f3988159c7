# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..models.jesignexpert_signer import SIGNATURE_LEVELS


class JesignexpertCollectionWizardLine(models.TransientModel):
    """A signer being set up in step 2 of the wizard."""

    _name = "jesignexpert.collection.wizard.line"
    _description = "Signer being set up"
    _inherit = ["jesignexpert.guarded.mixin"]
    _order = "sequence, id"
    # The wizard's creator's only (record rule): never moved to another wizard.
    _jesignexpert_fixed = ("wizard_id",)

    wizard_id = fields.Many2one("jesignexpert.collection.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer("Order", required=True)
    label = fields.Char(readonly=True)
    referent = fields.Selection([("employer", "Employer"), ("employee", "Employee")], readonly=True)
    name = fields.Char()
    email = fields.Char("E-mail")
    phone = fields.Char("Mobile phone")
    level = fields.Selection(SIGNATURE_LEVELS, "Signature level", default="advanced", required=True)
