# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class JesignexpertSignatureSlot(models.Model):
    """One signer's place in a signature clause.  The referent says whose
    details fill the signer: the employer's legal representative, or the
    employee."""

    _name = "jesignexpert.signature.slot"
    _description = "Signature slot"
    _order = "sequence, id"

    clause_id = fields.Many2one("jesignexpert.signature.clause", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer("Order", default=1)
    label = fields.Char(compute="_compute_label")
    heading = fields.Html(sanitize_attributes=False, help='Such as "Pour @Dénomination sociale".')
    lines = fields.Html("Signer's lines", sanitize_attributes=False, help="Name, title...")
    mention = fields.Char("Mention (optional)")
    referent = fields.Selection([("employer", "Employer"), ("employee", "Employee")], required=True, default="employee")

    @api.depends("sequence", "clause_id.slot_ids.sequence")
    def _compute_label(self):
        for slot in self:
            ordered = list(slot.clause_id.slot_ids.sorted(lambda s: (s.sequence, str(s.id))))
            position = ordered.index(slot) + 1 if slot in ordered else slot.sequence
            slot.label = self.env._("Signature %s", position)

    @api.model
    def _employer_signer(self, company):
        """The employer's legal representative, as ``company`` states it."""
        company = company.sudo()
        name = " ".join(
            p
            for p in (company.jesignexpert_representative_firstname, company.jesignexpert_representative_lastname)
            if p
        )
        return {
            "name": name,
            "email": company.jesignexpert_representative_email or "",
            "phone": company.jesignexpert_representative_mobile or "",
            "referent": "employer",
        }

    def _signer(self, contract):
        """The details of this slot's signer on ``contract`` (None when unknown)."""
        self.ensure_one()
        if self.referent == "employer":
            return self._employer_signer(contract.company_id)
        employee = contract.employee_id.sudo()
        return {
            "name": employee.name or "",
            "email": employee.private_email or employee.work_email or "",
            "phone": employee.private_phone or employee.mobile_phone or "",
            "referent": "employee",
        }
