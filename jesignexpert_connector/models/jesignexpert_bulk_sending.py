# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Several contracts sent for signature at once.

A person selects contracts, checks each one's document and signers, writes
the e-mail once, and confirms.  Rendering a contract takes about a second, so
the drafts are made in the background by a scheduled action, in batches that
stay well inside the cron time limit and tell Odoo, through the cron progress
API, that work remains.  Each contract is committed on its own: one failure
neither stops nor undoes the others, and a run killed at any moment loses
nothing (the draft journal lets the next batch take a draft already made).
The sending is a record: its progress, and in the end its result, stay.

How the scheduled action prepares them (batches rendered together, the
sendings served in turn) is jesignexpert_bulk_sending_job_mixin.py.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import format_date

from .. import jse
from .jesignexpert_bulk_sending_job_mixin import CRON
from .jesignexpert_drafting import INVITATION_MODES

STEPS = [("contracts", "Contracts"), ("sending", "Sending")]
STATES = [("draft", "Being set up"), ("running", "Being prepared"), ("done", "Done"), ("stopped", "Stopped")]
DUPLICATE_CHOICES = [
    ("skip", "Leave them out"),
    ("cancel", "Cancel each one on jesignexpert.com, then send the new one"),
    ("another", "Send another one anyway"),
]


