# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.2.0 gives the synchronisation a model of its own: the scheduled
action (noupdate data) now calls it."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("jesignexpert_connector.ir_cron_jesignexpert_sync", raise_if_not_found=False)
    if cron:
        cron.write(
            {"model_id": env.ref("jesignexpert_connector.model_jesignexpert_sync").id, "code": "model._cron_sync()"}
        )
