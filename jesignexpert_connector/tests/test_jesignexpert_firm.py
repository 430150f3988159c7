# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SandboxCase


@tagged("post_install", "-at_install")
class TestFirm(SandboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.initiator = new_test_user(
            cls.env, "initiator", groups="base.group_user,jesignexpert_connector.group_jesignexpert_user"
        )
        cls.manager = new_test_user(
            cls.env, "jse_manager", groups="base.group_user,jesignexpert_connector.group_jesignexpert_manager"
        )
        cls.manager_b = new_test_user(
            cls.env,
            "jse_manager_b",
            groups="base.group_user,jesignexpert_connector.group_jesignexpert_manager",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )

    def test_internal_users_may_initiate_by_default(self):
        newcomer = self.env["res.users"].create({"name": "Newcomer", "login": "newcomer"})
        self.assertTrue(newcomer.jesignexpert_initiate)
        self.assertFalse(newcomer.jesignexpert_manager)
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.jesignexpert_initiate and admin.jesignexpert_manager)

    def test_403_on_check_marks_the_firm_expired_and_tells_the_managers(self):
        firm = self.link_firm(user=self.manager)
        self.inject_fault("403", count=1)
        self.env["jesignexpert.firm"]._cron_check_connections()
        self.assertEqual(firm.state, "expired")
        self.assertIn("accepts none of the collaborators' accesses", firm.last_check_message)
        activities = firm.activity_ids
        self.assertIn(self.manager, activities.user_id)
        self.assertIn(self.env.ref("base.user_admin"), activities.user_id)
        self.assertNotIn(self.manager_b, activities.user_id, "company B's manager is not concerned")
        self.assertEqual(set(activities.mapped("summary")), {"Link jesignexpert.com again"})
        # the next daily run leaves the expired cabinet alone: no new activity
        self.env["jesignexpert.firm"]._cron_check_connections()
        self.assertEqual(firm.activity_ids, activities)

    def test_tokens_and_secret_are_for_system_administrators_only(self):
        firm = self.link_firm()
        for user in (self.initiator, self.manager):
            as_user = firm.with_user(user)
            self.assertEqual(as_user.name, "Cabinet Dupont Expertise")
            with self.assertRaises(AccessError):
                as_user.read(["office_token"])
            with self.assertRaises(AccessError):
                firm.access_ids.with_user(user).read(["token"])
            with self.assertRaises(AccessError):
                self.env["ir.config_parameter"].with_user(user).get_param("jesignexpert_connector.secret")
        self.assertTrue(firm.with_user(self.env.ref("base.user_admin")).office_token)

    def test_a_user_without_the_right_is_refused_by_the_server(self):
        firm = self.link_firm()
        self.initiator.jesignexpert_initiate = False  # as an administrator does on the user form
        self.assertNotIn(self.env.ref("jesignexpert_connector.group_jesignexpert_user"), self.initiator.groups_id)
        Firm = self.env["jesignexpert.firm"].with_user(self.initiator)
        with self.assertRaises(AccessError):
            Firm.search([])
        with self.assertRaises(AccessError):
            firm.with_user(self.initiator).action_check_my_access()
        with self.assertRaises(AccessError):
            Firm._action_start_link(self.company_a, "user")

    def test_an_initiator_cannot_link_the_company_cabinet(self):
        with self.assertRaises(AccessError):
            self.env["jesignexpert.firm"].with_user(self.initiator).action_link_account()

    def test_company_b_neither_sees_nor_uses_company_a_firm(self):
        firm_a = self.link_firm(company=self.company_a)
        Firm_b = self.env["jesignexpert.firm"].with_user(self.manager_b).with_company(self.company_b)
        self.assertFalse(Firm_b.search([]))
        with self.assertRaises(AccessError):
            firm_a.with_user(self.manager_b).read(["name"])
        with self.assertRaises(AccessError):
            Firm_b._action_start_link(self.company_a, "firm")
        firm_b = self.link_firm(company=self.company_b, user=self.manager_b, office="Cabinet Editeur Oppus 1")
        self.assertEqual(Firm_b.search([]), firm_b)
        self.assertEqual(self.env["jesignexpert.firm"].with_user(self.manager).search([]), firm_a)

    def test_unlink_keeps_history(self):
        firm = self.link_firm()
        firm.with_user(self.manager).action_unlink_firm()
        self.assertEqual((firm.active, firm.state), (False, "revoked"))
        with self.assertRaises(AccessError):
            self.link_firm().with_user(self.initiator).action_unlink_firm()

    def test_secret_is_never_shown_back(self):
        settings = self.env["res.config.settings"].create({"jesignexpert_secret": "  new-secret  "})
        settings.execute()
        self.assertEqual(
            self.env["ir.config_parameter"].sudo().get_param("jesignexpert_connector.secret"), "new-secret"
        )
        fresh = self.env["res.config.settings"].create({})
        self.assertFalse(fresh.jesignexpert_secret)
        self.assertTrue(fresh.jesignexpert_secret_saved)
        self.assertFalse(settings.jesignexpert_secret, "the secret does not stay in the settings record")
