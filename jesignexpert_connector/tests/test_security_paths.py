# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 16: nothing crosses a company or a right, by any path.  Each test
plays an attack as a client would over JSON-RPC (a user of another company,
a manager, a team lead who is not an HR officer, a portal user), then shows
the legitimate users still do their work.  The cache is emptied before each
attempt, as each request starts with an empty one.  Parts 1 to 4 are
here; parts 5 to 7 in test_security_rights.py, test_bad_input.py and
test_bulk_sending_stopped.py, on the same PathsCase."""

import base64
import io

from pypdf import PdfReader

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import blank_pdf, cdd_contract, other_company, sent_collection
from .test_bulk_sending import BulkCase

INITIATE = "jesignexpert_connector.group_jesignexpert_user"
MANAGE = "jesignexpert_connector.group_jesignexpert_manager"
HR_MANAGER = "hr_contract.group_hr_contract_manager"
TEAM_LEAD = "hr_contract.group_hr_contract_employee_manager"
SENDING = "jesignexpert.bulk.sending"
LINE = "jesignexpert.bulk.sending.line"
BULK_SIGNER = "jesignexpert.bulk.sending.signer"


class PathsCase(BulkCase):
    """Company A (the test company: its initiator, a colleague, a manager, a
    team lead) and company B with its own cabinet, user and manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.user
        cls.company_b, in_b = other_company(cls.env, "Petit Industrie SAS")
        cls.manager_a = new_test_user(cls.env, "path_manager_a", groups=f"base.group_user,{MANAGE},{HR_MANAGER}")
        cls.user_b = new_test_user(cls.env, "path_user_b", groups=f"base.group_user,{INITIATE},{HR_MANAGER}", **in_b)
        cls.manager_b = new_test_user(
            cls.env, "path_manager_b", groups=f"base.group_user,{MANAGE},{HR_MANAGER}", **in_b
        )
        cls.portal = new_test_user(cls.env, "path_portal", groups="base.group_portal")
        # A team lead: reads the contracts of their team, sends them, is no HR officer.
        cls.team_lead = new_test_user(cls.env, "path_team_lead", groups=f"base.group_user,{INITIATE},{TEAM_LEAD}")
        lead_employee = cls.env["hr.employee"].create({"name": "Tina Lead", "user_id": cls.team_lead.id})
        cls.employee.write(
            {
                "parent_id": lead_employee.id,
                "work_email": "marc.langlois@work.example.com",
                "mobile_phone": "+33 7 00 00 00 01",
                "private_street": "3 place Bellecour",
                "private_city": "Lyon",
            }
        )
        cls.employee_b = cls.env["hr.employee"].create({"name": "Léa Petit", "company_id": cls.company_b.id})
        cls.contract_b = cdd_contract(cls.env, cls.employee_b, name="CDD LEA PETIT", company_id=cls.company_b.id)
        cls.attachment_b = cls.env["ir.attachment"].create(
            {"name": "secret-b.pdf", "raw": blank_pdf(), "res_model": "hr.contract", "res_id": cls.contract_b.id}
        )

    def as_(self, records, user, companies=None):
        self.env.invalidate_all()
        records = records.with_user(user)
        return records.with_context(allowed_company_ids=companies.ids) if companies else records

    def sending_of(self, user, contracts):
        """A sending being set up by ``user``, of ``contracts``."""
        self.env.invalidate_all()
        action = self.env[SENDING].with_user(user)._start(contracts.with_user(user))
        return self.env[SENDING].with_user(user).browse(action["res_id"])

    def refused(self, records, values, error=AccessError):
        """``records`` (as their user) refuse ``values``, and keep what they had."""
        before = records.sudo().read(list(values))
        with self.assertRaises(error), self.env.cr.savepoint():
            records.write(values)
        self.env.invalidate_all()
        self.assertEqual(records.sudo().read(list(values)), before)


