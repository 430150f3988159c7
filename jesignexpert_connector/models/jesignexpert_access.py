# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

from .. import jse


class JesignexpertAccess(models.Model):
    """A collaborator's own jesignexpert.com access to a cabinet (user token)."""

    _name = "jesignexpert.access"
    _description = "jesignexpert.com access of a collaborator"
    _inherit = ["jesignexpert.guarded.mixin"]
    _order = "linked_on desc, id desc"
    _rec_name = "email"
    _jesignexpert_fixed = ("firm_id", "user_id")
    _jesignexpert_odoo_sets = ("company_id",)

    firm_id = fields.Many2one("jesignexpert.firm", "Cabinet", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="firm_id.company_id", store=True, index=True)
    user_id = fields.Many2one("res.users", "Collaborator", required=True, ondelete="cascade", index=True)
    email = fields.Char("jesignexpert.com login", readonly=True)
    token = fields.Char("Collaborator token", readonly=True, groups="base.group_system", copy=False)
    linked_on = fields.Datetime("Linked on", readonly=True)
    expires_on = fields.Datetime(
        "Expected to lapse on",
        compute="_compute_expires_on",
        store=True,
        help="A collaborator's access is reported to last 5 days. Odoo uses it until jesignexpert.com refuses it, "
        "and reminds the managers before this date.",
    )
    expired = fields.Boolean("Refused by jesignexpert.com", readonly=True)

    _sql_constraints = [
        ("firm_user_uniq", "unique (firm_id, user_id)", "A collaborator has one access per cabinet."),
    ]

    @api.depends("linked_on")
    def _compute_expires_on(self):
        for access in self:
            access.expires_on = access.linked_on and access.linked_on + timedelta(days=jse.USER_TOKEN_DAYS)

    def _refused(self):
        """jesignexpert.com refused this access (403): it is not used again
        until its collaborator links it again."""
        for access in self.sudo():
            access.expired = True
            access.firm_id.message_post(
                body=self.env._(
                    "jesignexpert.com refused the access of %s: the next access is used until they link theirs again.",
                    access.user_id.name,
                )
            )

    @api.model
    def _upsert(self, firm, user, tokens):
        values = {
            "email": tokens.user_email,
            "token": tokens.user_token,
            "linked_on": fields.Datetime.now(),
            "expired": False,
        }
        access = self.sudo().search([("firm_id", "=", firm.id), ("user_id", "=", user.id)])
        if access:
            access.write(values)
        else:
            access = self.sudo().create(dict(values, firm_id=firm.id, user_id=user.id))
        return access
