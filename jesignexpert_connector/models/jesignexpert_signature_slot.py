# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class JesignexpertSignatureSlot(models.Model):
    """One signer's place in a signature clause.  The referent says whose
    details fill the signer: the employer's legal representative, or the
    employee."""

    _name = "jesignexpert.signature.slot"
    _description = "Signature slot"
    _inherit = ["jesignexpert.guarded.mixin"]
    _order = "sequence, id"
    _jesignexpert_fixed = ("clause_id",)

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

    @api.model
    def _employee_signer(self, employee):
        """The employee as a signer, at their work e-mail and work mobile.
        Their private ones are HR's (``hr.group_hr_user``): used only where
        the work ones are missing (a new hire, say), and only for a user who
        may read them; nothing private is read as superuser for a user who
        could not read it themselves."""
        reader = employee.with_env(self.env(su=False))
        fields_ = employee._fields
        private = reader.has_access("read") and all(
            fields_[name].is_accessible(reader.env) for name in ("private_email", "private_phone")
        )
        person = employee.sudo()
        email, phone = person.work_email, person.mobile_phone
        if private:
            email, phone = email or person.private_email, phone or person.private_phone
        return {"name": person.name or "", "email": email or "", "phone": phone or "", "referent": "employee"}

    def _signer(self, contract):
        """The details of this slot's signer on ``contract`` (None when unknown)."""
        self.ensure_one()
        if self.referent == "employer":
            return self._employer_signer(contract.company_id)
        return self._employee_signer(contract.employee_id)
