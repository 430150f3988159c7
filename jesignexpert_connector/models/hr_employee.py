# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .hr_contract_signature import SIGNATURE_STATES


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    jesignexpert_signature_state = fields.Selection(
        SIGNATURE_STATES,
        "Contract signature",
        compute="_compute_jesignexpert_signature_state",
        store=True,
        groups="hr.group_hr_user",
        help="The signature state of the employee's latest contract that has one (the latest to start).",
    )

    @api.depends("contract_ids.jesignexpert_signature_state", "contract_ids.date_start")
    def _compute_jesignexpert_signature_state(self):
        for employee in self:
            contracts = employee.contract_ids.filtered("jesignexpert_signature_state")
            latest = max(contracts, key=lambda c: (c.date_start, c.id), default=None)
            employee.jesignexpert_signature_state = latest.jesignexpert_signature_state if latest else False
