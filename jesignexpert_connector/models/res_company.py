# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """The legal identity French employment contracts state, which Odoo lacks."""

    _inherit = "res.company"

    jesignexpert_legal_form = fields.Char("Legal form", help="SAS, SARL, EURL...")
    jesignexpert_share_capital = fields.Monetary("Share capital", currency_field="currency_id")
    jesignexpert_rcs_city = fields.Char("RCS city", help="City of the trade and companies register (RCS).")
    jesignexpert_naf_code = fields.Char("NAF code")
    jesignexpert_representative_firstname = fields.Char("Legal representative's first name")
    jesignexpert_representative_lastname = fields.Char("Legal representative's last name")
    jesignexpert_representative_title = fields.Char("Legal representative's title", help="Président, Gérant...")
    # A person's contact details: for the company's own people, not its portal users.
    jesignexpert_representative_email = fields.Char("Legal representative's e-mail", groups="base.group_user")
    jesignexpert_representative_mobile = fields.Char("Legal representative's mobile", groups="base.group_user")
    jesignexpert_clause_id = fields.Many2one(
        "jesignexpert.signature.clause",
        "Default signature clause",
        domain="[('published', '=', True), ('company_id', '=', id)]",
        help="Published in the clause library: new contracts start from a copy of it.",
    )

    @api.constrains("jesignexpert_clause_id")
    def _check_jesignexpert_clause(self):
        """The default clause is one of the company's own, published in its library."""
        for company in self.filtered("jesignexpert_clause_id"):
            clause = company.jesignexpert_clause_id.sudo()
            if clause.company_id != company or not clause.published:
                raise ValidationError(
                    self.env._("The default signature clause of %s is one published in its own library.", company.name)
                )
