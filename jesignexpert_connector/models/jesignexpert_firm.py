# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading
from datetime import timedelta
from time import monotonic

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

GROUP_USER = "jesignexpert_connector.group_jesignexpert_user"
GROUP_MANAGER = "jesignexpert_connector.group_jesignexpert_manager"


class JesignexpertFirm(models.Model):
    """A jesignexpert.com cabinet linked to a company: one active per company,
    the earlier ones kept, archived, as history."""

    _name = "jesignexpert.firm"
    _description = "jesignexpert.com cabinet"
    _inherit = ["mail.thread", "mail.activity.mixin", "jesignexpert.guarded.mixin", "jesignexpert.firm.check.mixin"]
    _order = "active desc, linked_on desc, id desc"
    # A cabinet changes by being linked, unlinked, checked or synchronised:
    # never by hand, and never into another company.
    _jesignexpert_fixed = ("company_id",)
    _jesignexpert_odoo_sets = (
        "name",
        "office_token",
        "linked_by_id",
        "linked_on",
        "state",
        "last_check",
        "last_check_message",
        "active",
        "sync_cursor",
        "sync_paused_until",
        "sync_cursor_id",
        "sync_resume",
        "last_sync_on",
        "sync_strategy",
        "sweep_found_count",
        "sync_error",
        "lapse_reminded_on",
        "access_ids",
        "platform_check_on",
        "platform_check_result",
    )

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
    sync_cursor_id = fields.Char(
        "Synchronised up to transaction", readonly=True, help="The last transaction taken at that time (keyset paging)."
    )
    sync_resume = fields.Boolean(
        "Resume where the last batch stopped",
        readonly=True,
        help="A batch stopped part way: the next one goes on exactly there.",
    )
    last_sync_on = fields.Datetime("Last synchronisation", readonly=True)
    # How the signed documents are found: jesignexpert.com's change list (an
    # ASSUMED call) with the daily check behind it, or the daily check alone
    # where the list is missing.
    sync_strategy = fields.Selection(
        [("list", "Change list and daily check"), ("sweep", "Daily check alone")],
        "How news is found",
        default="list",
        required=True,
        readonly=True,
    )
    sweep_found_count = fields.Integer(
        "Found by the daily check",
        readonly=True,
        help="Collections whose end (signed, refused, expired, cancelled) the change list did not report: "
        "the check of each open collection found it.",
    )
    sync_error = fields.Char("Last synchronisation problem", readonly=True)
    lapse_reminded_on = fields.Datetime(
        "Reminded to link again on", readonly=True, help="When the managers were last reminded to link again."
    )
    access_ids = fields.One2many("jesignexpert.access", "firm_id", "Collaborators' accesses", readonly=True)
    access_warning = fields.Char("Access warning", compute="_compute_access_warning")

    @api.depends("state", "access_ids.expired")
    def _compute_access_warning(self):
        for firm in self:
            blocked = firm.active and (firm.state == "expired" or not firm.sudo()._usable_accesses())
            firm.access_warning = blocked and self.env._(
                "Signed documents of %s cannot come home until someone links their jesignexpert.com access.",
                firm.name,
            )

    @api.model
    def get_access_warnings(self):
        """The warnings of the current user's companies' cabinets (the
        collections list shows them).  Record rules keep other companies out."""
        if not self.env.user.has_group(GROUP_USER):
            return []
        firms = self.search([("company_id", "in", self.env.companies.ids)])
        return [warning for warning in firms.mapped("access_warning") if warning]

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
        if self.state == "expired":  # an access holds again: the signed documents can come home
            self.sudo().state = "linked"
            self.message_post(body=self.env._("%s linked their access: the cabinet is usable again.", user.name))
        return self

    def _check_manager(self):
        """A jesignexpert.com manager (or an administrator) of the cabinet's company."""
        if not self.env.su and not self.env.user.has_group(GROUP_MANAGER) and not self.env.user._is_system():
            raise AccessError(self.env._("Only jesignexpert.com managers may do this on a cabinet."))
        self.check_access("write")  # their companies' cabinets only

    def action_unlink_firm(self):
        if not self.env.user.has_group(GROUP_MANAGER):
            raise AccessError(self.env._("Only jesignexpert.com managers may unlink a cabinet."))
        self.check_access("write")  # their companies' cabinets only
        for firm in self:
            firm.sudo().write({"active": False, "state": "revoked"})
            firm.message_post(body=self.env._("Cabinet unlinked by %s.", self.env.user.name))
        return True

    # -------------------------------------------------------- connection --

    def _usable_accesses(self, user=None):
        """The collaborators' accesses that jesignexpert.com has not refused,
        in the order they are tried: ``user``'s own, the linker's, then the
        freshest.  A token is used until jesignexpert.com refuses it, whatever
        its age."""
        accesses = self.sudo().access_ids.filtered(lambda a: not a.expired).sorted("linked_on", reverse=True)
        first = accesses.filtered(lambda a: a.user_id == user) if user else accesses.browse()
        first |= accesses.filtered(lambda a: a.user_id in self.linked_by_id)
        return first + (accesses - first)

    def _client(self, access):
        self.ensure_one()
        return self.env["jesignexpert.api"]._client(self.sudo().office_token, access.sudo().token)

    def _no_usable_access(self):
        """No access of the cabinet holds any more: it is marked expired, and
        its company's jesignexpert.com managers are asked to link again (the
        initiators see a warning on their collections and contracts)."""
        for firm in self.sudo().filtered(lambda f: f.state == "linked"):
            firm._mark_expired()

    def _mark_expired(self):
        self.ensure_one()
        self.state = "expired"
        _logger.info("jesignexpert.com cabinet %s: no access holds any more", self.id)
        self.message_post(body=self.env._("jesignexpert.com refused the cabinet's access: it must be linked again."))
        self._ask_managers(
            self.env._("Link jesignexpert.com again"),
            self.env._(
                "The access to %s has expired or was revoked on jesignexpert.com. Open it and click Link again.",
                self.name,
            ),
        )

    def _ask_managers(self, summary, note):
        """An activity on the cabinet for each of its company's managers."""
        self.ensure_one()
        for manager in self._managers():
            self.activity_schedule("mail.mail_activity_data_todo", user_id=manager.id, summary=summary, note=note)

    def _managers(self):
        """The company's jesignexpert.com managers."""
        self.ensure_one()
        return self.env.ref(GROUP_MANAGER).users.filtered(
            lambda u: self.company_id in u.company_ids and not u.share and u.active
        )

    def _own_access(self, user=None):
        """``user``'s own access to this cabinet if it still holds, else nothing."""
        self.ensure_one()
        user = user or self.env.user
        return self.sudo().access_ids.filtered(lambda a: a.user_id == user and not a.expired)[:1]

    def action_sync_now(self):
        """Managers: brings this cabinet's news and signed documents home now,
        as the scheduled sync does."""
        if not self.env.user.has_group(GROUP_MANAGER):
            raise AccessError(self.env._("Only jesignexpert.com managers may synchronise a cabinet."))
        self.check_access("write")  # their companies' cabinets only
        self.env["jesignexpert.sync"]._run(monotonic() + 60, firms=self)
        return self.env["jesignexpert.api"]._notification(
            self.env._("Synchronised: the signed documents that were ready are attached."),
            next_action={"type": "ir.actions.client", "tag": "soft_reload"},
        )

    @api.model
    def _cron_check_connections(self):
        """Daily: checks every linked cabinet, reminds before an access lapses,
        deletes the orphan drafts, forgets old link attempts.  Each step is
        undone alone when it fails (and committed when done, outside tests):
        one error loses neither the others nor what was done before it."""
        firms = self.sudo().search([("state", "=", "linked")])
        steps = [(f"check of cabinet {firm.id}", firm._check_connection) for firm in firms]
        steps += [
            ("reminders before a lapse", lambda: self.sudo().search([("state", "=", "linked")])._remind_before_lapse()),
            ("purge of orphan drafts", self.env["jesignexpert.draft"]._purge_orphans),
            ("purge of link attempts", self.env["jesignexpert.link.request"]._purge),
        ]
        commit = not getattr(threading.current_thread(), "testing", False)
        for what, step in steps:
            try:
                with self.env.cr.savepoint():
                    step()
            except Exception:  # one step's trouble must not stop the others
                _logger.exception("jesignexpert.com daily %s failed", what)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def _remind_before_lapse(self):
        """A day before the freshest access of a cabinet is expected to lapse
        (a collaborator's token is reported to last 5 days), its managers are
        reminded to link again, once per access linked."""
        now = fields.Datetime.now()
        for firm in self:
            accesses = firm._usable_accesses()
            lapse = max(accesses.mapped("expires_on"), default=None)
            if not lapse or lapse > now + timedelta(days=1):
                continue
            if firm.lapse_reminded_on and firm.lapse_reminded_on >= max(accesses.mapped("linked_on")):
                continue
            firm.lapse_reminded_on = now
            firm._ask_managers(
                self.env._("Link your jesignexpert.com access again"),
                self.env._(
                    "The accesses to %(firm)s may lapse on %(date)s: link yours again so that signed "
                    "documents keep coming home.",
                    firm=firm.name,
                    date=fields.Datetime.to_string(lapse),
                ),
            )
