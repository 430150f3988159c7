# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html_escape

from .. import variables


class JesignexpertDocumentTemplate(models.Model):
    """The body of an employment contract, with variables."""

    _name = "jesignexpert.document.template"
    _description = "Contract document template"
    _inherit = ["jesignexpert.guarded.mixin"]
    _order = "sequence, id"
    _jesignexpert_rechecked = ("company_id",)

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Leave empty to offer it to every company.")
    lang = fields.Selection(
        [("fr_FR", "French"), ("en_US", "English")], "Document language", default="fr_FR", required=True
    )
    fixed_term = fields.Boolean(
        "Fixed-term contract (CDD)",
        help="Contracts on this template are CDDs: Odoo shows the legal deadline to hand them to the employee.",
    )
    # Variables live in the body as <span data-jse-var="key">: keep attributes.
    body = fields.Html(sanitize_attributes=False, help='Type "@" then a variable\'s name to insert it.')

    @api.model
    def search_variables(self, term="", lang=None):
        """The variables offered after "@" in the editor: [{key, label, html}]."""
        if not isinstance(term, str | None) or not isinstance(lang, str | None):
            raise UserError(self.env._("Variables are searched with a text and a language code."))
        lang = lang or self.env.lang
        return [
            {
                "key": v.key,
                "label": variables.label(v, lang),
                "html": f'<span data-jse-var="{v.key}">{html_escape(variables.label(v, lang))}</span>',
            }
            for v in variables.search(term)
        ]
