# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.3.0 tells fixed-term contracts (CDD) apart by their template: the
shipped CDD template (noupdate data) is marked as one."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref("jesignexpert_connector.template_cdd_activity_increase", raise_if_not_found=False)
    if template:
        template.fixed_term = True
