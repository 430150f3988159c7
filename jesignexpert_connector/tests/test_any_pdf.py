# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""HR teams also sign documents Odoo did not write: a PDF attached to the
contract, or one uploaded in step 1."""

import base64
import io
from datetime import timedelta

from pypdf import PdfWriter

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .. import jse
from .common import CollectionCase, blank_pdf, cdd_contract, run_sync


def encrypted_pdf():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@tagged("post_install", "-at_install")
class TestAnyPdf(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # An amendment drafted elsewhere, on a contract with no document template.
        cls.amendment = cdd_contract(
            cls.env, cls.employee, name="AVENANT MARC LANGLOIS", jesignexpert_template_id=False
        )

    def test_an_uploaded_pdf_is_signed_and_comes_home_once(self):
        wizard = self.open_wizard(self.amendment)
        self.assertEqual(wizard.document_source, "upload", "no template, nothing attached: upload one")
        with self.assertRaisesRegex(ValidationError, "Choose the document to sign"):
            wizard.action_next()
        wizard.write({"upload": base64.b64encode(blank_pdf(2)), "upload_name": "Avenant signé ailleurs.pdf"})
        self.assertEqual((wizard.pdf_name, wizard.pdf_pages), ("Avenant signé ailleurs.pdf", 2))
        self.assertTrue(wizard.fields_at_the_foot, "step 3 says the fields can be moved on jesignexpert.com")
        self.confirm_wizard(wizard)
        collection = self.amendment.jesignexpert_collection_ids
        remote = self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")
        fields_ = remote["documents"][0]["signFields"]
        self.assertEqual([f["page"] for f in fields_], [-1, -1], "on the last page")
        self.assertEqual(len({f["positionY"] for f in fields_}), 1, "side by side")
        self.assertLess(fields_[0]["positionX"] + jse.SIGN_FIELD_WIDTH, fields_[1]["positionX"] + 1, "not overlapping")
        self.assertGreater(fields_[0]["positionY"], 700, "at the foot of the page")
        self.sign_and_sync(collection)
        self.assertEqual(len(self.signed_copies(self.amendment)), 1)
        run_sync(self.env)
        self.assertEqual(len(self.signed_copies(self.amendment)), 1, "once")

    def test_a_pdf_attached_to_the_contract_is_signed_and_comes_home_once(self):
        attached = self.env["ir.attachment"].create(
            {
                "name": "Contrat rédigé ailleurs.pdf",
                "raw": blank_pdf(1),
                "res_model": "hr.contract",
                "res_id": self.amendment.id,
                "mimetype": "application/pdf",
            }
        )
        wizard = self.open_wizard(self.amendment)
        self.assertEqual((wizard.document_source, wizard.attachment_id), ("attachment", attached))
        self.assertEqual(wizard.pdf_name, "Contrat rédigé ailleurs.pdf")
        self.confirm_wizard(wizard)
        collection = self.amendment.jesignexpert_collection_ids
        self.sign_and_sync(collection)
        self.assertEqual(len(self.signed_copies(self.amendment)), 1)

    def test_an_uploaded_pdf_is_not_said_to_change_with_the_contracts_document(self):
        wizard = self.open_wizard(self.contract)  # it has a template, but another PDF is sent
        wizard.write(
            {"document_source": "upload", "upload": base64.b64encode(blank_pdf(1)), "upload_name": "Avenant.pdf"}
        )
        self.confirm_wizard(wizard)
        collection = self.contract.jesignexpert_collection_ids
        self.contract.wage = 2500  # the contract's own document changes, not the PDF sent
        self.assertFalse(collection.document_changed)

    def test_another_contracts_attachment_cannot_be_chosen(self):
        elsewhere = self.env["ir.attachment"].create(
            {"name": "x.pdf", "raw": blank_pdf(1), "res_model": "hr.contract", "res_id": self.contract.id}
        )
        wizard = self.open_wizard(self.amendment)
        with self.assertRaisesRegex(Exception, "Only a document attached to this contract"):
            wizard.write({"document_source": "attachment", "attachment_id": elsewhere.id})

    def test_bad_files_are_refused_in_step_1_in_words(self):
        wizard = self.open_wizard(self.amendment)
        cases = {
            b"": "Choose the document to sign",
            b"Bonjour, ceci n'est pas un PDF": "Only PDF documents can be signed",
            encrypted_pdf(): "protected by a password",
            b"%PDF-1.7\n" + b"0" * (jse.PDF_MAX_BYTES + 1): "at most 10 MB",
        }
        for content, message in cases.items():
            with self.subTest(message=message), self.assertRaisesRegex(ValidationError, message):
                wizard.write({"upload": base64.b64encode(content) or False, "upload_name": "f.pdf"})
                wizard.action_next()
        self.assertEqual(wizard.step, "document")
        self.assertFalse(self.amendment.jesignexpert_collection_ids, "nothing was sent")

    def test_the_contracts_document_needs_its_template(self):
        wizard = self.open_wizard(self.amendment)
        with self.assertRaisesRegex(ValidationError, "no document template"):
            wizard.write({"document_source": "generated"})


@tagged("post_install", "-at_install")
class TestNoAccidentalSecondCollection(CollectionCase):
    def test_a_second_collection_needs_an_explicit_choice(self):
        self.open_wizard().action_confirm()
        first = self.contract.jesignexpert_collection_ids
        wizard = self.open_wizard()
        self.assertEqual(wizard.open_collection_id, first, "step 1 shows the collection in progress")
        with self.assertRaisesRegex(ValidationError, "still in progress for this contract"):
            wizard.action_next()
        wizard.duplicate_choice = "another"
        self.confirm_wizard(wizard)
        self.assertEqual(len(self.contract.jesignexpert_collection_ids), 2)
        self.assertEqual(first.state, "draft", "the first one is left as it is")
        self.assertIn("sent another collection while", "".join(self.contract.message_ids.mapped("body")))

    def test_a_colleagues_collection_in_progress_is_named_to_an_initiator(self):
        self.open_wizard().action_confirm()  # the administrator's
        wizard = self.open_wizard(user=self.initiator)
        self.assertEqual(wizard.open_collection_name, "CDD MARC LANGLOIS")
        self.assertEqual(wizard.open_collection_state, "draft")
        with self.assertRaises(AccessError):
            wizard.action_open_collection()  # not theirs to read

    def test_the_collection_in_progress_can_be_cancelled_first(self):
        self.open_wizard().action_confirm()
        first = self.contract.jesignexpert_collection_ids
        wizard = self.open_wizard()
        wizard.duplicate_choice = "cancel"
        self.confirm_wizard(wizard)
        self.assertEqual(first.state, "cancelled")
        self.assertEqual(self.sandbox_call("GET", "/_sandbox/calls").get("api_delete"), 1, "deleted there too")
        self.assertEqual((self.contract.jesignexpert_collection_ids - first).state, "draft")

    def setUp(self):
        super().setUp()
        self.sandbox_call("DELETE", "/_sandbox/calls")


@tagged("post_install", "-at_install")
class TestWizardWarnsOfTheCddDeadline(CollectionCase):
    def test_a_late_cdd_is_said_on_step_1(self):
        self.contract.date_start = fields.Date.today() - timedelta(days=10)
        wizard = self.open_wizard()
        self.assertTrue(wizard.cdd_at_risk)
        self.assertLess(wizard.cdd_deadline, fields.Date.today())
        self.contract.date_start = fields.Date.today() + timedelta(days=10)
        self.assertFalse(self.open_wizard().cdd_at_risk, "not while hiring is days away")

    def test_the_signers_keep_whom_they_sign_for(self):
        self.open_wizard().action_confirm()
        signers = self.contract.jesignexpert_collection_ids.signer_ids.sorted("sequence")
        self.assertEqual(signers.mapped("referent"), ["employer", "employee"])
