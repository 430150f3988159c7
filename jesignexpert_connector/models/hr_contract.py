# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from lxml import etree, html
from markupsafe import Markup

from odoo import api, fields, models

from .. import pdf_slots, variables

_logger = logging.getLogger(__name__)

# Printed, tiny and white, at two corners of each slot box; pdf_slots.py reads them back.
SLOT_MARK = "JSESLOT{order}{corner}"
# Printed the same way where each contract starts and ends when several are
# printed in one run (see _jesignexpert_pdfs).
DOC_MARK = "JSEDOC{id}{end}"
REPORT = "jesignexpert_connector.action_report_jesignexpert_contract"


class HrContract(models.Model):
    _name = "hr.contract"
    # The follow-up first: its write wraps the others', as when it extended the model.
    _inherit = ["jesignexpert.contract.followup.mixin", "hr.contract", "jesignexpert.guarded.mixin"]
    # The contract's own clause (a copy Odoo makes), and what Odoo computes of its signature.
    _jesignexpert_odoo_sets = (
        "jesignexpert_clause_id",
        "jesignexpert_signature_state",
        "jesignexpert_employer_unsigned",
        "jesignexpert_is_cdd",
    )

    jesignexpert_template_id = fields.Many2one(
        "jesignexpert.document.template",
        "Document template",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        check_company=True,
    )
    jesignexpert_clause_id = fields.Many2one("jesignexpert.signature.clause", "Signature clause", copy=False)
    jesignexpert_start_time = fields.Float("Start time", help="Time the contract starts on its first day.")
    jesignexpert_increase_reason = fields.Char(
        "Reason for the temporary increase in activity", help="For a fixed-term contract: what the increase stems from."
    )
    jesignexpert_collection_ids = fields.One2many("jesignexpert.collection", "contract_id", "Signature collections")
    jesignexpert_access_warning = fields.Char(
        "jesignexpert.com warning", compute="_compute_jesignexpert_access_warning"
    )
    jesignexpert_document = fields.Html("Document preview", compute="_compute_jesignexpert_document", sanitize=False)
    # Computed, not stored: the signed file stays on its collection, never copied here.
    jesignexpert_signed_attachment_id = fields.Many2one(
        "ir.attachment", "Signed document file", compute="_compute_jesignexpert_signed", compute_sudo=True
    )
    jesignexpert_signed_document = fields.Binary(
        "Signed document", compute="_compute_jesignexpert_signed", compute_sudo=True
    )
    jesignexpert_signed_filename = fields.Char(
        "Signed document name", compute="_compute_jesignexpert_signed", compute_sudo=True
    )

    @api.constrains("company_id", "jesignexpert_template_id")
    def _check_jesignexpert_template_company(self):
        """A template of another company is never used (a shared one is)."""
        self._check_company(["jesignexpert_template_id"])

    @api.depends("jesignexpert_collection_ids.signed_attachment_id")
    @api.depends_context("bin_size")
    def _compute_jesignexpert_signed(self):
        """The latest signed document fetched from jesignexpert.com."""
        for contract in self:
            signed = contract.jesignexpert_collection_ids.filtered("signed_attachment_id").sorted("id")[-1:]
            attachment = signed.signed_attachment_id
            contract.jesignexpert_signed_attachment_id = attachment
            contract.jesignexpert_signed_document = attachment.datas
            contract.jesignexpert_signed_filename = attachment.name

    @api.depends("company_id")
    def _compute_jesignexpert_access_warning(self):
        """Whether signed documents of the company can come home (some access
        to its cabinet must hold)."""
        firms = self.env["jesignexpert.firm"]
        for contract in self:
            firm = firms._active_firm(contract.company_id)
            contract.jesignexpert_access_warning = firm.access_warning if firm else False

    @api.depends(
        "jesignexpert_template_id.body",
        "jesignexpert_clause_id.slot_ids",
        "employee_id",
        "date_start",
        "date_end",
        "wage",
        "jesignexpert_start_time",
        "jesignexpert_increase_reason",
    )
    @api.depends_context("uid")  # the employee's private details, for those who may read them
    def _compute_jesignexpert_document(self):
        for contract in self:
            contract.jesignexpert_document = (
                contract._jesignexpert_render_document() if contract.jesignexpert_template_id else False
            )

    # ------------------------------------------------------------ signature --

    def _jesignexpert_check_can_sign(self):
        """Whether this contract may be sent for signature now, else why not."""
        self.ensure_one()
        self.env["jesignexpert.drafting"]._check_can_sign(self)

    def action_jesignexpert_sign(self):
        """ "Signature électronique": opens the three-step wizard, or for
        several contracts one bulk sending."""
        if len(self) > 1:
            return self.env["jesignexpert.bulk.sending"]._start(self)
        self.ensure_one()
        self._jesignexpert_check_can_sign()
        wizard_model = self.env["jesignexpert.collection.wizard"]
        return wizard_model.create(wizard_model._prepare(self))._reopen()

    # --------------------------------------------------------------- clause --

    @api.model_create_multi
    def create(self, vals_list):
        contracts = super().create(vals_list)
        for contract in contracts.filtered("jesignexpert_template_id"):
            contract._jesignexpert_clause()
        return contracts

    def write(self, vals):
        res = super().write(vals)
        if vals.get("jesignexpert_template_id"):
            for contract in self.filtered(lambda c: not c.jesignexpert_clause_id):
                contract._jesignexpert_clause()
        return res

    def _jesignexpert_clause(self):
        """The contract's own signature clause: a copy of its company's
        published one, made the first time it is needed."""
        self.ensure_one()
        if not self.jesignexpert_clause_id:
            default = self.env["jesignexpert.signature.clause"]._default_for(self.company_id)
            self.sudo().jesignexpert_clause_id = default._copy_for(self)
        return self.jesignexpert_clause_id

    def action_jesignexpert_edit_clause(self):
        self.ensure_one()
        # Changing the contract's clause changes the contract: the right to
        # write it, before the clause's copy is made as superuser.
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Signature clause"),
            "res_model": "jesignexpert.signature.clause",
            "res_id": self._jesignexpert_clause().id,
            "view_mode": "form",
            "views": [(self.env.ref("jesignexpert_connector.jesignexpert_signature_clause_view_form").id, "form")],
            "target": "new",
        }

    def _jesignexpert_signers(self):
        """One signer per slot of the clause, filled from its referent."""
        self.ensure_one()
        return [
            dict(slot._signer(self), order=n, label=slot.label)
            for n, slot in enumerate(self._jesignexpert_clause().slot_ids.sorted("sequence"), start=1)
        ]

    # ------------------------------------------------------------ rendering --

    def _jesignexpert_lang(self):
        """The document's language, for the labels of missing values."""
        return self.jesignexpert_template_id.lang or "fr_FR"

    def _jesignexpert_format_lang(self):
        """The language that formats dates and amounts: the document's when it
        is installed in Odoo, else the user's."""
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        lang = self._jesignexpert_lang()
        return lang if lang in installed else self.env.lang or "en_US"

    def _jesignexpert_fill(self, fragment):
        """``fragment`` (HTML) with each variable replaced by its value, or by
        "(Label)" when the value is missing."""
        if not fragment:
            return Markup("")
        lang = self._jesignexpert_lang()
        contract = self.with_context(lang=self._jesignexpert_format_lang())
        root = html.fragment_fromstring(str(fragment), create_parent="div")
        for span in root.xpath("//span[@data-jse-var]"):
            variable = variables.BY_KEY.get(span.get("data-jse-var"))
            value = variable and variable.getter(contract)
            for child in list(span):
                span.remove(child)
            if value:
                span.text = str(value)
                span.set("class", "o_jse_var")
            else:
                span.text = f"({variables.label(variable, lang) if variable else span.get('data-jse-var')})"
                span.set("class", "o_jse_var o_jse_missing")
            del span.attrib["data-jse-var"]
        inner = (root.text or "") + "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)
        # Safe: parsed from the sanitized field, values set as text (escaped by lxml).
        return Markup(inner)  # noqa: S704

    def _jesignexpert_displayed_clause(self):
        return self.jesignexpert_clause_id or self.env["jesignexpert.signature.clause"]._for_display(self.company_id)

    def _jesignexpert_slot_rows(self, clause):
        """The clause's slots two by two, each with its order: [[(1, slot), (2, slot)], ...]."""
        numbered = list(enumerate(clause.slot_ids.sorted("sequence"), start=1))
        return [numbered[i : i + 2] for i in range(0, len(numbered), 2)]

    def _jesignexpert_render_document(self):
        """The whole document (body and signature clause) as HTML, for the preview."""
        self.ensure_one()
        clause = self._jesignexpert_displayed_clause()
        return self.env["ir.qweb"]._render(
            "jesignexpert_connector.contract_document",
            {
                "body": self._jesignexpert_fill(self.jesignexpert_template_id.body),
                "clause": clause,
                "rows": self._jesignexpert_slot_rows(clause),
                "fill": self._jesignexpert_fill,
                "mark": None,
            },
        )

    def _jesignexpert_pdf(self):
        """The document as a PDF, through Odoo's report engine (wkhtmltopdf)."""
        self.ensure_one()
        report = self.env.ref(REPORT)
        pdf, _type = (
            self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(report, self.ids)
        )
        return pdf

    def _jesignexpert_pdfs(self):
        """{contract id: PDF} of these contracts' documents rendered together,
        in one wkhtmltopdf run, each exactly as it renders alone.  Odoo's
        report engine renders several records in one run, as so many
        documents, and splits the result by its outlines; but the wkhtmltopdf
        that Linux distributions ship (built against an unpatched Qt) takes
        one document a run and writes no outline, and a contract has no
        heading to outline.  So the report prints the contracts one after the
        other in one document, between marks by which the PDF is split back
        (pdf_slots.split_documents).  Empty when the render or the split does
        not come out right: then each is rendered on its own, and no contract
        ever gets another's pages."""
        if len(self) < 2:
            return {}
        report = self.env.ref(REPORT)
        try:
            with self.env.cr.savepoint():
                streams, kind = (
                    self.env["ir.actions.report"]
                    .with_context(force_report_rendering=True)
                    ._pre_render_qweb_pdf(report, res_ids=self.ids, data={"jesignexpert_batch": True})
                )
                pdf = self._jesignexpert_joined(streams) if kind == "pdf" else None
        except Exception:  # the contracts are then rendered one by one, each failing on its own
            _logger.warning("Contracts %s could not be rendered together: one by one", self.ids, exc_info=True)
            return {}
        documents = pdf and pdf_slots.split_documents(pdf, self.ids)
        if not documents:
            _logger.warning("The render of contracts %s did not split as printed: one by one", self.ids)
            return {}
        return documents

    def _jesignexpert_joined(self, streams):
        """The PDF of the run out of what Odoo's report engine made of it: the
        whole of it when it could not split it (by outlines, it never can
        here), else (a page per contract) its parts put back in order."""
        whole = streams.get(False)
        if whole and whole["stream"]:
            return whole["stream"].getvalue()
        parts = [streams.get(contract_id, {}).get("stream") for contract_id in self.ids]
        if not all(parts):
            return None
        return self.env["ir.actions.report"]._merge_pdfs(parts).getvalue()
