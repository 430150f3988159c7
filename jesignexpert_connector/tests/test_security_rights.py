# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 16, part 5: each act (changing a sending, acting on a collection,
editing a clause, testing a connection) checks the right it needs, before
anything is done as superuser.  Played as in test_security_paths.py."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import sent_collection
from .test_security_paths import PathsCase


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
