# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0 brings the usage rights: databases that had 18.0.1.0.0 get
the same default rights as a fresh install."""

from odoo import SUPERUSER_ID, api

from odoo.addons.jesignexpert_connector.hooks import grant_default_rights


def migrate(cr, version):
    if version:
        grant_default_rights(api.Environment(cr, SUPERUSER_ID, {}))
