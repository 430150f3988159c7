# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .. import jse
from .jesignexpert_api import PARAM
from .jesignexpert_bulk_sending_job_mixin import BATCH_SIZE_PARAM, DEFAULT_BATCH_SIZE

# The connection to jesignexpert.com: for system administrators only.
CONNECTION_FIELDS = (
    "jesignexpert_environment",
    "jesignexpert_sandbox_url",
    "jesignexpert_production_url",
    "jesignexpert_preproduction_url",
    "jesignexpert_shortcut",
    "jesignexpert_secret",
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    jesignexpert_environment = fields.Selection(
        [("production", "Production"), ("preproduction", "Pre-production"), ("sandbox", "Sandbox (local)")],
        "jesignexpert.com environment",
        default="production",
        config_parameter=PARAM % "environment",
        groups="base.group_system",
    )
    jesignexpert_sandbox_url = fields.Char(
        "Sandbox URL", config_parameter=PARAM % "sandbox_url", groups="base.group_system"
    )
    jesignexpert_shortcut = fields.Char(
        "Integrator shortcut", config_parameter=PARAM % "shortcut", groups="base.group_system"
    )
    jesignexpert_production_url = fields.Char(
        "Production API address",
        config_parameter=PARAM % "url_production",
        default=jse.ENVIRONMENTS["production"],
        groups="base.group_system",
    )
    jesignexpert_preproduction_url = fields.Char(
        "Pre-production API address",
        config_parameter=PARAM % "url_preproduction",
        default=jse.ENVIRONMENTS["preproduction"],
        groups="base.group_system",
    )
    # The secret is written, never read back into the form.
    jesignexpert_secret = fields.Char("New integrator secret", groups="base.group_system")
    jesignexpert_secret_saved = fields.Boolean("A secret is saved", compute="_compute_jesignexpert_secret_saved")
    jesignexpert_firm_id = fields.Many2one(
        "jesignexpert.firm", "Linked cabinet", compute="_compute_jesignexpert_firm_id"
    )
    jesignexpert_bulk_batch_size = fields.Integer(
        "Contracts rendered together",
        config_parameter=BATCH_SIZE_PARAM,
        default=DEFAULT_BATCH_SIZE,
        groups="base.group_system",
        help="A bulk sending's contract documents are rendered this many at a time, in one run of the PDF "
        "engine (each run costs about a second, whatever it prints); then each contract is prepared on its own. "
        "The sendings in progress are served in turn, this many contracts of each.",
    )

    @api.model
    def default_get(self, fields_list):
        """Odoo hands the value of every configuration parameter to whoever
        asks for the settings' defaults, portal users included: the
        connection's stay with system administrators."""
        if not isinstance(fields_list, list | tuple) or not all(isinstance(name, str) for name in fields_list):
            raise UserError(self.env._("The settings' defaults are asked for by field names."))
        if not self.env.is_system():
            fields_list = [name for name in fields_list if name not in CONNECTION_FIELDS]
        return super().default_get(fields_list)

    @api.constrains("jesignexpert_bulk_batch_size")
    def _check_jesignexpert_bulk_batch_size(self):
        if any(settings.jesignexpert_bulk_batch_size < 1 for settings in self):
            raise ValidationError(self.env._("At least one contract is rendered at a time."))

    @api.depends("company_id")
    def _compute_jesignexpert_secret_saved(self):
        saved = bool(self.env["ir.config_parameter"].sudo().get_param(PARAM % "secret"))
        for settings in self:
            settings.jesignexpert_secret_saved = saved

    @api.depends("company_id")
    def _compute_jesignexpert_firm_id(self):
        for settings in self:
            settings.jesignexpert_firm_id = self.env["jesignexpert.firm"]._active_firm(settings.company_id)

    def set_values(self):
        res = super().set_values()
        if self.jesignexpert_secret:
            self.env["ir.config_parameter"].sudo().set_param(PARAM % "secret", self.jesignexpert_secret.strip())
            self.jesignexpert_secret = False
        return res

    def action_jesignexpert_test_credentials(self):
        """Tells the administrator, in words, whether jesignexpert.com accepts
        the integrator shortcut and secret (as saved with the form's values),
        before anyone links a cabinet."""
        self.ensure_one()
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only administrators may test the integrator credentials."))
        self.set_values()
        api = self.env["jesignexpert.api"]
        try:
            with api._client() as client:
                client.check_credentials(self.get_base_url() + "/odoo")
        except jse.JseRequestRefused as error:
            ok = False
            message = self.env._(
                "jesignexpert.com refused the integrator credentials: check the shortcut and the secret (%s).",
                error.details,
            )
        except jse.JseError as error:
            ok, message = False, api._error_message(error)
        else:
            ok, message = True, self.env._("jesignexpert.com accepts the integrator credentials.")
        return api._notification(message, ok, sticky=not ok)

    def action_jesignexpert_check_platform(self):
        """Checks, on a throw-away draft, which of the connector's assumptions
        hold on jesignexpert.com, with the company's linked cabinet; the result
        is kept on the cabinet and sets how its news is found."""
        self.ensure_one()
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only administrators may check jesignexpert.com."))
        firm = self.env["jesignexpert.firm"]._active_firm(self.company_id)
        if not firm:
            raise UserError(self.env._("%s has no linked jesignexpert.com cabinet yet.", self.company_id.name))
        return firm._platform_check()

    def action_jesignexpert_link(self):
        self.ensure_one()
        return self.env["jesignexpert.firm"]._action_start_link(
            self.company_id, "firm", "/odoo/settings#jesignexpert_connector"
        )
