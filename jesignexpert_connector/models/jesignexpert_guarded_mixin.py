# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a client (a person, a JSON-RPC call) may not write.

Odoo checks the record rules before a write, on the values the records
have, not on those they get: a record whose parent or company a client
may change can be moved under a parent, or into a company, its writer may
not touch.  So the fields the rules (and the jobs) rely on are given once,
when the record is created, and never changed by a client after; and the
fields Odoo computes from jesignexpert.com, or sets as it works, are never
set by a client at all.  Odoo itself (the superuser, the jobs) is not held
back."""

from odoo import api, models
from odoo.exceptions import AccessError, ValidationError


class JesignexpertGuardedMixin(models.AbstractModel):
    _name = "jesignexpert.guarded.mixin"
    _description = "Fields a client may not set"

    # Set by Odoo alone: refused to a client on create and on write.
    _jesignexpert_odoo_sets = ()
    # Given at creation, never changed by a client after (the parent, the company).
    _jesignexpert_fixed = ()
    # May change, but only to where the writer may go: the record rules are
    # checked again on the values written.
    _jesignexpert_rechecked = ()

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._jesignexpert_refuse(set(vals) & set(self._jesignexpert_odoo_sets))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._jesignexpert_refuse(set(vals) & set(self._jesignexpert_odoo_sets))
            self._jesignexpert_refuse(set(vals) & set(self._jesignexpert_fixed), fixed=True)
        res = super().write(vals)
        if not self.env.su and set(vals) & set(self._jesignexpert_rechecked):
            self.check_access("write")
        return res

    @api.model
    def _jesignexpert_record(self, vals, name):
        """The record a client names in ``vals[name]`` (a many2one), in the
        user's environment, to be checked before anything of it is read as
        superuser; refused in words when it is not a record's id."""
        value = vals.get(name) or False
        if value is not False and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValidationError(
                self.env._("%s: this is not a record of Odoo.", self._fields[name]._description_string(self.env))
            )
        return self.env[self._fields[name].comodel_name].browse(value)

    def _jesignexpert_refuse(self, names, fixed=False):
        if not names:
            return
        labels = ", ".join(sorted(self._fields[name]._description_string(self.env) for name in names))
        model = self.env["ir.model"]._get(self._name).sudo().name
        if fixed:
            raise AccessError(
                self.env._(
                    "%(fields)s of %(model)s is given when it is created and cannot change.",
                    fields=labels,
                    model=model,
                )
            )
        raise AccessError(
            self.env._("%(fields)s of %(model)s cannot be set by hand: Odoo sets them.", fields=labels, model=model)
        )
