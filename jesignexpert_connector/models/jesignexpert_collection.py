# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import io
import logging
import tempfile
from datetime import datetime, timedelta, timezone
from time import monotonic

import psycopg2.errors
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..jse import client as jse

_logger = logging.getLogger(__name__)

STATES = [
    ("draft", "Draft"),
    ("prepared", "Prepared"),
    ("sent", "Sent"),
    ("signed", "Signed"),
    ("refused", "Refused"),
    ("expired", "Expired"),
    ("cancelled", "Cancelled"),
]


# What PostgreSQL raises when two transactions write the same rows at once.
CONCURRENT_UPDATE = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.DeadlockDetected,
)


def _try_lock(record):
    """Takes ``record``'s row lock for this transaction, unless another
    transaction holds it, or changed the row since this one began (the
    database then refuses to lock it): either way the other run has it."""
    try:
        with record.env.cr.savepoint(flush=False):
            record.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
                    SQL.identifier(record._table),
                    record.id,
                ),
                log_exceptions=False,
            )
            return bool(record.env.cr.fetchone())
    except psycopg2.errors.SerializationFailure:
        return False


def _delete_quietly(client, tid):
    """Deletes a draft after a failure, which stays the error to report."""
    try:
        client.delete_transaction(tid)
    except jse.JseError:
        _logger.warning("jesignexpert.com draft %s could not be deleted after a failure", tid)


def _from_ms(value):
    return value and datetime.fromtimestamp(value / 1000, tz=timezone.utc).replace(tzinfo=None)