@tagged("post_install", "-at_install")
class TestParentsCannotBeSwapped(PathsCase):
    """1. A child is never moved under another parent, nor a record into another company."""

    def test_1_a_bulk_line_is_never_moved_into_another_companys_sending(self):
        # (Failed before: the line moved; A's initiator's job then sent B's PDF as A.)
        sending_a = self.sending_of(self.initiator, self.contract)
        sending_b = self.sending_of(self.user_b, self.contract_b)
        line_b = self.as_(sending_b.line_ids, self.user_b)
        for values in (
            {"sending_id": sending_a.id},
            {"contract_id": self.contract.id},
            {"company_id": self.company.id},
        ):
            with self.subTest(values=values):
                self.refused(line_b, values)
        self.assertEqual(sending_a.line_ids.contract_id, self.contract)
        # Nor created in it.
        with self.assertRaises(AccessError):
            self.as_(self.env[LINE], self.user_b).create(
                {"sending_id": sending_a.id, "contract_id": self.contract_b.id, "title": "x"}
            )

    def test_1_a_bulk_signer_is_never_moved_under_another_line(self):
        # (Failed before: the attacker's signer moved under A's waiting line, invited as A.)
        sending_a = self.sending_of(self.initiator, self.contract | self.second)
        self.confirm(sending_a.with_user(self.initiator))
        sending_b = self.sending_of(self.user_b, self.contract_b)
        signer_b = self.as_(sending_b.line_ids.signer_ids[:1], self.user_b)
        signer_b.email = "attacker@evil.example"
        waiting = sending_a.line_ids[0]
        for values in ({"line_id": waiting.id}, {"company_id": self.company.id}):
            with self.subTest(values=values):
                self.refused(signer_b, values)
        with self.assertRaises(AccessError):
            self.as_(self.env[BULK_SIGNER], self.user_b).create(
                {"line_id": waiting.id, "name": "Attacker", "email": "attacker@evil.example"}
            )
        self.assertNotIn("attacker@evil.example", sending_a.line_ids.signer_ids.mapped("email"))

    def test_1_a_wizard_line_is_never_moved_into_another_users_wizard(self):
        # (Failed before: the colleague's signer joined the initiator's wizard.)
        wizard = self.open_wizard(user=self.initiator)
        other = self.open_wizard(contract=self.second, user=self.manager_a)
        line = self.as_(other.line_ids[:1], self.manager_a)
        self.refused(line, {"wizard_id": wizard.id})
        self.assertEqual(len(wizard.line_ids), 2)

    def test_1_a_cabinet_never_changes_company_nor_is_written_by_hand(self):
        # (Failed before: A's manager moved A's cabinet to B.)
        firm = self.as_(self.firm, self.manager_a)
        for values in (
            {"company_id": self.company_b.id},
            {"state": "linked", "active": True},
            {"linked_by_id": self.manager_a.id},
            {"name": "Renamed"},
        ):
            with self.subTest(values=values):
                self.refused(firm, values)
        self.assertEqual(self.env["jesignexpert.firm"]._active_firm(self.company), self.firm)

    def test_1_every_parent_and_company_field_is_fixed(self):
        """The same class of attack on every model of the addon, each as a
        user who may write the record."""
        clause = self.contract._jesignexpert_clause()
        clause_b = self.contract_b._jesignexpert_clause()
        collection = sent_collection(self.env, self.firm, self.contract, "CDD MARC")
        cases = [
            (clause.with_user(self.initiator), {"contract_id": self.contract_b.id}),
            (clause.with_user(self.initiator), {"published": True}),
            (clause.slot_ids[:1].with_user(self.initiator), {"clause_id": clause_b.id}),
            (self.firm.access_ids[:1], {"firm_id": self.firm.id}),
            (self.firm.access_ids[:1], {"user_id": self.initiator.id}),
            (collection, {"contract_id": self.contract_b.id}),
            (collection, {"company_id": self.company_b.id}),
            (collection.signer_ids[:1], {"collection_id": collection.id}),
        ]
        for records, values in cases:
            with self.subTest(model=records._name, values=values):
                self.refused(self.as_(records, records.env.user), values)
        # A clause or a template may change company, but only into one of the writer's.
        template = self.env["jesignexpert.document.template"].create(
            {"name": "Avenant A", "company_id": self.company.id}
        )
        for record, error in ((clause, ValidationError), (template, AccessError)):
            with self.subTest(model=record._name):
                self.refused(self.as_(record, self.initiator), {"company_id": self.company_b.id}, error=error)
        self.as_(template, self.initiator).write({"company_id": False})  # shared with every company: allowed
        self.assertFalse(template.company_id)

    def test_1_a_contract_uses_its_companys_template_and_clause_only(self):
        template_b = self.env["jesignexpert.document.template"].create(
            {"name": "Modèle B", "company_id": self.company_b.id}
        )
        contract = self.as_(self.contract, self.initiator)
        self.refused(contract, {"jesignexpert_template_id": template_b.id}, error=UserError)
        self.refused(contract, {"jesignexpert_clause_id": self.contract_b._jesignexpert_clause().id})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.company.jesignexpert_clause_id = self.contract_b._jesignexpert_clause()


