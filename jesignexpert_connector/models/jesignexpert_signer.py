# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

SIGNATURE_LEVELS = [("advanced", "Advanced signature")]


class JesignexpertSigner(models.Model):
    _name = "jesignexpert.signer"
    _description = "Signer of a signature collection"
    _order = "sequence, id"

    collection_id = fields.Many2one("jesignexpert.collection", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer("Order", required=True)
    name = fields.Char(required=True)
    email = fields.Char("E-mail", required=True)
    phone = fields.Char("Mobile phone")
    level = fields.Selection(SIGNATURE_LEVELS, "Signature level", default="advanced", required=True)
    state = fields.Selection(
        [("waiting", "Waiting"), ("invited", "Invited"), ("signed", "Signed"), ("refused", "Refused")],
        default="waiting",
        required=True,
    )
    signed_on = fields.Datetime("Signed on", readonly=True)
    refused_on = fields.Datetime("Refused on", readonly=True)
