# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from .hr_contract import DOC_MARK, SLOT_MARK


class ReportJesignexpertContract(models.AbstractModel):
    _name = "report.jesignexpert_connector.report_jesignexpert_contract"
    _description = "Contract document report"

    @api.model
    def _get_report_values(self, docids, data=None):
        return {
            "doc_ids": docids,
            "doc_model": "hr.contract",
            "docs": self.env["hr.contract"].browse(docids),
            "slot_mark": SLOT_MARK,
            "doc_mark": DOC_MARK if (data or {}).get("jesignexpert_batch") else None,
        }