@tagged("post_install", "-at_install")
class TestIdsAreCheckedAsTheUser(PathsCase):
    """2. A record named by a client is one its user may read."""

    def test_2_a_line_cannot_name_what_its_author_may_not_read(self):
        # (Failed before: B's user read A's contract, employee, attachment and collection through the line.)
        sent_collection(self.env, self.firm, self.contract, "CDD MARC EN COURS")
        attachment_a = self.env["ir.attachment"].create(
            {"name": "secret-a.pdf", "raw": blank_pdf(), "res_model": "hr.contract", "res_id": self.contract.id}
        )
        sending_b = self.sending_of(self.user_b, self.contract_b)
        Line = self.as_(self.env[LINE], self.user_b)
        for values in (
            {"contract_id": self.contract.id},
            {"contract_id": self.contract_b.id, "attachment_id": attachment_a.id, "document_source": "attachment"},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError), self.env.cr.savepoint():
                Line.create(dict(values, sending_id=sending_b.id, title="x"))
        line_b = self.as_(sending_b.line_ids, self.user_b)
        self.refused(line_b, {"attachment_id": attachment_a.id, "document_source": "attachment"})
        self.assertEqual(len(sending_b.line_ids), 1)
        # Its own contract's attachment is fine.
        line_b.write({"attachment_id": self.attachment_b.id, "document_source": "attachment"})
        self.assertEqual(line_b.attachment_id, self.attachment_b)

    def test_2_computed_fields_show_nothing_their_reader_may_not_read(self):
        collection = sent_collection(self.env, self.firm, self.contract, "CDD MARC EN COURS")
        sending = self.sending_of(self.initiator, self.contract)
        line = sending.line_ids
        # A jesignexpert.com manager who is no HR officer reads the company's sendings, not its contracts.
        reader = new_test_user(self.env, "path_reader", groups=f"base.group_user,{MANAGE}")
        with self.assertRaises(AccessError):
            self.as_(self.contract, reader).read(["name"])
        as_reader = self.as_(line, reader)
        self.assertFalse(as_reader.open_collection_id)
        self.assertFalse(as_reader.open_collection_name)
        self.assertIn("not allowed to read this contract", as_reader.problem)
        as_initiator = self.as_(line, self.initiator)
        self.assertEqual(as_initiator.open_collection_name, collection.name)


