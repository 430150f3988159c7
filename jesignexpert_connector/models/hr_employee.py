# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .jesignexpert_contract_followup_mixin import SIGNATURE_STATES


class HrEmployee(models.Model):
    _name = "hr.employee"
    _inherit = ["hr.employee", "jesignexpert.guarded.mixin"]
    _jesignexpert_odoo_sets = ("jesignexpert_signature_state",)

    jesignexpert_signature_state = fields.Selection(
        SIGNATURE_STATES,
        "Contract signature",
        compute="_compute_jesignexpert_signature_state",
        store=True,
        groups="hr.group_hr_user",
        help="The signature state of the employee's latest contract that has one (the latest to start).",
    )
    jesignexpert_collection_ids = fields.One2many(
        "jesignexpert.collection",
        "employee_id",
        "Signature collections",
        groups="jesignexpert_connector.group_jesignexpert_user",
        help="Of the employee's contracts and of the other documents about the employee.",
    )
    jesignexpert_collection_count = fields.Integer(
        "Signature collections count",
        compute="_compute_jesignexpert_collection_count",
        groups="jesignexpert_connector.group_jesignexpert_user",
    )

    @api.depends("contract_ids.jesignexpert_signature_state", "contract_ids.date_start")
    def _compute_jesignexpert_signature_state(self):
        for employee in self:
            contracts = employee.contract_ids.filtered("jesignexpert_signature_state")
            latest = max(contracts, key=lambda c: (c.date_start, c.id), default=None)
            employee.jesignexpert_signature_state = latest.jesignexpert_signature_state if latest else False

    def _compute_jesignexpert_collection_count(self):
        """The collections the user may read (their own, or the company's for managers)."""
        counts = dict(
            self.env["jesignexpert.collection"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]
            )
        )
        for employee in self:
            employee.jesignexpert_collection_count = counts.get(employee._origin, 0)

    def action_jesignexpert_collections(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("jesignexpert_connector.jesignexpert_collection_action")
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------ signature --

    def _jesignexpert_check_can_sign(self):
        """Whether a document about this employee may be sent for signature
        now, else why not (as a contract's, see hr.contract)."""
        self.ensure_one()
        self.env["jesignexpert.drafting"]._check_can_sign(self)

    def action_jesignexpert_sign(self):
        """ "Signature électronique" from the employee's form: the same
        three-step wizard, for a PDF about the employee that no contract holds."""
        self.ensure_one()
        self._jesignexpert_check_can_sign()
        wizard_model = self.env["jesignexpert.collection.wizard"]
        return wizard_model.create(wizard_model._prepare_employee(self))._reopen()
