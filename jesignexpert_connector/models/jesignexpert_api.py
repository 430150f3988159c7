# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The adapter between Odoo and the jesignexpert.com API client.

Models never speak HTTP: they ask this adapter for a client built from the
configuration, and turn the client's typed errors into translated messages.
"""

from odoo import api, models
from odoo.exceptions import UserError

from .. import jse

PARAM = "jesignexpert_connector.%s"
ENVIRONMENT_SANDBOX = "sandbox"
# Seconds an API call may wait for jesignexpert.com (system parameter
# jesignexpert_connector.timeout); document transfers get four times as long.
DEFAULT_TIMEOUT = 30.0


class JesignexpertApi(models.AbstractModel):
    _name = "jesignexpert.api"
    _description = "jesignexpert.com API adapter"

    @api.model
    def _get_param(self, key, default=""):
        # Configuration and secret live in ir.config_parameter, which only
        # system administrators may read; the adapter reads it for everyone.
        return self.env["ir.config_parameter"].sudo().get_param(PARAM % key, default) or default

    @api.model
    def _base_url(self):
        environment = self._get_param("environment", "production")
        if environment == ENVIRONMENT_SANDBOX:
            url = self._get_param("sandbox_url")
        else:  # each environment's address is a setting, with a default
            url = self._get_param(f"url_{environment}", jse.ENVIRONMENTS.get(environment, ""))
        if not url:
            raise UserError(self.env._("The jesignexpert.com environment is not configured."))
        return url

    @api.model
    def _client(self, office_token="", user_token=""):
        """A new API client for the configured environment and integrator."""
        shortcut = self._get_param("shortcut")
        if not shortcut:
            raise UserError(self.env._("The jesignexpert.com integrator credentials are not configured."))
        try:
            timeout = float(self._get_param("timeout") or DEFAULT_TIMEOUT)
        except ValueError:
            timeout = DEFAULT_TIMEOUT
        timeout = min(max(timeout, 1.0), 300.0)
        try:
            return jse.JseClient(
                self._base_url(),
                shortcut,
                self._get_param("secret"),
                office_token,
                user_token,
                timeout=timeout,
                transfer_timeout=timeout * 4,  # documents of up to 10 MB
            )
        except jse.JseError as error:
            raise self._user_error(error) from None

    # ------------------------------------------------------------ errors --

    @api.model
    def _field_label(self, field):
        labels = {
            "object": self.env._("The title"),
            "message": self.env._("The message"),
            "mailSender": self.env._("The sender label"),
            "mailSubject": self.env._("The invitation subject"),
            "file": self.env._("The document"),
            "name": self.env._("The signer's name"),
            "email": self.env._("The e-mail address"),
            "phone": self.env._("The mobile phone number"),
            "shortcut": self.env._("The integrator shortcut"),
            "secret": self.env._("The integrator secret"),
            "base_url": self.env._("The API address"),
        }
        return labels.get(field, field)

    @api.model
    def _error_message(self, error):
        """A clear, translated message for an error of the API client."""
        _ = self.env._
        if isinstance(error, jse.JseValidationError):
            return self._validation_message(error)
        if isinstance(error, jse.JseLinkExpired):
            return _("The jesignexpert.com login expired: link the account again.")
        if isinstance(error, jse.JseAuthError):
            return _("The jesignexpert.com access is expired or revoked: link the account again.")
        if isinstance(error, jse.JseRequestRefused):
            return _("jesignexpert.com refused the request: %(details)s", details=error.details)
        if isinstance(error, jse.JseRateLimited):
            return _(
                "jesignexpert.com is receiving too many requests: try again in %(seconds)s seconds.",
                seconds=int(error.retry_after + 0.999),
            )
        if isinstance(error, jse.JseTransientError):
            return _("jesignexpert.com cannot be reached right now: try again in a few minutes.")
        if isinstance(error, jse.JseNotFound):
            return _("This item no longer exists on jesignexpert.com.")
        if isinstance(error, jse.JseUnreadableDocument):
            return _("The signed document is not a readable PDF.")
        if isinstance(error, jse.JseResponseError):
            return _("jesignexpert.com sent an answer Odoo cannot read: Odoo tries again later.")
        return _("jesignexpert.com answered with an unexpected error (%(status)s).", status=error.status or "?")

    @api.model
    def _validation_message(self, error):
        """The message of an input refused before anything was sent."""
        _ = self.env._
        code, params = error.code, dict(error.params, field=self._field_label(error.field))
        if code == "required":
            return _("%(field)s is required.", field=params["field"])
        if code == "too_long":
            return _(
                "%(field)s has %(length)s characters; jesignexpert.com accepts at most %(limit)s.",
                field=params["field"],
                length=params["length"],
                limit=params["limit"],
            )
        if code == "not_pdf":
            return _("Only PDF documents can be signed on jesignexpert.com.")
        if code == "too_large":
            return _(
                "The document weighs %(size)s MB; jesignexpert.com accepts at most %(limit)s MB.",
                size=round(params["size"] / 1048576, 1),
                limit=round(params["limit"] / 1048576),
            )
        if code == "invalid_email":
            return _("%(value)s is not a valid e-mail address.", value=params["value"])
        if code == "invalid_phone":
            return _("The mobile phone number must be in international format, for example +33612345678.")
        if code == "duplicate_email":
            return _("Two signers cannot share the e-mail address %(value)s.", value=params["value"])
        if code == "no_signer":
            return _("Add at least one signer.")
        if code == "invalid_url":
            return _("The API address must start with http:// or https://.")
        if code == "not_linked":
            return _("No jesignexpert.com account is linked.")
        return _("%(field)s is not valid.", field=params["field"])

    @api.model
    def _notification(self, message, ok=True, sticky=False, next_action=None):
        """A jesignexpert.com notification for a button's answer."""
        params = {"title": self.env._("jesignexpert.com"), "message": message, "type": "success" if ok else "warning"}
        if sticky:
            params["sticky"] = True
        if next_action:
            params["next"] = next_action
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}

    @api.model
    def _user_error(self, error):
        return UserError(self._error_message(error))