@tagged("post_install", "-at_install")
class TestPrivateDataStaysWithHr(PathsCase):
    """3. The employee's private e-mail, phone and address, for HR officers only."""

    def test_3_a_team_lead_sends_to_the_work_contact_and_reads_nothing_private(self):
        # (Failed before: the team lead's wizard proposed the private e-mail and phone.)
        lead_contract = self.as_(self.contract, self.team_lead)
        with self.assertRaises(AccessError):
            self.as_(self.employee, self.team_lead).read(["private_email"])
        wizard = self.open_wizard(user=self.team_lead)
        employee_line = wizard.line_ids.filtered(lambda line: line.referent == "employee")
        self.assertEqual(
            (employee_line.email, employee_line.phone), ("marc.langlois@work.example.com", "+33 7 00 00 00 01")
        )
        self.assertNotIn("Bellecour", str(lead_contract.jesignexpert_document))
        self.assertIn("(Adresse du salarié)", str(lead_contract.jesignexpert_document))
        pdf = PdfReader(io.BytesIO(base64.b64decode(wizard.pdf)))
        self.assertIn("Langlois", "".join(page.extract_text() for page in pdf.pages))
        self.assertNotIn("Bellecour", "".join(page.extract_text() for page in pdf.pages))
        # An HR officer: the same work contact, and the private address in the document.
        wizard = self.open_wizard(user=self.initiator)
        employee_line = wizard.line_ids.filtered(lambda line: line.referent == "employee")
        self.assertEqual(employee_line.email, "marc.langlois@work.example.com")
        self.assertIn("Bellecour", str(self.as_(self.contract, self.initiator).jesignexpert_document))

    def test_3_a_new_hire_with_no_work_address_is_reached_privately_by_hr_only(self):
        # (Failed before: the team lead's bulk sending filled in the private e-mail.)
        self.employee.write({"work_email": False, "mobile_phone": False})
        hr_sending = self.sending_of(self.initiator, self.contract)
        signer = hr_sending.line_ids.signer_ids.filtered(lambda s: s.referent == "employee")
        self.assertEqual((signer.email, signer.phone), ("marc.langlois@example.com", "06 12 34 56 78"))
        lead_sending = self.sending_of(self.team_lead, self.contract)
        signer = lead_sending.line_ids.signer_ids.filtered(lambda s: s.referent == "employee")
        self.assertFalse(signer.email or signer.phone)
        self.assertIn("no e-mail address", lead_sending.line_ids.problem)
        # From the employee's form, the same rule.
        action = self.as_(self.employee, self.initiator).action_jesignexpert_sign()
        wizard = self.env["jesignexpert.collection.wizard"].with_user(self.initiator).browse(action["res_id"])
        employee_line = wizard.line_ids.filtered(lambda s: s.referent == "employee")
        self.assertEqual(employee_line.email, "marc.langlois@example.com")

    def test_3_the_representatives_contact_is_for_the_companys_own_people(self):
        with self.assertRaises(AccessError):
            self.as_(self.company, self.portal).read(["jesignexpert_representative_email"])
        values = self.as_(self.company, self.team_lead).read(["jesignexpert_representative_email"])
        self.assertEqual(values[0]["jesignexpert_representative_email"], "jean.doe@example.com")


@tagged("post_install", "-at_install")
class TestWhatOnlyOdooWrites(PathsCase):
    """4. The signature states of contracts and employees are Odoo's."""

    def test_4_nobody_marks_a_contract_signed_by_hand(self):
        # (Failed before: the initiator marked the unsigned contract "signed".)
        contract = self.as_(self.contract, self.initiator)
        for values in (
            {"jesignexpert_signature_state": "signed"},
            {"jesignexpert_employer_unsigned": True},
            {"jesignexpert_is_cdd": False},
        ):
            with self.subTest(values=values):
                self.refused(contract, values)
        self.refused(self.as_(self.employee, self.initiator), {"jesignexpert_signature_state": "signed"})
        self.assertEqual(self.contract.jesignexpert_signature_state, "to_send")
        self.assertFalse(
            self.env["hr.contract"].search(
                [("id", "=", self.contract.id), ("jesignexpert_signature_state", "=", "signed")]
            )
        )
