# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 10: nobody reads or changes what is not theirs.  Each test plays
one finding as an attacker would (a plain internal user, a user whose right
to initiate was withdrawn, a user and a manager of another company with its
own cabinet, a portal user), then shows that the legitimate users (initiator,
manager, administrator) still do their work.  The cache is emptied before
each attempt, as each JSON-RPC call starts with an empty one."""

import base64
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import CollectionCase, blank_pdf, cdd_contract, other_company, signed_transaction

WIZARD = "jesignexpert.collection.wizard"
LINE = "jesignexpert.collection.wizard.line"
SIGNER = "jesignexpert.signer"
CLAUSE = "jesignexpert.signature.clause"
INITIATE = "jesignexpert_connector.group_jesignexpert_user"
MANAGE = "jesignexpert_connector.group_jesignexpert_manager"
HR_MANAGER = "hr_contract.group_hr_contract_manager"


@tagged("post_install", "-at_install")
class TestSecurity(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.user
        cls.company_b, in_b = other_company(cls.env, "Petit Industrie SAS")
        cls.colleague = new_test_user(cls.env, "sec_colleague", groups=f"base.group_user,{INITIATE}")
        cls.withdrawn = new_test_user(cls.env, "sec_withdrawn", groups=f"base.group_user,{INITIATE}")
        cls.withdrawn.jesignexpert_initiate = False  # as an administrator does on the user form
        cls.manager_a = new_test_user(cls.env, "sec_manager_a", groups=f"base.group_user,{MANAGE}")
        cls.user_b = new_test_user(cls.env, "sec_user_b", groups=f"base.group_user,{INITIATE},{HR_MANAGER}", **in_b)
        cls.manager_b = new_test_user(cls.env, "sec_manager_b", groups=f"base.group_user,{MANAGE},{HR_MANAGER}", **in_b)
        cls.portal = new_test_user(cls.env, "sec_portal", groups="base.group_portal")

    def setUp(self):
        super().setUp()
        self.firm_b = self.link_firm(
            company=self.company_b,
            user=self.manager_b,
            email="paul.petit@cabinet-exemple.fr",
            office="Cabinet Petit & Associés",
        )

    def as_(self, records, user, companies=None):
        """``records`` as ``user`` sees them in a new request (with
        ``companies`` selected, else all theirs)."""
        self.env.invalidate_all()
        records = records.with_user(user)
        return records.with_context(allowed_company_ids=companies.ids) if companies else records

    def remote(self, collection):
        return self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")

    def collection_of_b(self):
        """A collection of company B's, made by its manager."""
        employee = self.env["hr.employee"].create({"name": "Léa Petit", "company_id": self.company_b.id})
        contract = cdd_contract(self.env, employee, name="CDD LEA PETIT", company_id=self.company_b.id)
        return (
            self.env["jesignexpert.collection"]
            .sudo()
            .create(
                {
                    "name": "CDD LEA PETIT",
                    "contract_id": contract.id,
                    "firm_id": self.firm_b.id,
                    "initiator_id": self.manager_b.id,
                    "jse_id": "b-only",
                    "signer_ids": [
                        Command.create(
                            {"sequence": 1, "name": "Léa Petit", "email": "lea@example.com", "phone": "+33611111111"}
                        )
                    ],
                }
            )
        )

    # ------------------------------------------------------------- 1 --

    def test_1_a_wizard_and_its_signers_are_their_creators_only(self):
        wizard = self.open_wizard(user=self.initiator)
        employee_line = wizard.line_ids.filtered(lambda line: line.referent == "employee")
        for intruder in (self.user_b, self.manager_b, self.colleague, self.withdrawn, self.portal):
            with self.subTest(intruder=intruder.login):
                if intruder.has_group(INITIATE):
                    self.assertFalse(self.as_(self.env[WIZARD], intruder).search_read([], ["pdf", "title"]))
                    self.assertFalse(self.as_(self.env[LINE], intruder).search_read([], ["name", "email"]))
                with self.assertRaises(AccessError):
                    self.as_(wizard, intruder).read(["pdf", "title"])
                with self.assertRaises(AccessError):
                    self.as_(wizard, intruder).write({"title": "Forged"})
                with self.assertRaises(AccessError):
                    self.as_(employee_line, intruder).write({"email": "attacker@evil.example"})
                with self.assertRaises(AccessError):
                    self.as_(wizard, intruder).action_confirm()
        # The initiator still sees, changes and confirms it, with the signers set.
        self.env.invalidate_all()
        self.assertEqual(self.env[WIZARD].with_user(self.initiator).search([]), wizard)
        wizard.title = "CDD Marc Langlois"
        wizard.action_confirm()
        collection = self.contract.jesignexpert_collection_ids
        remote = self.remote(collection)
        self.assertEqual(remote["object"], "CDD Marc Langlois")
        self.assertEqual(
            [s["email"] for s in remote["signatories"]], ["jean.doe@example.com", "marc.langlois@example.com"]
        )

    # ------------------------------------------------------------- 2 --

    def test_2_signers_follow_their_collection(self):
        self.open_wizard(user=self.initiator).action_confirm()
        signers_a = self.contract.jesignexpert_collection_ids.signer_ids
        signers_b = self.collection_of_b().signer_ids
        Signer = self.env[SIGNER]
        for user, companies, visible in (
            (self.colleague, None, Signer),  # an initiator: their own collections' only
            (self.user_b, None, Signer),
            (self.initiator, None, signers_a),
            (self.manager_a, None, signers_a),  # a manager: the company's
            (self.admin, self.company, signers_a),
            (self.admin, None, signers_a | signers_b),  # who created company B, so may work in it
            (self.manager_b, None, signers_b),
        ):
            with self.subTest(user=user.login, companies=companies and companies.name):
                as_user = self.as_(Signer, user, companies)
                self.assertEqual(as_user.search([]), visible)
                found = as_user.search_read([], ["name", "email", "phone"])
                self.assertEqual({row["email"] for row in found}, set(visible.mapped("email")))
                groups = as_user.read_group([], ["email"], ["email"])
                self.assertEqual({row["email"] for row in groups}, set(visible.mapped("email")))
        for user in (self.withdrawn, self.portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.as_(Signer, user).search_read([], ["name", "email", "phone"])
        with self.assertRaises(AccessError):
            self.as_(signers_a, self.manager_b).read(["email"])

    # ------------------------------------------------------------- 3 --

    def test_3_only_the_companys_contract_managers_publish_a_clause(self):
        clause = self.contract._jesignexpert_clause()
        Clause = self.env[CLAUSE].sudo()
        published = self.company.jesignexpert_clause_id
        count = Clause.search_count([("published", "=", True)])
        for intruder in (self.portal, self.colleague, self.withdrawn, self.user_b, self.manager_b, self.manager_a):
            with self.subTest(intruder=intruder.login):
                with self.assertRaises(AccessError):
                    self.as_(clause, intruder).action_save_and_publish()
                self.assertEqual(self.company.jesignexpert_clause_id, published)
                self.assertEqual(Clause.search_count([("published", "=", True)]), count, "no copy was made")
        # An HR contract manager of the company, and the administrator, publish.
        for user in (self.initiator, self.admin):
            self.as_(clause, user).action_save_and_publish()
            self.assertNotEqual(self.company.jesignexpert_clause_id, published)
            published = self.company.jesignexpert_clause_id
            self.assertTrue(published.published)
            self.assertFalse(published.contract_id)
        # Company B's manager publishes company B's clause, not A's.
        clause_b = Clause._default_for(self.company_b)
        self.as_(clause_b, self.manager_b).action_save_and_publish()
        self.assertNotEqual(self.company_b.jesignexpert_clause_id, clause_b)
        self.assertEqual(self.company.jesignexpert_clause_id, published)

    # ------------------------------------------------------------- 4 --

    def test_4_the_document_sent_is_the_one_odoo_rendered(self):
        wizard = self.open_wizard(user=self.initiator)
        rendered, pages, name = base64.b64decode(wizard.pdf), wizard.pdf_pages, wizard.pdf_name
        other = self.env["hr.contract"].create({"name": "OTHER", "employee_id": self.employee.id, "wage": 1})
        forged = base64.b64encode(blank_pdf(pages + 3))
        for values in ({"pdf": forged}, {"pdf_name": "x.pdf"}, {"pdf_pages": 7}, {"contract_id": other.id}):
            with self.subTest(values=list(values)), self.assertRaises(AccessError):
                self.as_(wizard, self.initiator).write(values)
        Wizard = self.as_(self.env[WIZARD], self.initiator)
        with self.assertRaises(AccessError):
            Wizard.create({"contract_id": self.contract.id, "title": "Forged", "pdf": forged, "pdf_pages": 4})
        self.assertEqual((base64.b64decode(wizard.pdf), wizard.pdf_pages), (rendered, pages))
        wizard.action_confirm()
        collection = self.contract.jesignexpert_collection_ids
        self.assertEqual(collection.page_count, pages)
        document = self.remote(collection)["documents"][0]
        self.assertEqual((document["name"], document["size"]), (name, len(rendered)))

    # ------------------------------------------------------------- 5 --

    def test_5_only_the_cabinets_own_users_test_its_connection(self):
        firm = self.firm
        before = (firm.state, firm.last_check, firm.last_check_message)
        self.sandbox_call("POST", "/_sandbox/faults", json={"mode": "403", "count": 50})
        try:
            # An initiator checks their own access; the cabinet's test is its managers' (issue 16).
            for intruder in (self.portal, self.withdrawn, self.user_b, self.manager_b, self.initiator):
                with self.subTest(intruder=intruder.login):
                    with self.assertRaises(AccessError):
                        self.as_(firm, intruder).action_test_connection()
                    if intruder != self.initiator:
                        with self.assertRaises(AccessError):
                            self.as_(firm, intruder).action_check_my_access()
                    self.assertEqual((firm.state, firm.last_check, firm.last_check_message), before)
        finally:
            self.sandbox_call("DELETE", "/_sandbox/faults")
        self.assertFalse(firm.activity_ids, "no manager was told to link again")
        # The company's manager, and company B's on its own cabinet.
        for user, cabinet in ((self.manager_a, firm), (self.manager_b, self.firm_b)):
            with self.subTest(user=user.login):
                action = self.as_(cabinet, user).action_test_connection()
                self.assertEqual(action["params"]["type"], "success")

    # ------------------------------------------------------------- 6 --

    def test_6_managers_act_on_their_companys_cabinet_only(self):
        firm_a = self.firm
        with self.env["jesignexpert.api"]._client(firm_a.office_token, firm_a.access_ids.token) as client:
            tid = signed_transaction(client, self.sandbox.url, "CDD MARC", "Marc Langlois", "marc@example.com")
        collection = (
            self.env["jesignexpert.collection"]
            .sudo()
            .create(
                {
                    "name": "CDD MARC",
                    "contract_id": self.contract.id,
                    "firm_id": firm_a.id,
                    "initiator_id": self.initiator.id,
                    "jse_id": tid,
                    "state": "sent",
                    "page_count": 1,
                    "signer_ids": [
                        Command.create({"sequence": 1, "name": "Marc Langlois", "email": "marc@example.com"})
                    ],
                }
            )
        )
        for intruder in (self.manager_b, self.user_b, self.initiator, self.colleague, self.portal):
            with self.subTest(intruder=intruder.login):
                with self.assertRaises(AccessError):
                    self.as_(firm_a, intruder).action_sync_now()
                with self.assertRaises(AccessError):
                    self.as_(firm_a, intruder).action_unlink_firm()
                self.assertEqual((firm_a.active, firm_a.state), (True, "linked"), "nothing was written")
                self.assertEqual(collection.state, "sent", "nothing was synchronised")
        # Company B's manager synchronises company B's cabinet; A's, A's.
        self.as_(self.firm_b, self.manager_b).action_sync_now()
        self.assertEqual(collection.state, "sent")
        self.as_(firm_a, self.manager_a).action_sync_now()
        self.assertEqual(collection.state, "signed")
        self.assertTrue(collection.signed_attachment_id)
        self.as_(firm_a, self.manager_a).action_unlink_firm()
        self.assertEqual((firm_a.active, firm_a.state), (False, "revoked"))
        self.as_(self.firm_b, self.manager_b).action_unlink_firm()
        self.assertEqual((self.firm_b.active, self.firm_b.state), (False, "revoked"))

    # ------------------------------------------------------------- 7 --

    def test_7_an_empty_or_broken_document_is_refused_in_the_users_words(self):
        HrContract = type(self.env["hr.contract"])
        for content, message in (
            (b"", "The document is required"),
            (b"<html>not a PDF</html>", "Only PDF documents can be signed"),
            (b"%PDF-1.7\n1 0 obj truncated", "is not a readable PDF"),
        ):
            with (
                self.subTest(content=content),
                patch.object(HrContract, "_jesignexpert_pdf", return_value=content),
                mute_logger("pypdf._reader"),
                self.assertRaisesRegex(ValidationError, message),
            ):
                self.open_wizard(user=self.initiator)
        self.assertFalse(self.env[WIZARD].with_user(self.initiator).search([]))
        # In French for a French-speaking user (whose requests carry their language).
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self.contract.with_context(lang="fr_FR")
        with (
            patch.object(HrContract, "_jesignexpert_pdf", return_value=b"<html/>"),
            self.assertRaisesRegex(ValidationError, "Seuls les documents PDF"),
        ):
            self.open_wizard(contract=french, user=self.initiator)

    def test_7_a_failure_after_the_draft_exists_leaves_no_orphan(self):
        before = self.transactions()
        self.initiator.partner_id.email = False  # Odoo refuses to post in the chatter for them
        wizard = self.open_wizard(user=self.initiator)
        with self.assertRaisesRegex(UserError, "sender.s email address"):
            wizard.action_confirm()
        self.assertFalse(self.contract.jesignexpert_collection_ids)
        self.assertEqual(self.transactions(), before, "the draft made on jesignexpert.com was deleted")
        self.initiator.partner_id.email = "sig.initiator@example.com"
        wizard.action_confirm()
        collection = self.contract.jesignexpert_collection_ids
        self.assertEqual([t.id for t in self.transactions()], [t.id for t in before] + [collection.jse_id])

    # ------------------------------------------------------------- 8 --

    def test_8_the_connection_settings_are_for_system_administrators(self):
        names = ["jesignexpert_environment", "jesignexpert_sandbox_url", "jesignexpert_shortcut", "jesignexpert_secret"]
        Settings = self.env["res.config.settings"]
        for user in (self.portal, self.colleague, self.manager_a):
            with self.subTest(user=user.login):
                self.assertFalse(set(self.as_(Settings, user).default_get(names)) & set(names))
        values = self.as_(Settings, self.admin).default_get(names)
        self.assertEqual((values["jesignexpert_shortcut"], values["jesignexpert_environment"]), ("sandbox", "sandbox"))


@tagged("post_install", "-at_install")
class TestSecurityHttp(HttpCase):
    def test_7_a_malformed_link_return_answers_400(self):
        self.authenticate("admin", "admin")
        for query in (
            "state=%C2%B2.abc&idRequest=x",  # a digit to Python, not to int()
            "state=99999999999999999999999.abc&idRequest=x",  # out of PostgreSQL's range
            "state=1.%C3%A9&idRequest=x",  # not ASCII
            "state=1.abc&idRequest=%C3%A9",
            "state=&idRequest=",
            "state=.&idRequest=.",
        ):
            with self.subTest(query=query):
                page = self.url_open(f"/jesignexpert/link/return?{query}")
                self.assertEqual(page.status_code, 400)
                self.assertIn("This link is not valid", page.text)
