# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 16: nothing crosses a company or a right, by any path.  Each test
plays an attack as a client would over JSON-RPC (a user of another company,
a manager, a team lead who is not an HR officer, a portal user), then shows
the legitimate users still do their work.  The cache is emptied before each
attempt, as each request starts with an empty one."""

import base64
import io

from pypdf import PdfReader, PdfWriter

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import blank_pdf, cdd_contract, sent_collection
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
        cls.company_b = cls.env["res.company"].create({"name": "Petit Industrie SAS"})
        in_b = {"company_id": cls.company_b.id, "company_ids": [Command.set(cls.company_b.ids)]}
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


@tagged("post_install", "-at_install")
class TestRightsMatchTheAct(PathsCase):
    """5. Each act checks the right it needs, before anything is done as superuser."""

    def test_5_a_sending_is_changed_by_its_initiator_alone(self):
        # (Failed before: the manager rewrote the colleague's message and signers, sent in the colleague's name.)
        sending = self.sending_of(self.initiator, self.contract | self.second)
        as_manager = self.as_(sending, self.manager_a)
        self.assertTrue(as_manager.read(["message"]), "managers read the company's sendings")
        self.refused(as_manager, {"message": "Signez vite"})
        self.refused(as_manager.line_ids[:1], {"title": "Autre"})
        self.refused(as_manager.line_ids.signer_ids[:1], {"email": "attacker@evil.example"})
        for method in ("action_next", "action_confirm", "unlink"):
            with self.subTest(method=method), self.assertRaises(AccessError), self.env.cr.savepoint():
                getattr(self.as_(sending, self.manager_a), method)()
        # The initiator changes it; the manager stops it and tries the failed ones again.
        self.as_(sending, self.initiator).message = "Bonjour"
        self.confirm(self.as_(sending, self.initiator))
        self.as_(sending, self.manager_a).action_stop()
        self.assertEqual(sending.state, "stopped")
        self.as_(sending, self.manager_a).action_retry_failed()
        for intruder in (self.manager_b, self.user_b, self.portal):
            for method in ("action_stop", "action_retry_failed"):
                with self.subTest(intruder=intruder.login, method=method), self.assertRaises(AccessError):
                    getattr(self.as_(sending, intruder), method)()

    def test_5_acting_on_a_collection_needs_its_initiator_or_a_manager(self):
        collection = sent_collection(self.env, self.firm, self.contract, "CDD MARC").sudo()
        collection.initiator_id = self.initiator
        self.sandbox_call("DELETE", "/_sandbox/calls")
        for intruder in (self.manager_b, self.user_b, self.team_lead, self.portal):
            for method in ("action_refresh", "action_cancel", "action_delete_draft"):
                with self.subTest(intruder=intruder.login, method=method), self.assertRaises(AccessError):
                    getattr(self.as_(collection, intruder), method)()
        self.assertFalse(self.sandbox_call("GET", "/_sandbox/calls"), "nothing asked of jesignexpert.com")
        self.assertEqual(collection.state, "sent")
        self.as_(collection, self.initiator).action_refresh()
        self.as_(collection, self.manager_a).action_cancel()
        self.assertEqual(collection.state, "cancelled")

    def test_5_editing_the_clause_needs_the_right_to_change_the_contract(self):
        # (Failed before: the team lead, who may only read the contract, had its clause copied and set.)
        self.contract.sudo().jesignexpert_clause_id = False
        with self.assertRaises(AccessError):
            self.as_(self.contract, self.team_lead).action_jesignexpert_edit_clause()
        self.assertFalse(self.contract.jesignexpert_clause_id)
        action = self.as_(self.contract, self.initiator).action_jesignexpert_edit_clause()
        self.assertEqual(action["res_id"], self.contract.jesignexpert_clause_id.id)

    def test_5_the_cabinets_connection_test_is_its_managers(self):
        # (Failed before: an initiator's test, under a 403, marked every access refused.)
        self.inject_fault("403", count=50)
        with self.assertRaises(AccessError):
            self.as_(self.firm, self.initiator).action_test_connection()
        self.assertFalse(self.firm.access_ids.filtered("expired"))
        self.assertEqual(self.firm.state, "linked")

    def test_5_the_job_runs_in_the_sendings_company_whoever_started_it(self):
        # (Failed before: "unauthorized companies" on every line when run with A and B selected.)
        sending = self.sending_of(self.initiator, self.contract | self.second)
        self.confirm(self.as_(sending, self.initiator))
        self.admin.company_ids |= self.company_b
        both = self.env["jesignexpert.bulk.sending"].with_context(
            allowed_company_ids=(self.company | self.company_b).ids
        )
        both._cron_prepare(auto_commit=False)
        self.assertEqual(set(sending.line_ids.mapped("state")), {"prepared"}, sending.line_ids.mapped("error"))


@tagged("post_install", "-at_install")
class TestBadInputGetsWords(PathsCase):
    """6. Bad arguments are answered in words, never with a server error."""

    def test_6_the_follow_up_filters_take_what_a_filter_or_the_domain_editor_writes(self):
        # (Failed before: NotImplemented, which Odoo 18 cannot use: a server error.)
        Contract, Collection = self.env["hr.contract"], self.env["jesignexpert.collection"]
        for model, name in (
            (Contract, "jesignexpert_cdd_at_risk"),
            (Collection, "expiring_soon"),
            (Collection, "late_unsigned"),
        ):
            everything = model.search([])
            found = model.search([(name, "=", True)])
            not_found = everything - found
            for operator, value, expected in (
                ("=", True, found),
                ("!=", False, found),
                ("=", 1, found),
                ("in", [True], found),
                ("=", False, not_found),
                ("not in", [True], not_found),
                ("in", [True, False], everything),
                ("in", [], model),
            ):
                with self.subTest(field=name, operator=operator, value=value):
                    self.assertEqual(model.search([(name, operator, value)]), expected)
            for operator, value in ((">", 5), ("=", "oui"), ("ilike", "x"), ("in", "x")):
                with (
                    self.subTest(field=name, operator=operator, value=value),
                    self.assertRaisesRegex(UserError, "set or not set"),
                ):
                    model.search([(name, operator, value)])

    def test_6_variables_are_searched_with_text(self):
        Templates = self.as_(self.env["jesignexpert.document.template"], self.portal)
        with self.assertRaises(UserError):
            Templates.search_variables(5)
        with self.assertRaises(UserError):
            Templates.search_variables("nom", lang=["fr_FR"])
        self.assertTrue(Templates.search_variables("nom"))

    def test_6_an_upload_that_is_not_a_file_or_has_no_page_is_refused_at_once(self):
        wizard = self.open_wizard(user=self.initiator)
        sending = self.sending_of(self.initiator, self.contract | self.second)
        line = self.as_(sending.line_ids[:1], self.initiator)
        empty = io.BytesIO()
        PdfWriter().write(empty)
        no_page = base64.b64encode(empty.getvalue())
        for record in (wizard, line):
            for upload, message in (("not base64!", "could not be read"), (no_page, "has no page")):
                with (
                    self.subTest(model=record._name, message=message),
                    self.assertRaisesRegex(ValidationError, message),
                    self.env.cr.savepoint(),
                ):
                    record.write({"document_source": "upload", "upload": upload, "upload_name": "x.pdf"})

    def test_6_an_initiator_without_an_e_mail_address_is_told_before_anything_is_queued(self):
        # (Failed before: Odoo's "configure the sender's e-mail" undid the whole confirmation.)
        sending = self.sending_of(self.initiator, self.contract | self.second)
        self.initiator.partner_id.email = False
        self.addCleanup(setattr, self.initiator.partner_id, "email", "sig.initiator@example.com")
        with self.assertRaisesRegex(UserError, "has no e-mail address"):
            self.confirm(self.as_(sending, self.initiator))
        self.assertEqual(sending.state, "draft")


@tagged("post_install", "-at_install")
class TestAStoppedSendingSaysSo(PathsCase):
    """7. "Stopped" is a state of its own."""

    def test_7_a_stopped_sending_reads_stopped(self):
        # (Failed before: it read "Done", like one that ran to its end.)
        sending = self.sending_of(self.initiator, self.contract | self.second)
        self.confirm(self.as_(sending, self.initiator))
        self.as_(sending, self.initiator).action_stop()
        self.assertEqual(sending.state, "stopped")
        self.assertIn("Stopped by", sending.message_ids[:1].body)
        self.assertEqual(self.env[SENDING].search([("state", "=", "stopped")]), sending)
        self.assertEqual(set(sending.line_ids.mapped("state")), {"left_out"})
        # One that ran to its end is Done.
        other = self.sending_of(self.initiator, self.third | self.second)
        self.confirm(self.as_(other, self.initiator))
        self.prepare()
        self.assertEqual(other.state, "done")
