# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command

COMPANY_NAME = '<span data-jse-var="company_name">Dénomination sociale</span>'
EMPLOYER_LINES = (
    '<p><span data-jse-var="representative_firstname">Prénom du représentant</span> '
    '<span data-jse-var="representative_lastname">Nom du représentant</span></p>'
    '<p><span data-jse-var="representative_title">Qualité du représentant</span></p>'
)
EMPLOYEE_LINES = (
    '<p><span data-jse-var="employee_firstname">Prénom du salarié</span> '
    '<span data-jse-var="employee_lastname">Nom du salarié</span></p>'
)


class JesignexpertSignatureClause(models.Model):
    """Who signs a contract, and where: a title, an optional paragraph and one
    slot per signer.  A clause is either published in the company's clause
    library, or the private copy of one contract."""

    _name = "jesignexpert.signature.clause"
    _description = "Signature clause"
    _inherit = ["jesignexpert.guarded.mixin"]
    _order = "published desc, id desc"
    # A contract's own clause stays that contract's; the library is published by its action.
    _jesignexpert_odoo_sets = ("published", "contract_id")
    _jesignexpert_rechecked = ("company_id",)

    name = fields.Char("Clause title", required=True, default="Signature")
    author = fields.Char("Written by")
    paragraph = fields.Html(sanitize_attributes=False, help="Text above the signatures (advanced editing).")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    published = fields.Boolean("Published in the clause library", readonly=True)
    contract_id = fields.Many2one("hr.contract", readonly=True, ondelete="cascade", index=True)
    slot_ids = fields.One2many("jesignexpert.signature.slot", "clause_id", "Signatures", copy=True)

    @api.constrains("company_id", "contract_id")
    def _check_contract_company(self):
        for clause in self.sudo():
            if clause.contract_id and clause.contract_id.company_id != clause.company_id:
                raise ValidationError(self.env._("A contract's signature clause is of the contract's company."))

    @api.model
    def _standard_values(self, company):
        """The standard clause: the employer's representative, then the employee."""
        return {
            "company_id": company.id,
            # Written in the company's language: the clause is part of its documents.
            "author": self.with_context(lang=company.partner_id.lang or self.env.lang).env._(
                "Written by %s", company.name
            ),
            "slot_ids": [
                Command.create(
                    {
                        "sequence": 1,
                        "referent": "employer",
                        "heading": f"<p>Pour {COMPANY_NAME}</p>",
                        "lines": EMPLOYER_LINES,
                    }
                ),
                Command.create(
                    {
                        "sequence": 2,
                        "referent": "employee",
                        "heading": "<p>Le salarié</p>",
                        "lines": EMPLOYEE_LINES,
                        "mention": "Lu et approuvé",
                    }
                ),
            ],
        }

    @api.model
    def _default_for(self, company):
        """The company's clause from the library, the standard one published
        the first time a company needs it."""
        if not company.sudo().jesignexpert_clause_id:
            clause = self.sudo().create(dict(self._standard_values(company), published=True))
            company.sudo().jesignexpert_clause_id = clause
        return company.sudo().jesignexpert_clause_id

    @api.model
    def _for_display(self, company):
        """The clause a contract without its own copy will get, read only
        (nothing is created: previews are rendered in read-only requests)."""
        return company.sudo().jesignexpert_clause_id or self.new(self._standard_values(company))

    def _copy_for(self, contract):
        self.ensure_one()
        return self.sudo().copy({"published": False, "contract_id": contract.id, "company_id": contract.company_id.id})

    def action_save_contract_only(self):
        """ "Save for this contract only": the changes stay on this contract."""
        return {"type": "ir.actions.act_window_close"}

    def action_save_and_publish(self):
        """ "Save and publish in the clause library": the company's future
        contracts start from this clause; existing contracts keep theirs.
        Only contract administrators publish, in their own companies."""
        self.ensure_one()
        if not self.env.user.has_group("hr_contract.group_hr_contract_manager"):
            raise AccessError(self.env._("Only contract administrators may publish a clause in the library."))
        self.check_access("write")  # the clause of one of the user's companies
        published = self.sudo().copy({"published": True, "contract_id": False})
        self.company_id.sudo().jesignexpert_clause_id = published
        return {"type": "ir.actions.act_window_close"}
