# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from types import SimpleNamespace

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import jse
from ..transactions import CONCURRENT_UPDATE, commit, try_lock
from .jesignexpert_drafting import SOURCES

_logger = logging.getLogger(__name__)

LINE_STATES = [
    ("draft", "To send"),
    ("left_out", "Left out"),
    ("waiting", "Waiting"),
    ("prepared", "Draft prepared"),
    ("failed", "Not prepared"),
]


class JesignexpertBulkSendingLine(models.Model):
    """One contract of a bulk sending: its document, its signers, its fate."""

    _name = "jesignexpert.bulk.sending.line"
    _description = "Contract of a bulk sending"
    _inherit = ["jesignexpert.bulk.sending.part.mixin"]
    _order = "sequence, id"
    # How far the contract is, which Odoo alone records as it prepares it.
    _jesignexpert_odoo_sets = ("state", "error", "collection_id", "jse_url", "company_id")
    _jesignexpert_fixed = ("sending_id", "contract_id")

    sending_id = fields.Many2one("jesignexpert.bulk.sending", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="sending_id.company_id", store=True)
    contract_id = fields.Many2one("hr.contract", required=True, readonly=True, ondelete="cascade")
    employee_id = fields.Many2one(related="contract_id.employee_id")
    title = fields.Char("Title of the collection", required=True)
    document_source = fields.Selection(SOURCES, "Document to sign", required=True, default="generated")
    attachment_id = fields.Many2one(
        "ir.attachment",
        "Attached PDF",
        domain="[('res_model', '=', 'hr.contract'), ('res_id', '=', contract_id), "
        "('mimetype', '=', 'application/pdf')]",
    )
    upload = fields.Binary("PDF to upload", attachment=False)
    upload_name = fields.Char("Uploaded file name")
    signer_ids = fields.One2many("jesignexpert.bulk.sending.signer", "line_id", "Signers")
    signer_names = fields.Char("Signer names", compute="_compute_signer_names")
    problem = fields.Char("Cannot be sent", compute="_compute_problem", compute_sudo=True)
    open_collection_id = fields.Many2one(
        "jesignexpert.collection", "Collection in progress", compute="_compute_open_collection_id", compute_sudo=True
    )
    open_collection_name = fields.Char(
        "Name of the collection in progress", compute="_compute_open_collection_id", compute_sudo=True
    )
    state = fields.Selection(LINE_STATES, default="draft", required=True, readonly=True)
    error = fields.Char("Why", readonly=True)
    collection_id = fields.Many2one("jesignexpert.collection", readonly=True)
    jse_url = fields.Char("jesignexpert.com page", readonly=True)

    @api.model
    def _prepare(self, contract, company):
        """The line of ``contract``, its document and signers chosen as the
        single wizard chooses them."""
        drafting = self.env["jesignexpert.drafting"]
        values = {"contract_id": contract.id, **drafting._document_defaults(contract)}
        if contract.active and contract.company_id == company:  # else it is left out: no clause copied for it
            values["signer_ids"] = drafting._signer_commands(contract)
        return values

    @api.depends("signer_ids.name")
    def _compute_signer_names(self):
        for line in self:
            line.signer_names = ", ".join(name for name in line.signer_ids.sorted("sequence").mapped("name") if name)

    @api.depends(
        "contract_id.active",
        "contract_id.company_id",
        "contract_id.jesignexpert_template_id",
        "sending_id.company_id",
        "title",
        "document_source",
        "attachment_id",
        "upload",
        "signer_ids.name",
        "signer_ids.email",
        "signer_ids.phone",
    )
    @api.depends_context("uid")
    def _compute_problem(self):
        for line in self:
            # Computed as superuser: nothing of a contract its reader may not read.
            line.problem = (
                line._find_problem()
                if line._contract_readable()
                else self.env._("You are not allowed to read this contract.")
            )

    def _contract_readable(self):
        """Whether the reader (not the superuser the computation runs as) may read the contract."""
        self.ensure_one()
        return self.contract_id.with_env(self.env(su=False)).has_access("read")

    def _find_problem(self):
        """Why the contract cannot be sent as it is, in words; else False."""
        contract = self.contract_id
        if not contract.active:
            return self.env._("The contract is archived.")
        if contract.company_id != self.sending_id.company_id:
            return self.env._(
                "The contract belongs to %(company)s, not to %(current)s: send it from %(company)s.",
                company=contract.company_id.name,
                current=self.sending_id.company_id.name,
            )
        if self.document_source == "generated" and not contract.jesignexpert_template_id:
            return self.env._("No document: the contract has no document template and no PDF was chosen.")
        if self.document_source == "attachment" and not self.attachment_id:
            return self.env._("No document: choose a PDF attached to the contract.")
        if self.document_source == "upload" and not self.upload:
            return self.env._("No document: the contract has no template and no PDF attached; upload one.")
        signers = self.signer_ids.sorted("sequence")
        if not signers:
            return self.env._("No signer.")
        for signer in signers:
            if not (signer.name or "").strip():
                return self.env._("%s: the signer's name is missing.", signer.label or signer.sequence)
            if not (signer.email or "").strip():
                return self.env._("%s has no e-mail address.", signer.name)
        try:
            jse.check_title(self.title)
            jse.check_signatories([(s.name, s.email, s.phone) for s in signers])
        except jse.JseValidationError as error:
            return self.env["jesignexpert.api"]._error_message(error)
        return False

    @api.depends("contract_id", "collection_id")
    @api.depends_context("uid")
    def _compute_open_collection_id(self):
        """Another collection of the contract still in progress (the one this
        sending made does not count)."""
        for line in self:
            previous = line.contract_id.jesignexpert_collection_ids.filtered(
                lambda c, line=line: c.state in jse.OPEN_STATUSES and c != line.collection_id
            ).sorted("id")[-1:]
            if not line._contract_readable():
                previous = previous.browse()
            line.open_collection_id = previous
            line.open_collection_name = previous.name

    def _in_progress_note(self):
        return self.env._("%s is still in progress for this contract.", self.open_collection_name)

    @api.constrains("upload", "upload_name")
    def _check_upload(self):
        """A bad upload is refused at once, in words, before anything is sent."""
        drafting = self.env["jesignexpert.drafting"]
        for line in self.filtered("upload"):
            filename = line.upload_name or "document.pdf"
            drafting._check_document(drafting._decode_upload(line.upload, filename), filename)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._check_readable(
                    self._jesignexpert_record(vals, "contract_id"), self._jesignexpert_record(vals, "attachment_id")
                )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and vals.get("attachment_id"):
            attachment = self._jesignexpert_record(vals, "attachment_id")
            for line in self:
                line._check_readable(line.contract_id, attachment)
        return super().write(vals)

    @api.model
    def _check_readable(self, contract, attachment):
        """What a line names is what its author may read: the contract, and a
        PDF attached to it (checked as the user, before anything of it is
        read as superuser)."""
        contract.check_access("read")
        if attachment:
            self.env["jesignexpert.drafting"]._check_attachment(contract, attachment)

    # ---------------------------------------------------------- preparing --

    def _prepare_isolated(self, rendered=None):
        """Prepares this contract's draft as the sending's initiator, in a
        transaction of its own: a failure is written on the line, never
        raised.  Returns 1 when the line was handled, 0 when it was left for
        the next batch (another transaction holds it).  jesignexpert.com
        asking to slow down is raised (JseRateLimited): the line waits, and
        so do the others.  ``rendered``: its contract's document, rendered
        with others' (see _prepare_draft)."""
        self.ensure_one()
        line = self.sending_id._as_initiator(self)
        try:
            with self.env.cr.savepoint():
                if not try_lock(self):
                    return 0
                self.invalidate_recordset(["state"])
                if self.state != "waiting":  # another run took it meanwhile
                    return 0
                line._prepare_draft(rendered)
        except CONCURRENT_UPDATE as error:
            _logger.info("jesignexpert.com bulk sending line %s met another transaction (%s)", self.id, error.pgcode)
            if self.env.context.get("jesignexpert_auto_commit"):
                self.env.cr.rollback()
            return 0
        except (UserError, ValidationError) as error:
            self._failed(error.args[0])
        except jse.JseRateLimited:
            raise  # not this contract's failure: the job pauses
        except jse.JseError as error:
            self._failed(line.env["jesignexpert.api"]._error_message(error))
        except Exception as error:  # one contract's trouble must not stop the others
            _logger.exception("jesignexpert.com bulk sending line %s failed", self.id)
            self._failed(line.env._("Unexpected error: %s", error.__class__.__name__))
        commit(self.env)  # each contract on its own
        return 1

    def _failed(self, message):
        self.sudo().write({"state": "failed", "error": str(message)[:500]})

    def _prepare_draft(self, rendered=None):
        """The draft of this contract on jesignexpert.com, as the single
        wizard makes it; the collection in Odoo records it.  ``rendered``:
        (PDF, fingerprint of the document it shows) of the contract's
        document rendered with others' a moment ago, taken unless the
        contract changed since."""
        contract = self.contract_id
        contract._jesignexpert_check_can_sign()  # the initiator's rights now, not at confirmation
        self.env["jesignexpert.drafting"]._check_sender()
        problem = self._find_problem()  # the contract may have changed since
        if problem:
            raise UserError(problem)
        drafting = self.env["jesignexpert.drafting"]
        # The fingerprint of the contract's document now (its PDF's bytes hold the time they were rendered).
        key = self.document_source == "generated" and self.env["jesignexpert.collection"]._document_hash(contract)
        pdf, filename = drafting._document_source(
            contract,
            self.document_source,
            self.attachment_id,
            self.upload,
            self.upload_name,
            rendered=rendered[0] if rendered and key and rendered[1] == key else None,
        )
        pages = drafting._check_document(pdf, filename)
        firm = self.env["jesignexpert.firm"]._active_firm(contract.company_id)
        access, drafter = drafting._drafting_access(firm)
        previous = self.open_collection_id
        if previous:
            if self.sending_id.duplicate_choice not in ("cancel", "another"):
                raise UserError(self._in_progress_note())
            drafting._check_previous(previous, self.sending_id.duplicate_choice)
        sending = self.sending_id
        request = drafting._request(
            SimpleNamespace(
                title=self.title,
                message=sending.message,
                mail_sender=sending.mail_sender,
                mail_subject=sending.mail_subject,
                invitation_mode=sending.invitation_mode,
            ),
            pdf,
            filename,
            self.signer_ids,
        )
        if key:
            # Rendered anew at each try (its bytes hold the time): what it says is what counts.
            request["document_key"] = key
        collection = drafting._make_draft(
            self, contract, firm, access, drafter, request, pages, generated=self.document_source == "generated"
        )
        # The collection in progress is cancelled only now that the new one is made.
        problem = drafting._settle_previous(contract, previous, self.sending_id.duplicate_choice, collection)
        self.sudo().write(
            {
                "state": "prepared",
                "error": problem or False,
                "collection_id": collection.id,
                "jse_url": collection.jse_url,
            }
        )
