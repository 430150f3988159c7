# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What making a collection's draft takes, shared by the three-step wizard
(one contract, or one employee) and the bulk sending (each of its contracts):
the document to sign and its checks, the signature fields, the access that
makes the draft, the request to jesignexpert.com, and the collection that
records it in Odoo.  The draft itself is made by ``jesignexpert.draft``."""

import base64
import io

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from odoo import api, models
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.fields import Command

from .. import jse, pdf_slots
from ..transactions import CONCURRENT_UPDATE

INVITATION_MODES = [("sequential", "Sequential invitations"), ("parallel", "Parallel invitations")]
# Where the document to sign comes from (see _document_source).
SOURCES = [
    ("generated", "The contract's document"),
    ("attachment", "A PDF attached to the contract"),
    ("upload", "A PDF to upload"),
]
# A document about an employee that no contract holds: no template to render it.
EMPLOYEE_SOURCES = [("attachment", "A PDF attached to the employee"), ("upload", "A PDF to upload")]
# The invitation's message jesignexpert.com itself proposes (the seed's).
DEFAULT_MESSAGE = "Bonjour,\n\nVous êtes invité à signer des documents sur la plateforme jesignexpert.com"


class JesignexpertDrafting(models.AbstractModel):
    _name = "jesignexpert.drafting"
    _description = "Making a collection's draft on jesignexpert.com"

    @api.model
    def _check_can_sign(self, subject):
        """Whether a document of ``subject`` (a contract, or an employee) may
        be sent for signature now by the user, else why not."""
        if not self.env.user.has_group("jesignexpert_connector.group_jesignexpert_user"):
            raise AccessError(self.env._("You are not allowed to initiate signature collections."))
        subject.check_access("read")  # another company's stays out of reach
        if not subject.active:
            raise UserError(
                self.env._(
                    "Electronic signature is not available on archived documents. Unarchive the document if needed."
                )
            )
        self._check_cabinet_linked(subject.company_id)

    @api.model
    def _check_sender(self):
        """The notes of a collection are written in its initiator's name,
        which Odoo's chatter refuses for a user with no e-mail address: said
        before anything is made."""
        if not self.env.user.email:
            raise UserError(
                self.env._(
                    "%s has no e-mail address: Odoo writes the notes of the collections in their name. "
                    "Add one in the user's preferences, then try again.",
                    self.env.user.name,
                )
            )

    @api.model
    def _check_cabinet_linked(self, company):
        """Sends the user to the settings while ``company`` has no linked cabinet."""
        firm = self.env["jesignexpert.firm"]._active_firm(company)
        if not firm or firm.state != "linked":
            raise RedirectWarning(
                self.env._("%s has no linked jesignexpert.com cabinet.", company.name),
                self.env.ref("base.res_config_setting_act_window").id,
                self.env._("Go to the settings"),
                {"module": "jesignexpert_connector"},
            )
        return firm

    @api.model
    def _signer_commands(self, contract):
        """The contract's signers, one per slot of its clause, as lines to
        create (the wizard's, a bulk sending's)."""
        return [
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
        ]

    @api.model
    def _latest_attached_pdf(self, subject):
        """The PDF last attached to ``subject`` (a contract, or an employee)."""
        return self.env["ir.attachment"].search(
            [("res_model", "=", subject._name), ("res_id", "=", subject.id), ("mimetype", "=", "application/pdf")],
            limit=1,
            order="id desc",
        )

    @api.model
    def _document_defaults(self, contract):
        """The contract's title and document to sign, as first proposed: its
        own when it has a template, else its latest attached PDF, else one to
        upload."""
        attached = self._latest_attached_pdf(contract)
        source = "generated" if contract.jesignexpert_template_id else ("attachment" if attached else "upload")
        return {
            "title": (contract.name or "")[: jse.TITLE_MAX],
            "document_source": source,
            "attachment_id": attached.id if source == "attachment" else False,
        }

    @api.model
    def _sending_defaults(self, company):
        """The invitation e-mail's sender, subject and message, by default."""
        return {
            "mail_sender": company.name[: jse.SENDER_MAX],
            "mail_subject": self.env._("%s invites you to sign a document", company.name)[: jse.SUBJECT_MAX],
            "message": DEFAULT_MESSAGE,
        }

    @api.model
    def _document_source(self, subject, source, attachment, upload, upload_name, rendered=None):
        """The document to sign and its file name, made here from the source
        chosen, never taken as the client sends it: the contract rendered by
        Odoo's report engine (or ``rendered`` already, with others'), a PDF
        attached to ``subject`` (a contract, or an employee; one the user
        may read), or the file just uploaded.  None while nothing is chosen.
        A document about an employee is a PDF: no template renders it."""
        if source == "generated":
            if subject._name == "hr.employee":
                raise ValidationError(
                    self.env._(
                        "A document about an employee is a PDF: choose one attached to the employee, or upload one."
                    )
                )
            if not subject.jesignexpert_template_id:
                raise ValidationError(
                    self.env._("This contract has no document template: choose a PDF attached to it, or upload one.")
                )
            return rendered or subject._jesignexpert_pdf(), f"{subject.name}.pdf"
        if source == "attachment":
            if not attachment:
                return None
            self._check_attachment(subject, attachment)
            return attachment.raw, attachment.name
        if not upload:
            return None
        return self._decode_upload(upload, upload_name), upload_name or f"{subject.name}.pdf"

    @api.model
    def _check_attachment(self, subject, attachment):
        """``attachment`` is one of ``subject``'s (a contract, or an employee)
        and the user may read it: checked as the user, before anything of it
        is read as superuser."""
        if attachment.res_model != subject._name or attachment.res_id != subject.id:
            if subject._name == "hr.employee":
                raise AccessError(self.env._("Only a document attached to this employee can be chosen."))
            raise AccessError(self.env._("Only a document attached to this contract can be chosen."))
        attachment.check_access("read")

    @api.model
    def _decode_upload(self, upload, filename):
        """The bytes of an uploaded file, which the client sends in base64;
        refused in words when it is not."""
        try:
            text = upload.decode() if isinstance(upload, bytes) else upload
            return base64.b64decode("".join(text.split()), validate=True)
        except (AttributeError, TypeError, ValueError):  # binascii.Error is a ValueError
            raise ValidationError(
                self.env._("%s could not be read: upload the file again.", filename or self.env._("The document"))
            ) from None

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
            pages = len(reader.pages)
            if not pages:
                raise ValidationError(self.env._("%s has no page: there is nothing to sign.", filename))
            return pages
        except jse.JseValidationError as error:
            raise ValidationError(self.env["jesignexpert.api"]._error_message(error)) from None
        except (PyPdfError, ValueError, KeyError, TypeError) as error:
            raise ValidationError(
                self.env._("%(name)s is not a readable PDF document (%(error)s).", name=filename, error=error)
            ) from None

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

    @api.model
    def _check_previous(self, previous, choice):
        """Before anything is made: the user may cancel the collection in
        progress, when that is their choice."""
        if previous and choice == "cancel":
            previous.with_env(self.env)._check_may_act()

    @api.model
    def _settle_previous(self, contract, previous, choice, collection):
        """The collection already in progress, once the new one (``collection``)
        is made: cancelled, on jesignexpert.com too (with the user's own
        rights on it), or left as it is at the user's explicit choice, which
        the contract's (or the employee's) chatter keeps.  The new draft is
        made first, so that a contract never ends with neither.  A cancel that
        fails leaves the new one made and is said on it and on the contract;
        returns that message, else None.  ``contract`` may be an employee."""
        if not previous:
            return None
        # An employee's chatter, for whoever may read the employee (checked): the form is HR's.
        subject = contract.sudo() if contract._name == "hr.employee" else contract
        if choice != "cancel":
            subject.message_post(
                body=self.env._(
                    "%(user)s sent another collection while %(previous)s was still in progress.",
                    user=self.env.user.name,
                    previous=previous.name,
                )
            )
            return None
        try:
            with self.env.cr.savepoint():
                previous.with_env(self.env).action_cancel()
        except (UserError, AccessError, jse.JseError) as error:
            reason = error.args[0] if error.args else error.__class__.__name__
            if isinstance(error, jse.JseError):
                reason = self.env["jesignexpert.api"]._error_message(error)
            message = self.env._(
                "%(new)s is prepared, but %(previous)s could not be cancelled (%(reason)s): it is still in "
                "progress. Cancel it from its form.",
                new=collection.name,
                previous=previous.name,
                reason=reason,
            )
            collection.sudo().message_post(body=message)
            subject.message_post(body=message)
            return message
        return None

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
    def _make_draft(self, asker, contract, firm, access, drafter, request, pages, generated=True):
        """The draft of ``asker``'s confirmation (a wizard, or a line of a bulk
        sending) on jesignexpert.com, and the collection that records it in
        Odoo (see _record_collection).  Whatever fails in Odoo once the draft
        is made (a write, the chatter) deletes it: it is never left alone on
        jesignexpert.com.  A write that met another transaction's is raised
        as is: the request is replayed (or the next batch goes on), and takes
        this draft again."""
        drafts = self.env["jesignexpert.draft"]
        tid, url = drafts._make(asker, firm, access, request)
        try:
            with self.env.cr.savepoint():
                collection = self._record_collection(
                    contract, firm, drafter, tid, url, pages, request, generated=generated
                )
        except CONCURRENT_UPDATE:
            raise
        except Exception:
            drafts._delete_draft(firm, access, tid)
            raise
        drafts._taken(tid)
        return collection

    @api.model
    def _record_collection(self, contract, firm, drafter, tid, url, pages, request, generated=True):
        """The collection in Odoo of the draft just made, and the notes.
        ``contract`` may be an employee (a document no contract holds).  A
        document Odoo did not render from the contract (``generated``
        False) keeps no fingerprint of the contract's: it cannot "change"."""
        subject = {"employee_id": contract.id} if contract._name == "hr.employee" else {"contract_id": contract.id}
        if not generated:
            subject["document_sha256"] = False
        elif request.get("document_key"):  # the fingerprint of the contract's document, already made
            subject["document_sha256"] = request["document_key"]
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

    @api.model
    def _confirmers_message(self, firm):
        names = ", ".join(sorted(set(firm.sudo().access_ids.filtered(lambda a: not a.expired).mapped("user_id.name"))))
        return self.env._(
            "You have no jesignexpert.com access of your own: the collection is confirmed on jesignexpert.com "
            "by a collaborator with access to the cabinet %(firm)s (%(names)s).",
            firm=firm.name,
            names=names or self.env._("none has linked their access yet"),
        )
