# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io

from markupsafe import Markup
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import html_escape

from .. import pdf_slots
from ..jse import client as jse
from ..models.jesignexpert_sync import CONCURRENT_UPDATE

STEPS = [("document", "Document"), ("signers", "Signers"), ("sending", "Sending")]
DEFAULT_MESSAGE = "Bonjour,\n\nVous êtes invité à signer des documents sur la plateforme jesignexpert.com"
SOURCES = [
    ("generated", "The contract's document"),
    ("attachment", "A PDF attached to the contract"),
    ("upload", "A PDF to upload"),
]
# A document about an employee that no contract holds: no template to render it.
EMPLOYEE_SOURCES = [("attachment", "A PDF attached to the employee"), ("upload", "A PDF to upload")]
# The document sent is the one Odoo makes from the source chosen
# (_document_source): no client sets it, nor moves the wizard to another contract
# or employee.
DOCUMENT_FIELDS = ("pdf", "pdf_name", "pdf_pages", "pdf_size", "fields_at_the_foot")
SOURCE_FIELDS = ("document_source", "employee_source", "attachment_id", "upload", "upload_name")


class JesignexpertCollectionWizard(models.TransientModel):
    """ "Signature électronique": the document, the signers, the sending."""

    _name = "jesignexpert.collection.wizard"
    _description = "Send a contract for electronic signature"

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
    invitation_mode = fields.Selection(
        [("sequential", "Sequential invitations"), ("parallel", "Parallel invitations")],
        "Invitations",
        default="sequential",
        required=True,
    )
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
        attached = self.env["ir.attachment"].search(self._attachment_domain(employee), limit=1, order="id desc")
        person = employee.sudo()  # its private e-mail is HR's; the user may read the employee (checked)
        signers = [
            self.env["jesignexpert.signature.slot"]._employer_signer(employee.company_id),
            {
                "name": person.name or "",
                "email": person.work_email or person.private_email or "",
                "phone": person.mobile_phone or "",
                "referent": "employee",
            },
        ]
        return {
            "employee_id": employee.id,
            "title": (attached.name or employee.name or "").removesuffix(".pdf")[: jse.TITLE_MAX],
            "document_source": "attachment" if attached else "upload",
            "attachment_id": attached.id,
            "line_ids": [
                Command.create(dict(signer, sequence=n, label=self.env._("Signature %s", n)))
                for n, signer in enumerate(signers, start=1)
            ],
            **self._sending_defaults(employee.company_id),
        }

    @api.model
    def _sending_defaults(self, company):
        return {
            "mail_sender": company.name[: jse.SENDER_MAX],
            "mail_subject": self.env._("%s invites you to sign a document", company.name)[: jse.SUBJECT_MAX],
            "message": DEFAULT_MESSAGE,
        }

    @api.model
    def _prepare(self, contract):
        """The wizard's values for ``contract``: its signers, the defaults
        (its document is set by create)."""
        company = contract.company_id
        attached = self.env["ir.attachment"].search(self._attachment_domain(contract), limit=1, order="id desc")
        source = "generated" if contract.jesignexpert_template_id else ("attachment" if attached else "upload")
        return {
            "contract_id": contract.id,
            "title": (contract.name or "")[: jse.TITLE_MAX],
            "document_source": source,
            "attachment_id": attached.id if source == "attachment" else False,
            "line_ids": [
                Command.create(
                    {
                        "sequence": signer["order"],
                        "label": signer["label"],
                        "referent": signer["referent"],
                        "name": signer["name"],
                        "email": signer["email"],
                        "phone": signer["phone"],
                    }
                )
                for signer in contract._jesignexpert_signers()
            ],
            "mail_sender": company.name[: jse.SENDER_MAX],
            "mail_subject": self.env._("%s invites you to sign a document", company.name)[: jse.SUBJECT_MAX],
            "message": self._default_message(),
        }

    @api.model
    def _default_message(self):
        return DEFAULT_MESSAGE

    @api.model_create_multi
    def create(self, vals_list):
        """A wizard only for a contract (or an employee) the user may send,
        with the document Odoo chooses for it."""
        if any(name in vals for vals in vals_list for name in DOCUMENT_FIELDS):
            raise AccessError(self._document_refused())
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            contract = self.env["hr.contract"].browse(vals.get("contract_id"))
            employee = self.env["hr.employee"].browse(vals.get("employee_id"))
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
            document = self._document_source(
                subject,
                vals.get("document_source") or "generated",
                self.env["ir.attachment"].browse(vals.get("attachment_id")),
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
                document = self._document_source(
                    wizard._subject(), wizard.document_source, wizard.attachment_id, wizard.upload, wizard.upload_name
                )
                super(JesignexpertCollectionWizard, wizard).write(self._document_values(*(document or ())))
        return res

    @api.depends("contract_id", "employee_id")
    def _compute_open_collection_id(self):
        """Whoever initiated it: a colleague's collection counts too (only its
        name and state are shown).  For an employee, the collections of
        documents no contract holds (not those of their contracts)."""
        for wizard in self:
            if wizard.contract_id:
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

    @api.model
    def _attachment_domain(self, subject):
        """The PDFs attached to ``subject`` (a contract, or an employee)."""
        return [("res_model", "=", subject._name), ("res_id", "=", subject.id), ("mimetype", "=", "application/pdf")]

    def _document_refused(self):
        return self.env._("The document to sign is the one Odoo prepares from the contract: it cannot be replaced.")

    @api.model
    def _document_source(self, contract, source, attachment, upload, upload_name):
        """The document to sign and its file name, made here from the source
        chosen, never taken as the client sends it: the contract rendered by
        Odoo's report engine, a PDF attached to this contract (which the user
        may read), or the file just uploaded.  None while nothing is chosen.
        ``contract`` may be an employee instead: a PDF attached to the
        employee, or uploaded."""
        if contract._name == "hr.employee":
            return self._employee_document_source(contract, source, attachment, upload, upload_name)
        if source == "generated":
            if not contract.jesignexpert_template_id:
                raise ValidationError(
                    self.env._("This contract has no document template: choose a PDF attached to it, or upload one.")
                )
            return contract._jesignexpert_pdf(), f"{contract.name}.pdf"
        if source == "attachment":
            if not attachment:
                return None
            if attachment.res_model != "hr.contract" or attachment.res_id != contract.id:
                raise AccessError(self.env._("Only a document attached to this contract can be chosen."))
            attachment.check_access("read")
            return attachment.raw, attachment.name
        if not upload:
            return None
        return base64.b64decode(upload), upload_name or f"{contract.name}.pdf"

    @api.model
    def _employee_document_source(self, employee, source, attachment, upload, upload_name):
        """_document_source for a document about ``employee``: no template
        renders it."""
        if source == "generated":
            raise ValidationError(
                self.env._("A document about an employee is a PDF: choose one attached to the employee, or upload one.")
            )
        if source == "attachment":
            if not attachment:
                return None
            if attachment.res_model != "hr.employee" or attachment.res_id != employee.id:
                raise AccessError(self.env._("Only a document attached to this employee can be chosen."))
            attachment.check_access("read")
            return attachment.raw, attachment.name
        if not upload:
            return None
        return base64.b64decode(upload), upload_name or f"{employee.name}.pdf"

    @api.model
    def _document_values(self, pdf=None, filename=None):
        if pdf is None:  # no document chosen yet
            return dict.fromkeys(DOCUMENT_FIELDS, False)
        return {
            "pdf": base64.b64encode(pdf),
            "pdf_name": filename,
            "pdf_pages": self._check_document(pdf, filename),
            "pdf_size": self.env._("%s KB", max(1, round(len(pdf) / 1024))),
            "fields_at_the_foot": not self._slot_boxes(pdf, filename),
        }

    @api.model
    def _check_document(self, pdf, filename):
        """Refuses, in the user's words, what jesignexpert.com would not sign:
        an empty file, not a PDF, too large, or a PDF that cannot be read.
        Returns its number of pages."""
        try:
            jse.check_pdf(pdf, filename)
            reader = PdfReader(io.BytesIO(pdf))
            if reader.is_encrypted:
                raise ValidationError(
                    self.env._("%s is protected by a password: jesignexpert.com cannot sign it.", filename)
                )
            return len(reader.pages)
        except jse.JseValidationError as error:
            raise ValidationError(self.env["jesignexpert.api"]._error_message(error)) from None
        except (PyPdfError, ValueError, KeyError, TypeError) as error:
            raise ValidationError(
                self.env._("%(name)s is not a readable PDF document (%(error)s).", name=filename, error=error)
            ) from None

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
        for step in ("document", "signers", "sending"):
            self.step = step
            self._check_step()
        contract = self._subject()  # the contract, else the employee
        contract._jesignexpert_check_can_sign()
        firm = self.env["jesignexpert.firm"]._active_firm(contract.company_id)
        access, drafter = self._drafting_access(firm)
        self._settle_open_collection()
        pdf = base64.b64decode(self.pdf or b"")
        pages = self._check_document(pdf, self.pdf_name)
        request = self._request(self, pdf, self.pdf_name, self.line_ids)
        api = self.env["jesignexpert.api"]
        drafts = self.env["jesignexpert.draft"]
        try:
            tid, url = drafts._make(self, firm, access, request)
        except jse.JseError as error:
            raise api._user_error(error) from None
        try:
            # Whatever fails in Odoo from here on (a write, the chatter) must
            # not leave the draft alone on jesignexpert.com.
            with self.env.cr.savepoint():
                collection = self._record_collection(
                    contract, firm, drafter, tid, url, pages, request, generated=self.document_source == "generated"
                )
        except CONCURRENT_UPDATE:
            raise  # Odoo replays the request, which takes this draft again
        except Exception:
            drafts._delete_draft(firm, access, tid)
            raise
        drafts._taken(tid)
        if not url:  # jesignexpert.com did not say where: the collection's form has the button
            return {
                "type": "ir.actions.act_window",
                "res_model": collection._name,
                "res_id": collection.id,
                "view_mode": "form",
                "target": "current",
            }
        # The browser goes to the draft's page, where a collaborator checks and sends it.
        return {"type": "ir.actions.act_url", "url": url, "target": "self"}

    @api.model
    def _drafting_access(self, firm):
        """(access, user) that makes the draft on jesignexpert.com: the user's
        own access, else that of the collaborator who linked the cabinet."""
        access = firm._own_access(self.env.user)
        drafter = self.env.user
        if not access:
            access = firm._own_access(firm.linked_by_id)
            drafter = firm.linked_by_id
        if not access:
            raise UserError(self._confirmers_message(firm))
        return access, drafter

    @api.model
    def _request(self, sending, pdf, filename, lines):
        """What jesignexpert.com is asked to make: ``sending``'s title and
        e-mail, the document and its signers (``lines``, in order)."""
        lines = lines.sorted("sequence")
        return {
            "title": sending.title,
            "message": sending.message or "",
            "mail_sender": sending.mail_sender,
            "mail_subject": sending.mail_subject,
            "invitation_mode": sending.invitation_mode,
            "pdf": pdf,
            "filename": filename,
            "fields": self._sign_fields(pdf, len(lines), filename),
            "signers": [
                {
                    "order": n,
                    "name": line.name,
                    "email": line.email,
                    "phone": line.phone or "",
                    "referent": line.referent or False,
                }
                for n, line in enumerate(lines, start=1)
            ],
        }

    def _settle_open_collection(self):
        self._settle_previous(self._subject(), self.open_collection_id, self.duplicate_choice)

    @api.model
    def _settle_previous(self, contract, previous, choice):
        """The collection already in progress: cancelled first, on
        jesignexpert.com too (with the user's own rights on it), or left as it
        is at the user's explicit choice, which the contract's (or the
        employee's) chatter keeps.  ``contract`` may be an employee."""
        if not previous:
            return
        if choice == "cancel":
            previous.with_env(self.env).action_cancel()
        else:
            # An employee's chatter, for whoever may read the employee (checked): the form is HR's.
            subject = contract.sudo() if contract._name == "hr.employee" else contract
            subject.message_post(
                body=self.env._(
                    "%(user)s sent another collection while %(previous)s was still in progress.",
                    user=self.env.user.name,
                    previous=previous.name,
                )
            )

    @api.model
    def _sign_fields(self, pdf, count, filename):
        """One signature field per signer, on its slot's box (else at the foot
        of the last page)."""
        boxes = self._slot_boxes(pdf, filename)
        foot = []  # read the PDF once more only when a signer has no box
        if any(n not in boxes for n in range(1, count + 1)):
            foot = pdf_slots.fields_at_the_foot(pdf, count, jse.SIGN_FIELD_WIDTH, jse.SIGN_FIELD_HEIGHT)
        return [
            jse.SignField(order=n, page=boxes[n].page, x=boxes[n].left, y=boxes[n].top)
            if n in boxes
            else jse.SignField(order=n, page=foot[n - 1][0], x=foot[n - 1][1], y=foot[n - 1][2])
            for n in range(1, count + 1)
        ]

    @api.model
    def _slot_boxes(self, pdf, filename):
        """The signature clause's boxes found in the PDF (none in a PDF that
        Odoo did not write)."""
        try:
            return pdf_slots.find_slot_boxes(pdf)
        except (PyPdfError, ValueError, KeyError, TypeError) as error:
            raise ValidationError(
                self.env._("%(name)s is not a readable PDF document (%(error)s).", name=filename, error=error)
            ) from None

    @api.model
    def _record_collection(self, contract, firm, drafter, tid, url, pages, request, generated=True):
        """The collection in Odoo of the draft just made, and the notes.
        ``contract`` may be an employee (a document no contract holds).  A
        document Odoo did not render from the contract (``generated``
        False) keeps no fingerprint of the contract's: it cannot "change"."""
        subject = {"employee_id": contract.id} if contract._name == "hr.employee" else {"contract_id": contract.id}
        if not generated:
            subject["document_sha256"] = False
        collection = (
            self.env["jesignexpert.collection"]
            .sudo()
            .create(
                {
                    "name": request["title"],
                    **subject,
                    "firm_id": firm.id,
                    "initiator_id": self.env.user.id,
                    "drafted_with_id": drafter.id,
                    "jse_id": tid,
                    "jse_url": url,
                    "page_count": pages,
                    "signer_ids": [
                        Command.create(
                            {
                                "sequence": s["order"],
                                "name": s["name"],
                                "email": s["email"],
                                "phone": s["phone"],
                                "referent": s["referent"],
                            }
                        )
                        for s in request["signers"]
                    ],
                }
            )
        )
        note = self.env._("Draft created on jesignexpert.com by %s.", self.env.user.name)
        if drafter != self.env.user:
            note += " " + self._confirmers_message(firm)
        collection.message_post(body=note)
        # An employee's chatter, for whoever may read the employee (checked): the form is HR's.
        subject = contract.sudo() if contract._name == "hr.employee" else contract
        subject.message_post(body=self.env._("Signature collection %s prepared on jesignexpert.com.", collection.name))
        return collection

    def _confirmers_message(self, firm):
        names = ", ".join(sorted(set(firm.sudo().access_ids.filtered(lambda a: not a.expired).mapped("user_id.name"))))
        return self.env._(
            "You have no jesignexpert.com access of your own: the collection is confirmed on jesignexpert.com "
            "by a collaborator with access to the cabinet %(firm)s (%(names)s).",
            firm=firm.name,
            names=names or self.env._("none has linked their access yet"),
        )
