# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import datetime, timezone

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import jse
from ..transactions import CONCURRENT_UPDATE, try_lock
from .jesignexpert_chatter import Chatter
from .jesignexpert_sync_fetch_mixin import SignedNotAttached

_logger = logging.getLogger(__name__)


def _from_ms(value):
    return value and datetime.fromtimestamp(value / 1000, tz=timezone.utc).replace(tzinfo=None)


class JesignexpertCollection(models.Model):
    """A signature collection ("collecte") on jesignexpert.com: of a contract,
    or of a document about an employee that no contract holds (an amendment
    drafted elsewhere, a letter)."""

    _name = "jesignexpert.collection"
    _description = "Signature collection"
    # The follow-up first: its create and write wrap the others', as when it extended the model.
    _inherit = [
        "jesignexpert.collection.followup.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "jesignexpert.guarded.mixin",
        "jesignexpert.collection.action.mixin",
        "jesignexpert.collection.fetch.mixin",
    ]
    _order = "id desc"
    _jesignexpert_fixed = ("contract_id", "employee_id", "company_id", "firm_id", "initiator_id")
    _jesignexpert_odoo_sets = ("next_check_on",)

    name = fields.Char("Reference", required=True, readonly=True)
    contract_id = fields.Many2one("hr.contract", readonly=True, ondelete="restrict", index=True)
    # The contract's employee, kept as it was when the collection was made;
    # given by its creator when there is no contract.
    employee_id = fields.Many2one(
        "hr.employee",
        compute="_compute_employee_id",
        store=True,
        readonly=True,
        ondelete="restrict",
        index=True,
    )
    # Stored: the record rules read it.
    company_id = fields.Many2one("res.company", compute="_compute_company_id", store=True, readonly=True, index=True)
    firm_id = fields.Many2one("jesignexpert.firm", "Cabinet", required=True, readonly=True, ondelete="restrict")
    initiator_id = fields.Many2one("res.users", "Initiated by", required=True, readonly=True)
    drafted_with_id = fields.Many2one(
        "res.users",
        "Drafted with the access of",
        readonly=True,
        help="Whose jesignexpert.com access created the draft.",
    )
    jse_id = fields.Char("jesignexpert.com id", readonly=True, index=True, copy=False)
    jse_url = fields.Char("jesignexpert.com page", readonly=True)
    state = fields.Selection(list(jse.TRANSACTION_STATES), default="draft", required=True, readonly=True, tracking=True)
    sync_problem = fields.Char(
        "jesignexpert.com reported",
        readonly=True,
        help="What was odd in jesignexpert.com's last news of this collection; its last known state is kept.",
    )
    sent_on = fields.Datetime("Sent on", readonly=True)
    expires_on = fields.Datetime("Expires on", readonly=True)
    signer_ids = fields.One2many("jesignexpert.signer", "collection_id", "Signers", readonly=True)
    page_count = fields.Integer("Pages of the document", readonly=True)
    signed_attachment_id = fields.Many2one("ir.attachment", "Signed document", readonly=True, copy=False)
    proof_attachment_id = fields.Many2one("ir.attachment", "Proof file", readonly=True, copy=False)
    signed_sha256 = fields.Char("SHA-256 of the signed document", readonly=True, copy=False)
    signed_on = fields.Datetime("Fetched on", readonly=True)
    completed_on = fields.Datetime("Signed by all on", readonly=True, help="When the last signer signed.")
    fetch_error = fields.Char("Last fetch problem", readonly=True)
    fetch_attempts = fields.Integer("Failed fetches", readonly=True, copy=False)
    next_fetch_on = fields.Datetime("Next fetch attempt", readonly=True, copy=False)
    # When the reconciliation sweep reads it on its own next (models/jesignexpert_sync_sweep_mixin.py).
    next_check_on = fields.Datetime("Next check on jesignexpert.com", readonly=True, index=True, copy=False)
    # The initiator is told once that the signed document does not come home,
    # not again each time an attempt fails or the activity is marked done.
    fetch_reminded = fields.Boolean("Initiator told of the fetch problem", readonly=True, copy=False)
    fetch_activity_id = fields.Many2one("mail.activity", "Fetch problem activity", readonly=True, copy=False)
    cabinet_warning = fields.Char("Cabinet warning", compute="_compute_cabinet_warning")
    signed_document = fields.Binary("Signed PDF", related="signed_attachment_id.datas")
    signed_filename = fields.Char(related="signed_attachment_id.name", string="Signed PDF name")
    proof_document = fields.Binary("Proof", related="proof_attachment_id.datas")
    proof_filename = fields.Char(related="proof_attachment_id.name", string="Proof file name")

    # ------------------------------------------------------------ subject --

    @api.depends("contract_id")
    def _compute_employee_id(self):
        for collection in self:
            collection.employee_id = collection.contract_id.employee_id or collection.employee_id

    @api.depends("contract_id.company_id", "employee_id.company_id")
    def _compute_company_id(self):
        for collection in self:
            collection.company_id = collection.contract_id.company_id or collection.employee_id.company_id

    # firm_id is always given: a collection made with neither is checked too.
    @api.constrains("contract_id", "employee_id", "firm_id")
    def _check_contract_or_employee(self):
        for collection in self:
            if not collection.contract_id and not collection.employee_id:
                raise ValidationError(self.env._("A signature collection is of a contract or of an employee."))

    def _subject(self):
        """What the collection is about, whose chatter hears of it and which
        the signed document is attached to: its contract, else its employee."""
        self.ensure_one()
        return (self.contract_id or self.employee_id).sudo()

    # ------------------------------------------------------- jesignexpert --

    @api.depends("company_id")
    def _compute_cabinet_warning(self):
        for collection in self:
            collection.cabinet_warning = collection._firm().access_warning if collection.firm_id else False

    def _firm(self):
        """The cabinet the collection's news comes through: its own, or the
        one its company linked since."""
        self.ensure_one()
        firm = self.firm_id.sudo()
        if not firm.active:
            firm = self.env["jesignexpert.firm"]._active_firm(self.company_id) or firm
        return firm

    def _client(self):
        firm = self._firm()
        access = firm._own_access(self.drafted_with_id) or firm._usable_accesses(self.env.user)[:1]
        if not access:
            raise UserError(self.env._("No valid jesignexpert.com access: link yours from the cabinet's form."))
        return firm._client(access)

    # ------------------------------------------------------------- news --

    def _problem_text(self, problem):
        """A person's words for what was odd in jesignexpert.com's answer."""
        _ = self.env._
        return {
            "unknown_status": _("unknown state '%s'", problem.value),
            "no_status": _("no state"),
            "no_signatories": _("no signers"),
            "unknown_signatory_status": _("unknown signer state (%s)", problem.value),
            "extra_pages": _("%s page(s) more than the document sent (a certificate, for instance)", problem.value),
            "fewer_pages": _("%s page(s) fewer than the document sent", problem.value),
            "no_signature": _("no electronic signature field found in the file"),
        }.get(problem.code, problem.code)

    def _apply(self, transaction):
        """Takes the news of a jesignexpert.com transaction into the collection.
        What it cannot understand (an unknown state, no signers...) is said on
        the collection, which keeps its last known state."""
        self.ensure_one()
        collection = self.sudo()  # initiators read their collections; the news is written for them
        chatter = self.env["jesignexpert.chatter"]
        previous = collection.state
        values = {"jse_url": transaction.url or collection.jse_url}
        if transaction.status:
            values["state"] = transaction.status
        if transaction.sent_at:
            values["sent_on"] = _from_ms(transaction.sent_at)
        if transaction.expires_at:
            values["expires_on"] = _from_ms(transaction.expires_at)
        if transaction.status == "signed" and not collection.completed_on:
            values["completed_on"] = _from_ms(transaction.completed_at) or fields.Datetime.now()
        problem = "; ".join(self._problem_text(p) for p in transaction.problems) or False
        values["sync_problem"] = problem and self.env._("jesignexpert.com reported: %s", problem)
        changed = {k: v for k, v in values.items() if collection[k] != v}
        if changed:
            collection.write(changed)
        if "sync_problem" in changed and problem:
            chatter._post(collection, values["sync_problem"])
        news = []
        signers = {s.sequence: s for s in collection.signer_ids}
        for remote in transaction.signatories:
            signer = signers.get(remote.level)
            if not signer or not remote.status:
                continue
            if remote.status != signer.state and remote.status in ("signed", "refused"):
                news.append(
                    self.env._("%s signed.", signer.name)
                    if remote.status == "signed"
                    else self.env._("%s refused to sign.", signer.name)
                )
            signer_values = {
                "state": remote.status,
                "signed_on": _from_ms(remote.signed_at),
                "refused_on": _from_ms(remote.refused_at),
            }
            if any(signer[k] != v for k, v in signer_values.items()):
                signer.write(signer_values)
        if news:
            chatter._post(collection, " ".join(news))
        if transaction.status == "sent" and previous in ("draft", "prepared"):
            chatter._post(
                collection._subject(), self.env._("%s was sent to its signers on jesignexpert.com.", collection.name)
            )
        if transaction.status in jse.CLOSED_STATUSES and previous != transaction.status:
            self._close(transaction.status)

    def _take_news(self, client, transaction, fetch_now=False):
        """Takes one changed transaction home under the collection's row lock,
        its signed document included, and commits it on its own.  Returns
        False when another run holds the collection (or wrote it meanwhile):
        the change must then be read again later.  A signed document that
        could not be fetched waits for its next attempt, unless ``fetch_now``."""
        self.ensure_one()
        sync = self.env["jesignexpert.sync"]
        rate_limited = None
        # A write that met another run's (on the collection, or on the contract
        # whose signature state both runs recompute) is tried again in a new
        # transaction, which sees what the other run committed meanwhile.
        attempts = 3 if self.env.context.get("jesignexpert_auto_commit") else 1
        for attempt in range(1, attempts + 1):
            locking = True
            try:
                with self.env.cr.savepoint():
                    locked = try_lock(self, savepoint=False)  # this savepoint is the lock's too
                    locking = False
                    if locked:  # what it writes (chatter, notifications) is for the initiator
                        initiators = self.with_env(self._initiator_env())
                        rate_limited = initiators._take_news_locked(client, transaction, fetch_now)
                break
            except CONCURRENT_UPDATE:
                locked = False
                if locking:  # another run changed it since this transaction began: it has it
                    break
                _logger.info("jesignexpert.com collection %s: changed meanwhile (try %s)", self.id, attempt)
                sync._commit()
            except SignedNotAttached as error:
                # Undone with the savepoint, its lock included: the news is
                # taken again, and the signed document waits for its next attempt.
                with self.env.cr.savepoint():
                    locked = try_lock(self)
                    if locked:
                        initiators = self.with_env(self._initiator_env())
                        initiators._take_news_locked(client, transaction, fetch_now, not_attached=error.__cause__)
                break
        if not locked:
            _logger.info("jesignexpert.com collection %s: another run has it, skipped", self.id)
        sync._commit()
        if rate_limited:
            raise rate_limited  # the whole cabinet waits; the news taken stays
        return locked

    def _take_news_locked(self, client, transaction, fetch_now, not_attached=None):
        """_take_news once the row lock is held; returns the rate limit error
        of the fetch, if any.  ``not_attached``: the error that kept the
        signed document from being written home at the first try."""
        # What this transaction read of the collection is what is committed: a
        # row another run changed since this transaction began cannot be locked
        # (REPEATABLE READ), and a commit or a rollback empties the cache.
        firm = self.firm_id.sudo()
        if not (firm.active and firm.company_id == self.company_id):  # one active cabinet per company
            firm = self.env["jesignexpert.firm"]._active_firm(self.company_id)
        if firm and self.firm_id != firm:
            self.sudo().firm_id = firm  # linked again: its news now comes through this one
        # What the news says is written at once, before the collection's commit.
        run = self.env.context.get("jesignexpert_chatter")
        chatter = Chatter(run.memo if isinstance(run, Chatter) else None)
        news = self.with_context(jesignexpert_chatter=chatter)
        news._apply(transaction)
        chatter.track(news.sudo())  # its state's change, logged after the news as before
        rate_limited = None
        due = fetch_now or not self.next_fetch_on or self.next_fetch_on <= fields.Datetime.now()
        if transaction.status == "signed" and not self.signed_attachment_id and due:
            if not_attached is None:
                rate_limited = news._fetch(client)
            else:
                news._fetch_unexpected(not_attached)
        self.env["jesignexpert.chatter"]._write(chatter)
        return rate_limited

    def _close(self, status):
        self.ensure_one()
        message = {
            "refused": self.env._("A signer refused: the collection ended without a signed document."),
            "expired": self.env._("The collection expired on jesignexpert.com without every signature."),
            "cancelled": self.env._("The collection was cancelled on jesignexpert.com: nobody can sign it any more."),
        }[status]
        chatter = self.env["jesignexpert.chatter"]
        chatter._post(self.sudo(), message)
        chatter._post(self._subject(), self.env._("%(name)s: %(message)s", name=self.name, message=message))
        if status == "refused":
            self._ask_why_refused()