class JesignexpertCollection(models.Model):
    """A signature collection ("collecte") of a contract on jesignexpert.com."""

    _name = "jesignexpert.collection"
    _description = "Signature collection"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char("Reference", required=True, readonly=True)
    contract_id = fields.Many2one("hr.contract", required=True, readonly=True, ondelete="restrict", index=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
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
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, tracking=True)
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
    signed_document = fields.Binary("Signed PDF", related="signed_attachment_id.datas")
    signed_filename = fields.Char(related="signed_attachment_id.name", string="Signed PDF name")
    proof_document = fields.Binary("Proof", related="proof_attachment_id.datas")
    proof_filename = fields.Char(related="proof_attachment_id.name", string="Proof file name")

    # ------------------------------------------------------- jesignexpert --

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
        access = firm._own_access(self.drafted_with_id) or firm._access_for_check(self.env.user)
        if not access:
            raise UserError(self.env._("No valid jesignexpert.com access: link yours from the cabinet's form."))
        return firm._client(access)

    def _apply(self, transaction):
        """Takes the news of a jesignexpert.com transaction into the collection."""
        self.ensure_one()
        values = {"state": transaction.status, "jse_url": transaction.url or self.jse_url}
        if transaction.sent_at:
            values["sent_on"] = _from_ms(transaction.sent_at)
        if transaction.expires_at:
            values["expires_on"] = _from_ms(transaction.expires_at)
        if transaction.status == "signed" and not self.completed_on:
            values["completed_on"] = _from_ms(max((s.signed_at or 0) for s in transaction.signatories) or None) or (
                fields.Datetime.now()
            )
        previous = self.state
        self.sudo().write(values)  # initiators read their collections; the news is written for them
        news = []
        signers = {s.sequence: s for s in self.sudo().signer_ids}
        for remote in transaction.signatories:
            signer = signers.get(remote.level)
            if not signer:
                continue
            if remote.status != signer.state and remote.status in ("signed", "refused"):
                news.append(
                    self.env._("%s signed.", signer.name)
                    if remote.status == "signed"
                    else self.env._("%s refused to sign.", signer.name)
                )
            signer.write(
                {
                    "state": remote.status,
                    "signed_on": _from_ms(remote.signed_at),
                    "refused_on": _from_ms(remote.refused_at),
                }
            )
        if news:
            self.sudo().message_post(body=" ".join(news))
        if transaction.status == "sent" and previous in ("draft", "prepared"):
            self.contract_id.sudo().message_post(
                body=self.env._("%s was sent to its signers on jesignexpert.com.", self.name)
            )

    # ------------------------------------------------------------ the sync --

    @api.model
    def _cron_sync(self, time_budget=240, auto_commit=True, firms=None):
        """Brings the news home: for each linked cabinet (or only ``firms``),
        asks jesignexpert.com what changed since the last run (paged), updates
        the collections, and fetches every newly signed document.  Each
        collection is handled under a row lock that a concurrent run skips,
        and committed on its own; a run stops at its time budget, and a
        cabinet rate-limited by jesignexpert.com waits as long as it asked;
        the next run starts where the last one stopped."""
        deadline = monotonic() + time_budget
        sync = self.with_context(jesignexpert_auto_commit=auto_commit)
        now = fields.Datetime.now()
        if firms is None:
            firms = self.env["jesignexpert.firm"].sudo().search([("state", "=", "linked")])
        linked = firms.sudo().filtered(lambda f: f.state == "linked")
        for firm in linked.filtered(lambda f: not f.sync_paused_until or f.sync_paused_until <= now):
            if monotonic() > deadline:
                break
            sync._sync_firm(firm, deadline)
        sync._remind_unfetched()

    def _commit(self):
        """Each collection is committed on its own (not inside tests' transactions)."""
        if self.env.context.get("jesignexpert_auto_commit"):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _sync_firm(self, firm, deadline):
        access = firm._access_for_check()
        if not access:
            return
        cursor = firm.sync_cursor or 0
        # The next run starts after the last change taken, or strictly below
        # the first one not taken (even when another has the same time).
        floor = None

        def hold(stamp):
            nonlocal floor
            floor = stamp - 1 if floor is None else min(floor, stamp - 1)

        try:
            with firm._client(access) as client:
                for transaction in client.iter_changed_transactions(int(cursor)):
                    stamp = transaction.updated_at or 0
                    if monotonic() > deadline:
                        hold(stamp)
                        break
                    if not self._sync_one(client, firm, transaction):
                        hold(stamp)  # this one waits for the next run; the others go on
                    cursor = max(cursor, stamp)
        except jse.JseAuthError:
            hold(cursor)
            firm._mark_expired()
        except jse.JseRateLimited as error:
            # Honour Retry-After: no call to this cabinet before then.
            hold(cursor)
            firm.sync_paused_until = fields.Datetime.now() + timedelta(seconds=error.retry_after)
            _logger.info("jesignexpert.com sync of cabinet %s paused %.0f s: %s", firm.id, error.retry_after, error)
        except jse.JseError as error:
            hold(cursor)
            _logger.info("jesignexpert.com sync of cabinet %s stopped: %s", firm.id, error)
        self._save_cursor(firm, max(0, min(cursor, floor) if floor is not None else cursor))

    @api.model
    def _save_cursor(self, firm, cursor):
        """Where the next run starts.  A run that finishes at the same time
        may have moved it first: this one then leaves it, as the next run
        reading a change again is harmless (nothing is fetched twice)."""
        try:
            with self.env.cr.savepoint():
                saved = _try_lock(firm)
                if saved:
                    firm.sync_cursor = cursor
        except CONCURRENT_UPDATE:
            saved = False
        if not saved:
            _logger.info("jesignexpert.com sync of cabinet %s: another run saved its cursor", firm.id)
        self._commit()

    @api.model
    def _sync_one(self, client, firm, transaction):
        """Takes one changed transaction home, and commits it on its own.
        Returns False when it must be tried again later (another run has it,
        or a transient failure)."""
        # The company's collections, even those sent before its cabinet was
        # linked again: they would otherwise never be fetched.
        collection = self.sudo().search(
            [("jse_id", "=", transaction.id), ("company_id", "=", firm.company_id.id)], limit=1
        )
        if not collection:
            return True  # not sent from this Odoo
        rate_limited = None
        try:
            with self.env.cr.savepoint():
                locked = _try_lock(collection)
                if locked and collection.firm_id != firm:
                    collection.firm_id = firm  # linked again: its news now comes through this one
                try:
                    done = locked and collection._take_home(client, transaction)
                except jse.JseRateLimited as error:
                    done, rate_limited = False, error  # the news stays; the document waits
            if not locked:
                _logger.info("jesignexpert.com collection %s: another run has it, skipped", collection.id)
        except CONCURRENT_UPDATE:
            # Another run (or a person) changed what this one was writing: the
            # collection waits for the next run, with nothing half-written.
            _logger.info("jesignexpert.com collection %s: changed meanwhile, tried again later", collection.id)
            done = False
        self._commit()
        if rate_limited:
            raise rate_limited
        return done

    def _take_home(self, client, transaction):
        """The news of one transaction, and its signed document once signed."""
        self.ensure_one()
        previous = self.state
        self._apply(transaction)
        if transaction.status in ("refused", "expired", "cancelled") and previous != transaction.status:
            self._close(transaction.status)
        if transaction.status != "signed" or self.signed_attachment_id:
            return True
        try:
            # The news stays even when the document cannot be fetched this time.
            with self.env.cr.savepoint():
                self._fetch_signed(client)
        except jse.JseRateLimited as error:
            self._fetch_failed(error)
            raise  # the whole cabinet waits (see _sync_one, _sync_firm)
        except (jse.JseTransientError, jse.JseResponseError, PyPdfError, ValueError) as error:
            self._fetch_failed(error)
            return False
        return True

    def _fetch_failed(self, error):
        """Says on the collection, in the user's words, why the signed
        document is not home yet."""
        if isinstance(error, jse.JseError):
            message = self.env["jesignexpert.api"]._error_message(error)
        elif isinstance(error, PyPdfError):
            message = self.env._("The signed document is not a readable PDF (%s).", error)
        else:
            message = str(error)  # our own checks, already in the user's words
        self.sudo().write({"fetch_error": message[:300]})

    def _fetch_signed(self, client):
        """Downloads the signed PDF and the proof, checks the PDF, attaches both
        to the contract, once."""
        self.ensure_one()
        with tempfile.SpooledTemporaryFile(max_size=2 * 1024 * 1024) as spool:
            download = client.download_document(self.jse_id, 1, spool)
            spool.seek(0)
            self._check_signed_pdf(spool)
            spool.seek(0)
            pdf = spool.read()
        if hashlib.sha256(pdf).hexdigest() != download.sha256:
            raise ValueError(self.env._("The signed document changed while it was read."))
        proof = io.BytesIO()
        client.download_proof(self.jse_id, proof)
        contract = self.contract_id.sudo()
        attachments = self.env["ir.attachment"].sudo()
        signed = attachments.create(
            {
                "name": f"{contract.name} - signé.pdf",
                "raw": pdf,  # not base64: a 10 MB document is not copied three times
                "res_model": "hr.contract",
                "res_id": contract.id,
                "mimetype": "application/pdf",
            }
        )
        proof_file = attachments.create(
            {
                "name": f"{contract.name} - preuve.zip",
                "raw": proof.getvalue(),
                "res_model": "hr.contract",
                "res_id": contract.id,
            }
        )
        self.sudo().write(
            {
                "signed_attachment_id": signed.id,
                "proof_attachment_id": proof_file.id,
                "signed_sha256": download.sha256,
                "signed_on": fields.Datetime.now(),
                "fetch_error": False,
            }
        )
        body = self.env._(
            "Signed by every signer: %(name)s is attached (SHA-256 %(sha)s).", name=signed.name, sha=download.sha256
        )
        contract.message_post(body=body, attachment_ids=signed.ids)
        self.sudo().message_post(body=body)
        self.sudo().message_notify(
            partner_ids=self.initiator_id.partner_id.ids,
            subject=self.env._("Contract signed: %s", contract.name),
            body=self.env._("%s was signed by every signer; the signed document is on the contract.", contract.name),
        )

    def _check_signed_pdf(self, stream):
        """The signed PDF parses, has the original's pages and a signature."""
        reader = PdfReader(stream)
        if self.page_count and len(reader.pages) != self.page_count:
            raise ValueError(
                self.env._(
                    "The signed document has %(pages)s pages instead of %(expected)s.",
                    pages=len(reader.pages),
                    expected=self.page_count,
                )
            )
        fields_ = (reader.trailer["/Root"].get("/AcroForm") or {}).get("/Fields") or []
        if not any(
            (f.get_object().get("/V") or {}).get_object().get("/Type") == "/Sig"
            for f in fields_
            if f.get_object().get("/V") is not None
        ):
            raise ValueError(self.env._("The signed document carries no signature."))

    def _close(self, status):
        self.ensure_one()
        message = {
            "refused": self.env._("A signer refused: the collection ended without a signed document."),
            "expired": self.env._("The collection expired on jesignexpert.com without every signature."),
            "cancelled": self.env._("The collection was cancelled on jesignexpert.com: nobody can sign it any more."),
        }[status]
        self.sudo().message_post(body=message)
        self.contract_id.sudo().message_post(body=self.env._("%(name)s: %(message)s", name=self.name, message=message))

    @api.model
    def _remind_unfetched(self):
        """A signed document still not fetched after 3 days (jesignexpert.com
        keeps it a month) raises an activity for the initiator."""
        late = self.sudo().search(
            [
                ("state", "=", "signed"),
                ("signed_attachment_id", "=", False),
                ("completed_on", "<", fields.Datetime.now() - timedelta(days=3)),
                ("activity_ids", "=", False),
            ]
        )
        for collection in late:
            collection.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=collection.initiator_id.id,
                summary=self.env._("Signed document not fetched yet"),
                note=self.env._("Odoo could not fetch it yet: %s", collection.fetch_error or "?"),
            )

    def action_open_jesignexpert(self):
        self.ensure_one()
        self.check_access("read")
        return {"type": "ir.actions.act_url", "url": self.jse_url, "target": "new"}

    def action_refresh(self):
        """Asks jesignexpert.com now, as the sync does, signed document included.
        What could not be done is said in a notification (an error would undo
        the news taken)."""
        self.check_access("read")  # one's own collections, or the company's for managers
        api = self.env["jesignexpert.api"]
        problems = []
        for collection in self:
            try:
                with collection._client() as client:
                    transaction = client.get_transaction(collection.jse_id)
                    done = self._sync_one(client, collection._firm(), transaction)
            except jse.JseRateLimited as error:  # the news it took stays
                problems.append(api._error_message(error))
                continue
            except jse.JseError as error:
                raise api._user_error(error) from None
            if done:
                continue
            if collection.fetch_error:
                problems.append(
                    self.env._(
                        "%(name)s: the signed document could not be fetched yet (%(error)s); Odoo tries again "
                        "at its next synchronisation.",
                        name=collection.name,
                        error=collection.fetch_error,
                    )
                )
            else:
                problems.append(
                    self.env._("%s is being synchronised right now: refresh it again in a moment.", collection.name)
                )
        reload = {"type": "ir.actions.client", "tag": "soft_reload"}
        if not problems:
            return reload
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("jesignexpert.com"),
                "message": "\n".join(problems),
                "type": "warning",
                "sticky": True,
                "next": reload,
            },
        }

    def action_cancel(self):
        """Stops a collection in progress, as jesignexpert.com has it now: a
        draft is deleted there, a sent one is cancelled (its signers can no
        longer sign)."""
        self.check_access("read")  # one's own collections, or the company's for managers
        api = self.env["jesignexpert.api"]
        for collection in self:
            if collection.state not in ("draft", "prepared", "sent"):
                raise UserError(self.env._("Only a collection in progress can be cancelled."))
            try:
                outcome = collection._cancel_on_jesignexpert()
            except jse.JseError as error:
                raise api._user_error(error) from None
            if outcome not in ("deleted", "cancelled"):
                states = dict(self._fields["state"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "%(name)s is already %(state)s on jesignexpert.com: it can no longer be cancelled.",
                        name=collection.name,
                        state=states.get(outcome, outcome),
                    )
                )
            collection.sudo().state = "cancelled"
            if outcome == "deleted":
                message = self.env._("Draft deleted, on jesignexpert.com too.")
            else:
                message = self.env._(
                    "Cancelled on jesignexpert.com by %s: nobody can sign it any more.", self.env.user.name
                )
            collection.sudo().message_post(body=message)
            collection.contract_id.sudo().message_post(
                body=self.env._("%(name)s: %(message)s", name=collection.name, message=message)
            )
        return True

    def action_delete_draft(self):
        """The draft's button: the same, said for a draft."""
        return self.action_cancel()

    def _cancel_on_jesignexpert(self):
        """Deletes the draft there, or cancels the sent collection.  Returns
        "deleted", "cancelled", or the status that forbids both."""
        self.ensure_one()
        with self._client() as client:
            try:
                status = client.get_transaction(self.jse_id).status
            except jse.JseNotFound:
                return "deleted"  # already deleted there
            if status in ("draft", "prepared"):
                client.delete_transaction(self.jse_id)
                return "deleted"
            if status != "sent":
                return status
            client.cancel_transaction(self.jse_id)
        return "cancelled"

    @api.model
    def _create_on_jesignexpert(self, contract, firm, access, request):
        """Creates the draft on jesignexpert.com: transaction, document with one
        signature field per signer on its slot's box, signers in order.  If a
        step fails, the transaction is deleted: nothing half-made is left.
        Returns (transaction id, page URL)."""
        with firm._client(access) as client:
            tid = client.create_transaction(
                request["title"],
                request["message"],
                request["mail_sender"],
                request["mail_subject"],
                invitation_mode=request["invitation_mode"],
            )
            try:
                client.upload_file(tid, 1, request["pdf"], request["filename"], request["fields"])
                for signer in request["signers"]:
                    client.add_signatory(
                        tid, signer["name"], signer["email"], signer["order"], [signer["order"]], phone=signer["phone"]
                    )
                client.save_draft(tid)
                url = client.get_transaction(tid).url
            except Exception:
                _delete_quietly(client, tid)
                raise
        return tid, url

    @api.model
    def _delete_draft_on_jesignexpert(self, firm, access, tid):
        """Deletes the draft just made when Odoo failed after it: nothing
        half-made is left on jesignexpert.com."""
        try:
            with firm._client(access) as client:
                _delete_quietly(client, tid)
        except Exception:  # the failure being raised matters more
            _logger.warning("jesignexpert.com draft %s could not be deleted after a failure", tid, exc_info=True)
