# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Documents about an employee that no contract holds (an amendment drafted
elsewhere, a letter), sent for signature from the employee's form."""

import base64

from odoo.exceptions import AccessError, RedirectWarning, ValidationError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged

from .. import jse
from .common import CollectionCase, SandboxHttpCase, blank_pdf, contract_to_sign, run_sync
from .test_any_pdf import encrypted_pdf


@tagged("post_install", "-at_install")
class TestEmployeeSignature(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Léa has no contract in Odoo.
        cls.lea = cls.env["hr.employee"].create(
            {
                "name": "Léa Martin",
                "work_email": "lea.martin@example.com",
                "private_email": "lea@perso.example.com",
                "mobile_phone": "06 11 22 33 44",
            }
        )

    def open_employee_wizard(self, employee=None, user=None):
        employee = (employee or self.lea).with_user(user or self.env.user)
        action = employee.action_jesignexpert_sign()
        return self.env["jesignexpert.collection.wizard"].with_user(user or self.env.user).browse(action["res_id"])

    def test_an_uploaded_pdf_is_signed_and_comes_home_once_to_the_employee(self):
        wizard = self.open_employee_wizard()
        self.assertFalse(wizard.contract_id)
        self.assertEqual((wizard.employee_id, wizard.document_source), (self.lea, "upload"))
        with self.assertRaisesRegex(ValidationError, "Choose the document to sign"):
            wizard.action_next()
        with Form(wizard) as form:
            self.assertEqual(form.employee_source, "upload")
            form.title = "Avenant télétravail"
            form.upload = base64.b64encode(blank_pdf(3)).decode()
        self.assertEqual((wizard.pdf_name, wizard.pdf_pages), ("Léa Martin.pdf", 3), "the browser names it, else")
        self.assertTrue(wizard.fields_at_the_foot, "no slot box: each signer's field at the foot of the last page")
        lines = wizard.line_ids.sorted("sequence")
        self.assertEqual(lines.mapped("referent"), ["employer", "employee"])
        self.assertEqual(lines.mapped("name"), ["Jean Doe", "Léa Martin"])
        self.assertEqual(lines.mapped("email"), ["jean.doe@example.com", "lea.martin@example.com"], "work e-mail first")
        self.assertEqual(lines[1].phone, "06 11 22 33 44")
        self.confirm_wizard(wizard)
        collection = self.lea.jesignexpert_collection_ids
        self.assertEqual(len(collection), 1)
        self.assertFalse(collection.contract_id)
        self.assertEqual((collection.employee_id, collection.company_id), (self.lea, self.lea.company_id))
        self.assertEqual(collection.signer_ids.sorted("sequence").mapped("referent"), ["employer", "employee"])
        remote = self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")
        fields_ = remote["documents"][0]["signFields"]
        self.assertEqual([f["page"] for f in fields_], [-1, -1], "on the last page")
        self.assertEqual(len({f["positionY"] for f in fields_}), 1, "side by side")
        self.assertGreater(fields_[0]["positionY"], 700, "at the foot of the page")
        self.assertIn("prepared on jesignexpert.com", "".join(self.lea.message_ids.mapped("body")))
        self.sign_and_sync(collection)
        self.assertEqual(collection.state, "signed")
        copies = self.signed_copies(self.lea)
        self.assertEqual(copies, collection.signed_attachment_id)
        self.assertEqual(copies.name, "Avenant télétravail - signé.pdf")
        self.assertIn(copies, self.lea.message_ids.attachment_ids, "noted in the employee's chatter")
        run_sync(self.env)
        collection.action_refresh()
        self.assertEqual(len(self.signed_copies(self.lea)), 1, "once")
        self.assertEqual(self.lea.jesignexpert_collection_count, 1)

    def test_a_pdf_attached_to_the_employee_is_signed(self):
        attached = self.env["ir.attachment"].create(
            {
                "name": "Lettre de mission.pdf",
                "raw": blank_pdf(1),
                "res_model": "hr.employee",
                "res_id": self.lea.id,
                "mimetype": "application/pdf",
            }
        )
        wizard = self.open_employee_wizard()
        self.assertEqual((wizard.document_source, wizard.attachment_id), ("attachment", attached))
        self.assertEqual((wizard.employee_source, wizard.title), ("attachment", "Lettre de mission"))
        self.assertEqual(wizard.pdf_name, "Lettre de mission.pdf")
        self.confirm_wizard(wizard)
        collection = self.lea.jesignexpert_collection_ids
        self.sign_and_sync(collection)
        self.assertEqual(len(self.signed_copies(self.lea)), 1)
        self.assertFalse(
            self.env["ir.attachment"].search([("res_model", "=", "hr.contract"), ("name", "like", "- signé.pdf")]),
            "nothing attached to a contract",
        )

    def test_the_form_switches_to_a_pdf_attached_to_the_employee(self):
        wizard = self.open_employee_wizard()
        attached = self.env["ir.attachment"].create(
            {
                "name": "Avenant.pdf",
                "raw": blank_pdf(2),
                "res_model": "hr.employee",
                "res_id": self.lea.id,
                "mimetype": "application/pdf",
            }
        )
        with Form(wizard) as form:
            form.employee_source = "attachment"
            self.assertEqual(form.document_source, "attachment")
            form.attachment_id = attached
        self.assertEqual((wizard.document_source, wizard.pdf_name, wizard.pdf_pages), ("attachment", "Avenant.pdf", 2))

    def test_the_generated_document_and_other_records_attachments_are_refused(self):
        wizard = self.open_employee_wizard()
        with self.assertRaisesRegex(ValidationError, "A document about an employee is a PDF"):
            wizard.write({"document_source": "generated"})
        contracts = self.env["ir.attachment"].create(
            {"name": "x.pdf", "raw": blank_pdf(1), "res_model": "hr.contract", "res_id": self.contract.id}
        )
        with self.assertRaisesRegex(AccessError, "Only a document attached to this employee"):
            wizard.write({"employee_source": "attachment", "attachment_id": contracts.id})
        with self.assertRaises(AccessError):
            wizard.write({"contract_id": self.contract.id})

    def test_bad_files_are_refused_in_step_1(self):
        wizard = self.open_employee_wizard()
        cases = {
            b"Bonjour, ceci n'est pas un PDF": "Only PDF documents can be signed",
            encrypted_pdf(): "protected by a password",
            b"%PDF-1.7\n" + b"0" * (jse.PDF_MAX_BYTES + 1): "at most 10 MB",
            b"": "Choose the document to sign",
        }
        for content, message in cases.items():
            with self.subTest(message=message), self.assertRaisesRegex(ValidationError, message):
                wizard.write({"upload": base64.b64encode(content) or False, "upload_name": "f.pdf"})
                wizard.action_next()
        self.assertEqual(wizard.step, "document")
        self.assertFalse(self.lea.jesignexpert_collection_ids, "nothing was sent")

    def test_a_second_collection_of_the_employee_needs_an_explicit_choice(self):
        self.env["ir.attachment"].create(
            {"name": "Lettre.pdf", "raw": blank_pdf(1), "res_model": "hr.employee", "res_id": self.lea.id}
        )
        self.confirm_wizard(self.open_employee_wizard())
        first = self.lea.jesignexpert_collection_ids
        wizard = self.open_employee_wizard()
        self.assertEqual(wizard.open_collection_id, first)
        with self.assertRaisesRegex(ValidationError, "still in progress for this employee"):
            wizard.action_next()
        wizard.duplicate_choice = "cancel"
        self.confirm_wizard(wizard)
        self.assertEqual(first.state, "cancelled")
        self.assertIn("Draft deleted", "".join(self.lea.message_ids.mapped("body")))

    def test_a_contracts_collection_records_its_employee(self):
        self.open_wizard().action_confirm()
        collection = self.contract.jesignexpert_collection_ids
        self.assertEqual(collection.employee_id, self.employee)
        self.assertEqual(collection.company_id, self.contract.company_id)
        self.assertIn(collection, self.employee.jesignexpert_collection_ids)
        wizard = self.open_employee_wizard(self.employee)
        self.assertFalse(wizard.open_collection_id, "the contract's collection is not the employee's other document")

    def test_a_collection_needs_a_contract_or_an_employee(self):
        with self.assertRaisesRegex(ValidationError, "of a contract or of an employee"):
            self.env["jesignexpert.collection"].sudo().create(
                {
                    "name": "Orphan",
                    "firm_id": self.firm.id,
                    "initiator_id": self.env.user.id,
                    "signer_ids": [Command.create({"sequence": 1, "name": "X", "email": "x@example.com"})],
                }
            )

    def test_another_companys_employee_is_out_of_reach(self):
        company_b = self.env["res.company"].create({"name": "Petit Industrie SAS"})
        paul = self.env["hr.employee"].create({"name": "Paul Petit", "company_id": company_b.id})
        with self.assertRaises(AccessError):
            self.open_employee_wizard(paul, user=self.initiator)
        with self.assertRaises(AccessError):
            self.env["jesignexpert.collection.wizard"].with_user(self.initiator).create({"employee_id": paul.id})
        self.assertFalse(self.env["jesignexpert.collection.wizard"].search([("employee_id", "=", paul.id)]))

    def test_the_employees_company_needs_its_cabinet_linked(self):
        company_b = self.env["res.company"].create({"name": "Sans Cabinet SARL"})
        self.env.user.company_ids |= company_b
        paul = self.env["hr.employee"].create({"name": "Paul Petit", "company_id": company_b.id})
        paul = paul.with_context(allowed_company_ids=[self.company.id, company_b.id])
        with self.assertRaisesRegex(RedirectWarning, "Sans Cabinet SARL has no linked jesignexpert.com cabinet"):
            paul.action_jesignexpert_sign()

    def test_a_user_outside_the_group_may_not_send(self):
        outsider = new_test_user(
            self.env, "emp_outsider", groups="base.group_user,hr.group_hr_user,hr_contract.group_hr_contract_manager"
        )
        with self.assertRaisesRegex(AccessError, "not allowed to initiate"):
            self.open_employee_wizard(user=outsider)

    def test_an_initiator_sends_from_the_employee_form(self):
        wizard = self.open_employee_wizard(user=self.initiator)
        wizard.write({"upload": base64.b64encode(blank_pdf(1)), "upload_name": "Lettre.pdf"})
        self.confirm_wizard(wizard)
        collection = self.lea.jesignexpert_collection_ids
        self.assertEqual(collection.initiator_id, self.initiator)
        self.assertEqual(collection.with_user(self.initiator).employee_id, self.lea, "they read their collection")


@tagged("post_install", "-at_install", "is_tour")
class TestEmployeeSignTour(SandboxHttpCase):
    def test_electronic_signature_from_the_employee_form(self):
        self.link_firm()
        contract_to_sign(self.env, "CDD Marc Langlois")  # the company's representative
        lea = self.env["hr.employee"].create({"name": "Léa Martin", "work_email": "lea.martin@example.com"})
        self.env["ir.attachment"].create(
            {
                "name": "Lettre de mission.pdf",
                "raw": blank_pdf(1),
                "res_model": "hr.employee",
                "res_id": lea.id,
                "mimetype": "application/pdf",
            }
        )
        self.start_tour_to_jesignexpert(
            f"/odoo/action-hr.open_view_employee_list_my/{lea.id}", "jesignexpert_employee_sign_tour"
        )
        collection = lea.jesignexpert_collection_ids
        self.assertEqual(
            (collection.name, collection.state, collection.contract_id),
            ("Lettre de mission", "draft", self.env["hr.contract"]),
        )
        remote = self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")
        self.assertEqual(
            [s["email"] for s in remote["signatories"]], ["jean.doe@example.com", "lea.martin@example.com"]
        )
