# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..jse import client as jse

_logger = logging.getLogger(__name__)

GROUP_USER = "jesignexpert_connector.group_jesignexpert_user"
GROUP_MANAGER = "jesignexpert_connector.group_jesignexpert_manager"


class JesignexpertFirm(models.Model):
    """A jesignexpert.com cabinet linked to a company: one active per company,
    the earlier ones kept, archived, as history."""

    _name = "jesignexpert.firm"
    _description = "jesignexpert.com cabinet"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "active desc, linked_on desc, id desc"

    name = fields.Char("Cabinet", required=True, readonly=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    office_token = fields.Char("Cabinet token", readonly=True, groups="base.group_system", copy=False)
    linked_by_id = fields.Many2one("res.users", "Linked by", readonly=True, ondelete="set null")
    linked_on = fields.Datetime("Linked on", readonly=True)
    state = fields.Selection(
        [("linked", "Linked"), ("expired", "Expired"), ("revoked", "Unlinked")],
        required=True,
        default="linked",
        readonly=True,
        tracking=True,
    )
    last_check = fields.Datetime("Last check", readonly=True)
    last_check_message = fields.Char("Last check result", readonly=True)
    active = fields.Boolean(default=True, readonly=True)
    sync_cursor = fields.Float(
        "Synchronised up to", digits=(16, 0), readonly=True, help="jesignexpert.com time (ms) of the last change taken."
    )
    sync_paused_until = fields.Datetime(
        "Synchronisation paused until",
        readonly=True,
        help="jesignexpert.com asked Odoo to wait (too many requests): the sync leaves the cabinet until then.",
    )
    access_ids = fields.One2many("jesignexpert.access", "firm_id", "Collaborators' accesses", readonly=True)

    def init(self):
        # One active cabinet per company; unlinked ones stay as history.
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS jesignexpert_firm_one_active_per_company "
            "ON jesignexpert_firm (company_id) WHERE active"
        )

    # ------------------------------------------------------------ linking --

    @api.model
    def _check_may_link(self, company, purpose):
        """Only managers link a company's cabinet; initiators link their own
        access to an already linked cabinet; both only in their companies."""
        user = self.env.user
        group = GROUP_MANAGER if purpose == "firm" else GROUP_USER
        if not user.has_group(group) or company not in user.company_ids:
            raise AccessError(
                self.env._("You are not allowed to link a jesignexpert.com account for %s.", company.name)
            )
        if purpose == "user" and not self._active_firm(company):
            raise UserError(self.env._("%s has no linked jesignexpert.com cabinet yet.", company.name))

    @api.model
    def _active_firm(self, company):
        return self.sudo().search([("company_id", "=", company.id)], limit=1)

    @api.model
    def _action_start_link(self, company, purpose="firm", return_url="/odoo"):
        """Starts the linking flow and sends the browser to jesignexpert.com."""
        self._check_may_link(company, purpose)
        url = self.env["jesignexpert.link.request"]._start(company, purpose, return_url)
        return {"type": "ir.actions.act_url", "url": url, "target": "self"}

    def action_link_again(self):
        self.ensure_one()
        self.check_access("read")
        return self._action_start_link(self.company_id, "firm", f"/odoo/action-{self._action_xmlid()}/{self.id}")

    def action_link_my_access(self):
        self.ensure_one()
        self.check_access("read")
        return self._action_start_link(self.company_id, "user", f"/odoo/action-{self._action_xmlid()}/{self.id}")

    def action_link_account(self):
        """The "Link a jesignexpert.com account" button (list header, no record
        needed), for the current company."""
        return self._action_start_link(self.env.company, "firm", f"/odoo/action-{self._action_xmlid()}")

    @api.model
    def _action_xmlid(self):
        return "jesignexpert_connector.jesignexpert_firm_action"

    @api.model
    def _link_company(self, company, tokens, user):
        firm_model = self.sudo()
        previous = firm_model._active_firm(company)
        if previous:
            previous.write({"active": False, "state": "revoked" if previous.state == "linked" else previous.state})
            previous.message_post(body=self.env._("Replaced by %s, linked again.", tokens.office_name))
            previous.flush_recordset(["active"])  # before the new one takes its place
        firm = firm_model.create(
            {
                "name": tokens.office_name,
                "company_id": company.id,
                "office_token": tokens.office_token,
                "linked_by_id": user.id,
                "linked_on": fields.Datetime.now(),
                "last_check": fields.Datetime.now(),
                "last_check_message": self.env._("Linked"),
            }
        )
        firm.access_ids._upsert(firm, user, tokens)
        firm.message_post(body=self.env._("%(firm)s linked by %(user)s.", firm=firm.name, user=user.name))
        return firm

    def _link_user(self, tokens, user):
        """Stores ``user``'s own access to this cabinet (same cabinet only)."""
        self.ensure_one()
        if tokens.office_token != self.sudo().office_token:
            raise UserError(
                self.env._(
                    "You chose %(chosen)s on jesignexpert.com, but %(company)s is linked to %(firm)s.",
                    chosen=tokens.office_name,
                    company=self.company_id.name,
                    firm=self.name,
                )
            )
        self.env["jesignexpert.access"]._upsert(self, user, tokens)
        return self

    def action_unlink_firm(self):
        if not self.env.user.has_group(GROUP_MANAGER):
            raise AccessError(self.env._("Only jesignexpert.com managers may unlink a cabinet."))
        self.check_access("write")  # their companies' cabinets only
        for firm in self:
            firm.sudo().write({"active": False, "state": "revoked"})
            firm.message_post(body=self.env._("Cabinet unlinked by %s.", self.env.user.name))
        return True

    # -------------------------------------------------------- connection --

    def _access_for_check(self, user=None):
        """A collaborator access that can still speak for this cabinet: the
        user's own, else the one who linked it, else the freshest."""
        self.ensure_one()
        for candidate in (user, self.linked_by_id):
            own = candidate and self._own_access(candidate)
            if own:
                return own
        return self.sudo().access_ids.filtered(lambda a: not a.is_expired).sorted("linked_on", reverse=True)[:1]

    def _client(self, access):
        self.ensure_one()
        return self.env["jesignexpert.api"]._client(self.sudo().office_token, access.sudo().token)

    def _check_connection(self, user=None):
        """validateCheck with this cabinet's tokens.  A 403 marks it expired
        and tells the company's jesignexpert.com managers.  Returns whether
        the access holds, and a message saying so."""
        self.ensure_one()
        api = self.env["jesignexpert.api"]
        firm = self.sudo()
        access = firm._access_for_check(user)
        now = fields.Datetime.now()
        if not access:
            message = self.env._("No collaborator has a jesignexpert.com access younger than 5 days: link yours.")
            firm.write({"last_check": now, "last_check_message": message})
            return False, message
        try:
            with firm._client(access) as client:
                client.validate_check()
        except jse.JseAuthError as error:
            message = api._error_message(error)
            firm.write({"last_check": now, "last_check_message": message})
            access.expired = True
            if firm.state == "linked":
                firm._mark_expired()
            return False, message
        except jse.JseError as error:
            message = api._error_message(error)
            firm.write({"last_check": now, "last_check_message": message})
            return False, message
        message = self.env._("Connection OK (checked with the access of %s).", access.user_id.name)
        firm.write({"last_check": now, "last_check_message": message, "state": "linked"})
        return True, message

    def _mark_expired(self):
        self.ensure_one()
        self.state = "expired"
        self.message_post(body=self.env._("jesignexpert.com refused the cabinet's access: it must be linked again."))
        managers = self.env.ref(GROUP_MANAGER).users.filtered(
            lambda u: self.company_id in u.company_ids and not u.share and u.active
        )
        for manager in managers:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=manager.id,
                summary=self.env._("Link jesignexpert.com again"),
                note=self.env._(
                    "The access to %s has expired or was revoked on jesignexpert.com. Open it and click Link again.",
                    self.name,
                ),
            )

    def _own_access(self, user=None):
        """``user``'s own access to this cabinet if it still holds, else nothing."""
        self.ensure_one()
        user = user or self.env.user
        return self.sudo().access_ids.filtered(lambda a: a.user_id == user and not a.is_expired)[:1]

    def action_check_my_access(self):
        """Checks the current user's own jesignexpert.com access.  Without one,
        or once it expired (after 5 days), sends the user through the linking
        flow, then back to this cabinet."""
        self.ensure_one()
        self.check_access("read")
        if not self._own_access():
            return self.action_link_my_access()
        return self.action_test_connection()

    def action_test_connection(self):
        """Initiators and managers of the cabinet's company only: the check
        speaks with the company's tokens and may mark the cabinet expired."""
        self.ensure_one()
        self.check_access("read")
        ok, message = self._check_connection(self.env.user)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("jesignexpert.com"),
                "message": message,
                "type": "success" if ok else "warning",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_sync_now(self):
        """Managers: brings this cabinet's news and signed documents home now,
        as the scheduled sync does."""
        if not self.env.user.has_group(GROUP_MANAGER):
            raise AccessError(self.env._("Only jesignexpert.com managers may synchronise a cabinet."))
        self.check_access("write")  # their companies' cabinets only
        self.env["jesignexpert.collection"]._cron_sync(time_budget=60, auto_commit=False, firms=self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("jesignexpert.com"),
                "message": self.env._("Synchronised: the signed documents that were ready are attached."),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_check_connections(self):
        """Daily: checks every linked cabinet, and forgets old link attempts."""
        for firm in self.sudo().search([("state", "=", "linked")]):
            try:
                firm._check_connection()
            except Exception:  # one cabinet's trouble must not stop the others
                _logger.exception("jesignexpert.com check of cabinet %s failed", firm.id)
        self.env["jesignexpert.link.request"]._purge()
