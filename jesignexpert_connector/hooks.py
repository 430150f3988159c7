# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.fields import Command


def grant_default_rights(env):
    """By default every collaborator may initiate a signature collection:
    the internal users, and the template of new users, get the right; the
    administrator manages jesignexpert.com."""
    initiate = env.ref("jesignexpert_connector.group_jesignexpert_user")
    manager = env.ref("jesignexpert_connector.group_jesignexpert_manager")
    internal = env.ref("base.group_user").users.filtered(lambda u: not u.share)
    template = env.ref("base.default_user", raise_if_not_found=False)
    initiate.users = [Command.link(user.id) for user in internal | (template or env["res.users"])]
    manager.users = [Command.link(env.ref("base.user_admin").id)]


def post_init_hook(env):
    grant_default_rights(env)