class JesignexpertBulkSending(models.Model):
    """ "Signature électronique" on several contracts at once."""

    _name = "jesignexpert.bulk.sending"
    _description = "Contracts sent for signature together"
    _inherit = ["mail.thread", "jesignexpert.guarded.mixin", "jesignexpert.bulk.sending.job.mixin"]
    _order = "id desc"
    # Whose rights the job uses, and how far it is, are never the client's say.
    _jesignexpert_odoo_sets = ("user_id", "state", "finished_on")
    _jesignexpert_fixed = ("company_id",)

    name = fields.Char(required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", "Initiated by", required=True, readonly=True, default=lambda self: self.env.user, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company, index=True
    )
    step = fields.Selection(STEPS, default="contracts", required=True)
    # Not tracked: the chatter says what was asked and what came of it, in words.
    state = fields.Selection(STATES, default="draft", required=True, readonly=True)
    line_ids = fields.One2many("jesignexpert.bulk.sending.line", "sending_id", "Contracts")
    leave_out = fields.Boolean(
        "Leave out the contracts that cannot be sent",
        help="Each one says why it cannot be sent; fix it, or leave it out of this sending.",
    )
    duplicate_choice = fields.Selection(
        DUPLICATE_CHOICES,
        "Contracts with a collection in progress",
        help="What to do with the contracts that already have a collection being signed.",
    )
    mail_sender = fields.Char("Sender label of the e-mails")
    mail_subject = fields.Char("Subject of the invitation e-mail")
    message = fields.Text("Message of the collections")
    invitation_mode = fields.Selection(INVITATION_MODES, "Invitations", default="sequential", required=True)
    contract_count = fields.Integer("Contracts selected", compute="_compute_counts")
    blocked_count = fields.Integer("Cannot be sent", compute="_compute_counts")
    in_progress_count = fields.Integer("With a collection in progress", compute="_compute_counts")
    to_prepare_count = fields.Integer("To prepare", compute="_compute_counts")
    prepared_count = fields.Integer("Drafts prepared", compute="_compute_counts")
    failed_count = fields.Integer("Contracts not prepared", compute="_compute_counts")
    progress = fields.Float(compute="_compute_counts", help="Contracts handled, in percent.")
    finished_on = fields.Datetime("Finished on", readonly=True)

    @api.depends("state", "line_ids.state", "line_ids.problem", "line_ids.open_collection_id")
    def _compute_counts(self):
        for sending in self:
            lines = sending.line_ids
            sending.contract_count = len(lines)
            sending.blocked_count = len(lines.filtered("problem"))
            sending.in_progress_count = (
                len(lines.filtered(lambda line: not line.problem and line.open_collection_id))
                if sending.state == "draft"
                else 0
            )
            sending.prepared_count = len(lines.filtered(lambda line: line.state == "prepared"))
            sending.failed_count = len(lines.filtered(lambda line: line.state == "failed"))
            waiting = len(lines.filtered(lambda line: line.state == "waiting"))
            handled = sending.prepared_count + sending.failed_count
            sending.to_prepare_count = waiting
            sending.progress = 100.0 * handled / (handled + waiting) if handled + waiting else 0.0

    @api.model_create_multi
    def create(self, vals_list):
        """A person's sending is theirs, in one of their companies, and starts
        being set up: whose rights the job uses is never the client's say."""
        if not self.env.su:
            allowed = self.env.companies.ids
            if any(vals.get("company_id", self.env.company.id) not in allowed for vals in vals_list):
                raise AccessError(self.env._("A sending is started from the contracts, by their initiator."))
        return super().create(vals_list)

    def write(self, vals):
        self._check_initiator()
        return super().write(vals)

    def unlink(self):
        self._check_initiator()
        return super().unlink()

    def _check_being_set_up(self):
        """Its contracts and signers change only while its initiator sets it up."""
        self._check_initiator()
        if any(sending.state != "draft" for sending in self):
            raise UserError(self.env._("The contracts of a sending can be changed only while it is being set up."))

    def _check_initiator(self):
        """A sending is changed (or deleted) by its initiator alone: the job
        sends it in their name.  Managers read, stop and retry it."""
        if self.env.su:
            return
        for sending in self:
            if sending.user_id != self.env.user:
                raise AccessError(self.env._("Only %s can change this sending.", sending.user_id.name))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_running(self):
        if any(sending.state == "running" for sending in self):
            raise UserError(self.env._("A sending being prepared cannot be deleted: stop it first."))

    # ------------------------------------------------------------- start --

    @api.model
    def _start(self, contracts):
        """A sending of ``contracts``, each with its document and signers
        filled as the single wizard fills them; opens it."""
        if not self.env.user.has_group("jesignexpert_connector.group_jesignexpert_user"):
            raise AccessError(self.env._("You are not allowed to initiate signature collections."))
        contracts.check_access("read")  # the caller's rights, before anything is read as superuser
        company = self.env.company
        sending = self.create(
            {
                "name": self.env._(
                    "%(count)s contracts, %(date)s",
                    count=len(contracts),
                    date=format_date(self.env, fields.Date.context_today(self)),
                ),
                "company_id": company.id,
                **self.env["jesignexpert.drafting"]._sending_defaults(company),
                "line_ids": [
                    Command.create(self.env["jesignexpert.bulk.sending.line"]._prepare(contract, company))
                    for contract in contracts
                ],
            }
        )
        return sending._open()

    def _open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "current",
            "name": self.env._("Electronic signature"),
        }

    # ------------------------------------------------------------- steps --

    def _check_owner(self):
        """The initiator's own sending."""
        self.ensure_one()
        self.check_access("write")
        self._check_initiator()

    def _sendable_lines(self):
        """The lines that will be prepared, as the choices stand."""
        return self.line_ids.filtered(
            lambda line: not line.problem and not (line.open_collection_id and self.duplicate_choice == "skip")
        )

    def _check_contracts(self):
        """Refuses, in words, to go on while a contract cannot be sent and
        the user has not said to leave it out."""
        if self.state != "draft":
            raise UserError(self.env._("This sending is no longer being set up."))
        if self.blocked_count and not self.leave_out:
            raise ValidationError(
                self.env._(
                    "%s of the contracts cannot be sent (each line says why): fix them, "
                    "or tick “Leave out the contracts that cannot be sent”.",
                    self.blocked_count,
                )
            )
        if self.in_progress_count and not self.duplicate_choice:
            raise ValidationError(
                self.env._(
                    "%s of the contracts already have a collection in progress: choose what to do with them.",
                    self.in_progress_count,
                )
            )
        if not self._sendable_lines():
            raise ValidationError(self.env._("None of the contracts selected can be sent."))

    def _check_sending(self):
        try:
            for line in self._sendable_lines():
                jse.check_transaction(
                    line.title, self.message, self.mail_sender, self.mail_subject, self.invitation_mode
                )
        except jse.JseValidationError as error:
            raise ValidationError(self.env["jesignexpert.api"]._error_message(error)) from None

    def action_next(self):
        self._check_owner()
        self._check_contracts()
        self.step = "sending"

    def action_back(self):
        self._check_owner()
        self.step = "contracts"

    def action_confirm(self):
        """Checks everything that can be checked now, then hands the drafts
        to the scheduled action; the page shows how far it is."""
        self._check_owner()
        self.env.cr.execute("SELECT id FROM jesignexpert_bulk_sending WHERE id = %s FOR UPDATE", [self.id])
        self.invalidate_recordset(["state"])
        self._check_contracts()
        self._check_sending()
        drafting = self.env["jesignexpert.drafting"]
        drafting._check_sender()
        firm = drafting._check_cabinet_linked(self.company_id)
        drafting._drafting_access(firm)  # someone can make the drafts
        sendable = self._sendable_lines()
        for line in self.line_ids - sendable:
            line.sudo().write({"state": "left_out", "error": line.problem or line._in_progress_note()})
        sendable.sudo().write({"state": "waiting", "error": False})
        self.sudo().write({"state": "running", "step": "sending"})
        self.message_post(
            body=self.env._(
                "%(user)s asked for %(count)s collections: they are being prepared in the background.",
                user=self.env.user.name,
                count=len(sendable),
            )
        )
        self.env.ref(CRON)._trigger()
        return self._open()

    def _check_initiator_or_manager(self):
        """Stopping or retrying a sending: its initiator, or a jesignexpert.com
        manager of its company (the record rules let them see it)."""
        self.ensure_one()
        self.check_access("read")
        if self.user_id != self.env.user and not self.env.user.has_group(
            "jesignexpert_connector.group_jesignexpert_manager"
        ):
            raise AccessError(self.env._("Only %s or a jesignexpert.com manager can do this.", self.user_id.name))

    def action_stop(self):
        """The contracts not handled yet are left out; those prepared stay."""
        self._check_initiator_or_manager()
        if self.state != "running":
            return
        waiting = self.line_ids.filtered(lambda line: line.state == "waiting")
        waiting.sudo().write({"state": "left_out", "error": self.env._("Stopped by %s.", self.env.user.name)})
        self._finish(stopped_by=self.env.user)

    def action_retry_failed(self):
        """The contracts that failed are tried again, in the background."""
        self._check_initiator_or_manager()
        failed = self.line_ids.filtered(lambda line: line.state == "failed")
        if self.state not in ("done", "stopped") or not failed:
            return
        failed.sudo().write({"state": "waiting", "error": False})
        self.sudo().write({"state": "running", "finished_on": False})
        self.env.ref(CRON)._trigger()

    def _finish(self, stopped_by=None):
        self.ensure_one()
        self.sudo().write({"state": "stopped" if stopped_by else "done", "finished_on": fields.Datetime.now()})
        self.with_context(lang=self.user_id.lang)._tell_result(stopped_by)

    def _tell_result(self, stopped_by=None):
        """The result, in the chatter, for the initiator to read whenever, in
        their language (the job runs in none), and a notification now."""
        prepared = self.line_ids.filtered(lambda line: line.state == "prepared")
        others = self.line_ids - prepared
        rows = Markup("").join(
            Markup('<li><a href="{}" target="_blank">{}</a></li>').format(line.jse_url, line.title)
            if line.jse_url
            else Markup("<li>{}</li>").format(line.title)
            for line in prepared
        )
        body = Markup("<p>{}</p><ul>{}</ul>").format(
            self.env._(
                "%(prepared)s collections prepared on jesignexpert.com, to check and send there:",
                prepared=len(prepared),
            ),
            rows,
        )
        if stopped_by:
            body = (
                Markup("<p><b>{}</b></p>").format(
                    self.env._("Stopped by %s before every contract was prepared.", stopped_by.name)
                )
                + body
            )
        if others:
            body += Markup("<p>{}</p><ul>{}</ul>").format(
                self.env._("%s contracts not prepared:", len(others)),
                Markup("").join(Markup("<li>{}: {}</li>").format(line.title, line.error or "") for line in others),
            )
        self.sudo().message_post(
            body=body,
            author_id=self.env.ref("base.partner_root").id,
            partner_ids=self.user_id.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "success" if not others and not stopped_by else "warning",
                "title": self.env._("Electronic signature"),
                "message": self.env._(
                    "%(name)s: %(prepared)s prepared, %(others)s not.",
                    name=self.name,
                    prepared=len(prepared),
                    others=len(others),
                ),
            },
        )
