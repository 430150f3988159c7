# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.fields import Command

from .jesignexpert_firm import GROUP_MANAGER, GROUP_USER


class ResUsers(models.Model):
    _inherit = "res.users"

    jesignexpert_initiate = fields.Boolean(
        "Initiate signature collections",
        compute="_compute_jesignexpert_rights",
        inverse="_inverse_jesignexpert_initiate",
        help="May send documents for signature on jesignexpert.com.",
    )
    jesignexpert_manager = fields.Boolean(
        "Manage jesignexpert.com",
        compute="_compute_jesignexpert_rights",
        inverse="_inverse_jesignexpert_manager",
        help="Links the company's jesignexpert.com cabinet and sees all its collections.",
    )
    jesignexpert_access_ids = fields.One2many("jesignexpert.access", "user_id", "jesignexpert.com accesses")

    @api.depends("groups_id")
    def _compute_jesignexpert_rights(self):
        initiate, manager = self.env.ref(GROUP_USER), self.env.ref(GROUP_MANAGER)
        for user in self:
            user.jesignexpert_initiate = initiate in user.groups_id
            user.jesignexpert_manager = manager in user.groups_id

    def _inverse_jesignexpert_initiate(self):
        initiate, manager = self.env.ref(GROUP_USER), self.env.ref(GROUP_MANAGER)
        for user in self:
            if user.jesignexpert_initiate:
                user.groups_id = [Command.link(initiate.id)]
            else:  # the manager's group implies the right: withdraw both
                user.groups_id = [Command.unlink(manager.id), Command.unlink(initiate.id)]

    def _inverse_jesignexpert_manager(self):
        manager = self.env.ref(GROUP_MANAGER)
        for user in self:
            user.groups_id = [Command.link(manager.id) if user.jesignexpert_manager else Command.unlink(manager.id)]
