# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import html_escape

from .. import jse
from ..models.jesignexpert_drafting import EMPLOYEE_SOURCES, INVITATION_MODES, SOURCES

STEPS = [("document", "Document"), ("signers", "Signers"), ("sending", "Sending")]
# The document sent is the one Odoo makes from the source chosen
# (_document_source): no client sets it, nor moves the wizard to another contract
# or employee.
DOCUMENT_FIELDS = ("pdf", "pdf_name", "pdf_pages", "pdf_size", "fields_at_the_foot")
SOURCE_FIELDS = ("document_source", "employee_source", "attachment_id", "upload", "upload_name")


class JesignexpertCollectionWizard(models.TransientModel):
    """ "Signature électronique": the document, the signers, the sending."""

    _name = "jesignexpert.collection.wizard"
    _description = "Send a contract for electronic signature"
    _inherit = ["jesignexpert.guarded.mixin"]
    _jesignexpert_odoo_sets = ("confirmed_collection_id",)

    step = fields.Selection(STEPS, default="document", required=True)
    contract_id = fields.Many2one("hr.contract", readonly=True)
    # Only for a document about an employee that no contract holds (from the employee's form).
    employee_id = fields.Many2one("hr.employee", readonly=True)
    company_id = fields.Many2one("res.company", compute="_compute_company_id")
    title = fields.Char("Title of the collection", required=True)
    document_source = fields.Selection(SOURCES, "Document to sign", required=True, default="generated")
    # The same choice, offered without the contract's document for an employee.
    employee_source = fields.Selection(
        EMPLOYEE_SOURCES,
        "Document about the employee",
        compute="_compute_employee_source",
        inverse="_inverse_employee_source",
    )
    attached_model = fields.Char("Attached to (model)", compute="_compute_attached_to")
    attached_id = fields.Integer("Attached to (id)", compute="_compute_attached_to")
    attachment_id = fields.Many2one(
        "ir.attachment",
        "Attached PDF",
        domain="[('res_model', '=', attached_model), ('res_id', '=', attached_id), "
        "('mimetype', '=', 'application/pdf')]",
    )
    upload = fields.Binary("PDF to upload", attachment=False)
    upload_name = fields.Char("Uploaded file name")
    open_collection_id = fields.Many2one(
        "jesignexpert.collection",
        "Collection in progress",
        compute="_compute_open_collection_id",
        compute_sudo=True,
        help="A collection of this contract not signed yet.",
    )
    open_collection_name = fields.Char(
        "Name of the collection in progress", compute="_compute_open_collection_id", compute_sudo=True
    )
    open_collection_state = fields.Selection(
        list(jse.TRANSACTION_STATES), "Its state", compute="_compute_open_collection_id", compute_sudo=True
    )
    duplicate_choice = fields.Selection(
        [("cancel", "Cancel it on jesignexpert.com, then send this one"), ("another", "Send another one anyway")],
        "This contract already has a collection in progress",
    )
    # The collection this wizard's confirmation made: a second click answers with it.
    confirmed_collection_id = fields.Many2one("jesignexpert.collection", readonly=True)
    cdd_deadline = fields.Date(related="contract_id.jesignexpert_cdd_deadline")
    cdd_at_risk = fields.Boolean(related="contract_id.jesignexpert_cdd_at_risk")
    has_template = fields.Boolean("The contract has a document template", compute="_compute_has_template")
    fields_at_the_foot = fields.Boolean(
        "Signature fields placed by default",
        readonly=True,
        help="The document has no signature clause: each signer's field is placed at the foot of its last page.",
    )
    pdf = fields.Binary("Document", readonly=True, attachment=False)
    pdf_name = fields.Char("File name", readonly=True)
    pdf_pages = fields.Integer("Pages", readonly=True)
    pdf_size = fields.Char("Size", readonly=True)
    line_ids = fields.One2many("jesignexpert.collection.wizard.line", "wizard_id", "Signers")
    mail_sender = fields.Char("Sender label of the e-mails")
    mail_subject = fields.Char("Subject of the invitation e-mail")
    message = fields.Text("Message of the collection")
    invitation_mode = fields.Selection(INVITATION_MODES, "Invitations", default="sequential", required=True)
    email_preview = fields.Html("Invitation e-mail", compute="_compute_email_preview", sanitize=False)

    @api.depends("contract_id.company_id", "employee_id.company_id")
    def _compute_company_id(self):
        for wizard in self:
            wizard.company_id = wizard.contract_id.company_id or wizard.employee_id.company_id

    @api.depends("document_source")
    def _compute_employee_source(self):
        for wizard in self:
            source = wizard.document_source
            wizard.employee_source = source if source in dict(EMPLOYEE_SOURCES) else False

    def _inverse_employee_source(self):
        for wizard in self:
            if wizard.employee_source:
                wizard.document_source = wizard.employee_source

    @api.onchange("employee_source")
    def _onchange_employee_source(self):
        """The form shows the fields of the source chosen (its inverse runs at the saving only)."""
        if self.employee_source:
            self.document_source = self.employee_source

    @api.depends("contract_id", "employee_id")
    def _compute_attached_to(self):
        for wizard in self:
            subject = wizard._subject()
            wizard.attached_model = subject._name
            wizard.attached_id = subject.id

    def _subject(self):
        """What the document is about: the contract, else the employee."""
        self.ensure_one()
        return self.contract_id or self.employee_id

    @api.model
    def _prepare_employee(self, employee):
        """The wizard's values for a document about ``employee`` that no
        contract holds: a PDF attached to the employee, else one to upload;
        the employer's representative and the employee sign it."""
        attached = self.env["jesignexpert.drafting"]._latest_attached_pdf(employee)
        slots = self.env["jesignexpert.signature.slot"]
        signers = [slots._employer_signer(employee.company_id), slots._employee_signer(employee)]
        return {
            "employee_id": employee.id,
            "title": (attached.name or employee.name or "").removesuffix(".pdf")[: jse.TITLE_MAX],
            "document_source": "attachment" if attached else "upload",
            "attachment_id": attached.id,
            "line_ids": [
                Command.create(dict(signer, sequence=n, label=self.env._("Signature %s", n)))
                for n, signer in enumerate(signers, start=1)
            ],
            **self.env["jesignexpert.drafting"]._sending_defaults(employee.company_id),
        }

    @api.model
    def _prepare(self, contract):
        """The wizard's values for ``contract``: its signers, the defaults
        (its document is set by create)."""
        drafting = self.env["jesignexpert.drafting"]
        return {
            "contract_id": contract.id,
            **drafting._document_defaults(contract),
            "line_ids": drafting._signer_commands(contract),
            **drafting._sending_defaults(contract.company_id),
        }

    @api.model_create_multi
    def create(self, vals_list):
        """A wizard only for a contract (or an employee) the user may send,
        with the document Odoo chooses for it."""
        if any(name in vals for vals in vals_list for name in DOCUMENT_FIELDS):
            raise AccessError(self._document_refused())
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            contract = self._jesignexpert_record(vals, "contract_id")
            employee = self._jesignexpert_record(vals, "employee_id")
            if contract and employee:
                raise UserError(
                    self.env._("Open the electronic signature from a contract or from an employee, not both.")
                )
            subject = contract or employee
            if not subject:
                raise UserError(self.env._("Open the electronic signature from a contract or from an employee."))
            subject._jesignexpert_check_can_sign()
            if employee:
                vals["document_source"] = vals.pop("employee_source", None) or vals.get("document_source") or "upload"
            document = self.env["jesignexpert.drafting"]._document_source(
                subject,
                vals.get("document_source") or "generated",
                self._jesignexpert_record(vals, "attachment_id"),
                vals.get("upload"),
                vals.get("upload_name"),
            )
            vals.update(self._document_values(*(document or ())))
        return super().create(vals_list)

    def write(self, vals):
        if any(name in vals for name in (*DOCUMENT_FIELDS, "contract_id", "employee_id")):
            raise AccessError(self._document_refused())
        res = super().write(vals)
        if any(name in vals for name in SOURCE_FIELDS):
            for wizard in self:  # the document follows the source chosen, read here
                document = self.env["jesignexpert.drafting"]._document_source(
                    wizard._subject(), wizard.document_source, wizard.attachment_id, wizard.upload, wizard.upload_name
                )
                super(JesignexpertCollectionWizard, wizard).write(self._document_values(*(document or ())))
        return res

    @api.depends("contract_id", "employee_id")
    @api.depends_context("uid")
    def _compute_open_collection_id(self):
        """Whoever initiated it: a colleague's collection counts too (only its
        name and state are shown), for a reader who may read the contract (or
        the employee).  For an employee, the collections of documents no
        contract holds (not those of their contracts)."""
        for wizard in self:
            if not wizard._subject().with_env(self.env(su=False)).has_access("read"):
                collections = self.env["jesignexpert.collection"]
            elif wizard.contract_id:
                collections = wizard.contract_id.jesignexpert_collection_ids
            else:
                collections = wizard.employee_id.jesignexpert_collection_ids.filtered(lambda c: not c.contract_id)
            previous = collections.filtered(lambda c: c.state in jse.OPEN_STATUSES).sorted("id")[-1:]
            wizard.open_collection_id = previous
            wizard.open_collection_name = previous.name
            wizard.open_collection_state = previous.state

    def action_open_collection(self):
        """Opens the collection in progress (if the user may read it)."""
        self.ensure_one()
        previous = self.open_collection_id.with_env(self.env)
        previous.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": previous._name,
            "res_id": previous.id,
            "views": [(False, "form")],
        }

    @api.depends("contract_id.jesignexpert_template_id")
    def _compute_has_template(self):
        for wizard in self:
            wizard.has_template = bool(wizard.contract_id.jesignexpert_template_id)

    def _document_refused(self):
        return self.env._("The document to sign is the one Odoo prepares from the contract: it cannot be replaced.")

    @api.model
    def _document_values(self, pdf=None, filename=None):
        if pdf is None:  # no document chosen yet
            return dict.fromkeys(DOCUMENT_FIELDS, False)
        drafting = self.env["jesignexpert.drafting"]
        return {
            "pdf": base64.b64encode(pdf),
            "pdf_name": filename,
            "pdf_pages": drafting._check_document(pdf, filename),
            "pdf_size": self.env._("%s KB", max(1, round(len(pdf) / 1024))),
            "fields_at_the_foot": not drafting._slot_boxes(pdf, filename),
        }

    @api.depends("mail_sender", "mail_subject", "message", "line_ids.name")
    def _compute_email_preview(self):
        for wizard in self:
            first = wizard.line_ids.sorted("sequence")[:1]
            wizard.email_preview = Markup("<p><b>{}</b> {}</p><p><b>{}</b> {}</p><hr/><p>{}</p><p>{}</p>").format(
                self.env._("From:"),
                wizard.mail_sender or "",
                self.env._("Subject:"),
                wizard.mail_subject or "",
                self.env._("Dear %s,", first.name or ""),
                Markup("<br/>").join(html_escape(line) for line in (wizard.message or "").splitlines()),
            )

    # ---------------------------------------------------------------- steps --

    def _check_step(self):
        """Refuses bad values of the current step, before anything is sent."""
        self.ensure_one()
        api = self.env["jesignexpert.api"]
        try:
            if self.step == "document":
                jse.check_title(self.title)
                if not self.pdf:
                    raise ValidationError(self.env._("Choose the document to sign."))
                if self.open_collection_id and not self.duplicate_choice:
                    raise ValidationError(
                        self.env._(
                            "%s is still in progress for this contract: cancel it, or send another one anyway.",
                            self.open_collection_id.name,
                        )
                        if self.contract_id
                        else self.env._(
                            "%s is still in progress for this employee: cancel it, or send another one anyway.",
                            self.open_collection_id.name,
                        )
                    )
            elif self.step == "signers":
                for line in self.line_ids:
                    if not (line.name or "").strip():
                        raise ValidationError(self.env._("%s: the signer's name is missing.", line.label))
                jse.check_signatories([(line.name, line.email, line.phone) for line in self.line_ids])
            else:
                jse.check_transaction(
                    self.title, self.message, self.mail_sender, self.mail_subject, self.invitation_mode
                )
        except jse.JseValidationError as error:
            raise ValidationError(api._error_message(error)) from None

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Electronic signature"),
        }

    def action_next(self):
        self.check_access("write")  # the creator's wizard only
        self._check_step()
        order = [key for key, _label in STEPS]
        self.step = order[order.index(self.step) + 1]
        return self._reopen()

    def action_back(self):
        self.check_access("write")
        order = [key for key, _label in STEPS]
        self.step = order[max(0, order.index(self.step) - 1)]
        return self._reopen()

    # --------------------------------------------------------------- confirm --

    def action_confirm(self):
        """Creates the draft on jesignexpert.com and opens its page there."""
        self.ensure_one()
        self.check_access("write")  # the creator's wizard only
        # A double click: the second request waits for the first, then finds its collection.
        self.env.cr.execute("SELECT id FROM jesignexpert_collection_wizard WHERE id = %s FOR UPDATE", [self.id])
        self.invalidate_recordset(["confirmed_collection_id"])
        if self.confirmed_collection_id:
            return self._open_made(self.confirmed_collection_id.sudo())
        for step in ("document", "signers", "sending"):
            self.step = step
            self._check_step()
        contract = self._subject()  # the contract, else the employee
        contract._jesignexpert_check_can_sign()
        drafting = self.env["jesignexpert.drafting"]
        firm = self.env["jesignexpert.firm"]._active_firm(contract.company_id)
        access, drafter = drafting._drafting_access(firm)
        previous = self.open_collection_id
        drafting._check_previous(previous, self.duplicate_choice)
        pdf = base64.b64decode(self.pdf or b"")
        pages = drafting._check_document(pdf, self.pdf_name)
        request = drafting._request(self, pdf, self.pdf_name, self.line_ids)
        api = self.env["jesignexpert.api"]
        try:
            collection = drafting._make_draft(
                self, contract, firm, access, drafter, request, pages, generated=self.document_source == "generated"
            )
        except jse.JseError as error:
            raise api._user_error(error) from None
        self.sudo().confirmed_collection_id = collection
        # The collection in progress is cancelled only now that the new one is made.
        problem = drafting._settle_previous(contract, previous, self.duplicate_choice, collection)
        action = self._open_made(collection)
        if problem:
            return api._notification(problem, ok=False, sticky=True, next_action=action)
        return action

    def _open_made(self, collection):
        if not collection.jse_url:  # jesignexpert.com did not say where: the collection's form has the button
            return {
                "type": "ir.actions.act_window",
                "res_model": collection._name,
                "res_id": collection.id,
                "view_mode": "form",
                "target": "current",
            }
        # The browser goes to the draft's page, where a collaborator checks and sends it.
        return {"type": "ir.actions.act_url", "url": collection.jse_url, "target": "self"}
