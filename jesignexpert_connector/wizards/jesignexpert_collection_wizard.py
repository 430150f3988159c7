# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io

from markupsafe import Markup
from pypdf import PdfReader

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import html_escape

from .. import pdf_slots
from ..jse import client as jse

STEPS = [("document", "Document"), ("signers", "Signers"), ("sending", "Sending")]
DEFAULT_MESSAGE = "Bonjour,\n\nVous êtes invité à signer des documents sur la plateforme jesignexpert.com"


class JesignexpertCollectionWizard(models.TransientModel):
    """ "Signature électronique": the document, the signers, the sending."""

    _name = "jesignexpert.collection.wizard"
    _description = "Send a contract for electronic signature"

    step = fields.Selection(STEPS, default="document", required=True)
    contract_id = fields.Many2one("hr.contract", required=True, readonly=True)
    company_id = fields.Many2one(related="contract_id.company_id")
    title = fields.Char("Title of the collection", required=True)
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

    @api.model
    def _prepare(self, contract):
        """The wizard's values for ``contract``: its PDF, its signers, the defaults."""
        pdf = contract._jesignexpert_pdf()
        company = contract.company_id
        return {
            "contract_id": contract.id,
            "title": (contract.name or "")[: jse.TITLE_MAX],
            "pdf": base64.b64encode(pdf),
            "pdf_name": f"{contract.name}.pdf",
            "pdf_pages": len(PdfReader(io.BytesIO(pdf)).pages),
            "pdf_size": self.env._("%s KB", max(1, round(len(pdf) / 1024))),
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
            "message": DEFAULT_MESSAGE,
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
        self._check_step()
        order = [key for key, _label in STEPS]
        self.step = order[order.index(self.step) + 1]
        return self._reopen()

    def action_back(self):
        order = [key for key, _label in STEPS]
        self.step = order[max(0, order.index(self.step) - 1)]
        return self._reopen()

    # --------------------------------------------------------------- confirm --

    def action_confirm(self):
        """Creates the draft on jesignexpert.com and opens its page there."""
        self.ensure_one()
        for step in ("document", "signers", "sending"):
            self.step = step
            self._check_step()
        contract = self.contract_id
        contract._jesignexpert_check_can_sign()
        firm = self.env["jesignexpert.firm"]._active_firm(contract.company_id)
        access = firm._own_access(self.env.user)
        drafter = self.env.user
        if not access:
            access = firm._own_access(firm.linked_by_id)
            drafter = firm.linked_by_id
        if not access:
            raise UserError(self._confirmers_message(firm))
        pdf = base64.b64decode(self.pdf)
        boxes = pdf_slots.find_slot_boxes(pdf)
        lines = self.line_ids.sorted("sequence")
        fields_ = [
            jse.SignField(order=n, page=boxes[n].page, x=boxes[n].left, y=boxes[n].top)
            if n in boxes
            else jse.SignField(order=n, page=-1, x=40, y=40)
            for n in range(1, len(lines) + 1)
        ]
        request = {
            "title": self.title,
            "message": self.message or "",
            "mail_sender": self.mail_sender,
            "mail_subject": self.mail_subject,
            "invitation_mode": self.invitation_mode,
            "pdf": pdf,
            "filename": self.pdf_name,
            "fields": fields_,
            "signers": [
                {"order": n, "name": line.name, "email": line.email, "phone": line.phone or ""}
                for n, line in enumerate(lines, start=1)
            ],
        }
        api = self.env["jesignexpert.api"]
        try:
            tid, url = self.env["jesignexpert.collection"]._create_on_jesignexpert(contract, firm, access, request)
        except jse.JseError as error:
            raise api._user_error(error) from None
        collection = (
            self.env["jesignexpert.collection"]
            .sudo()
            .create(
                {
                    "name": self.title,
                    "contract_id": contract.id,
                    "firm_id": firm.id,
                    "initiator_id": self.env.user.id,
                    "drafted_with_id": drafter.id,
                    "jse_id": tid,
                    "jse_url": url,
                    "page_count": self.pdf_pages,
                    "signer_ids": [
                        Command.create(
                            {"sequence": s["order"], "name": s["name"], "email": s["email"], "phone": s["phone"]}
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
        contract.message_post(body=self.env._("Signature collection %s prepared on jesignexpert.com.", collection.name))
        # The browser goes to the draft's page, where a collaborator checks and sends it.
        if not url:  # jesignexpert.com did not say where: the collection's form has the button
            return {
                "type": "ir.actions.act_window",
                "res_model": collection._name,
                "res_id": collection.id,
                "view_mode": "form",
                "target": "current",
            }
        return {"type": "ir.actions.act_url", "url": url, "target": "self"}

    def _confirmers_message(self, firm):
        names = ", ".join(sorted(set(firm.sudo().access_ids.filtered(lambda a: not a.expired).mapped("user_id.name"))))
        return self.env._(
            "You have no jesignexpert.com access of your own: the collection is confirmed on jesignexpert.com "
            "by a collaborator with access to the cabinet %(firm)s (%(names)s).",
            firm=firm.name,
            names=names or self.env._("none has linked their access yet"),
        )
