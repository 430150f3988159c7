# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the parts of a bulk sending (its contracts, their signers) share:
they are created, changed and deleted only while their sending is being set
up, and by its initiator alone (the job sends them in the initiator's name).
Odoo itself (the superuser, the job) is not held back."""

from odoo import api, models


class JesignexpertBulkSendingPartMixin(models.AbstractModel):
    _name = "jesignexpert.bulk.sending.part.mixin"
    _description = "Part of a bulk sending, changed while it is set up"
    _inherit = ["jesignexpert.guarded.mixin"]

    # The part's sending: its many2one, or the path to it.
    _jesignexpert_sending = "sending_id"

    @api.model
    def _jesignexpert_sending_of(self, vals):
        """The sending of the part ``vals`` would create."""
        first, _dot, rest = self._jesignexpert_sending.partition(".")
        record = self._jesignexpert_record(vals, first)
        return record.mapped(rest) if rest else record

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._jesignexpert_sending_of(vals)._check_being_set_up()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self.mapped(self._jesignexpert_sending)._check_being_set_up()
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            self.mapped(self._jesignexpert_sending)._check_being_set_up()
        return super().unlink()
