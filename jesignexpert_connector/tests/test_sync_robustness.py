# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a sandbox hides: the real platform may page, name states and expire
tokens differently.  Nothing may be skipped, stall or stop the sync."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from .. import jse
from .common import CollectionCase, cdd_contract, run_sync, sent_collection
from .patches import fails_for, sync_in_batches


@tagged("post_install", "-at_install")
class TestSyncRobustness(CollectionCase):
    def sent(self, n, contract=None, firm=None):
        contract, firm = contract or self.contract, firm or self.firm
        return [sent_collection(self.env, firm, contract, f"{contract.name} {i}") for i in range(n)]

    def sign(self, *collections):
        for collection in collections:
            self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/1/sign")

    def attachments_of(self, contract):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "hr.contract"), ("res_id", "=", contract.id), ("name", "like", "- signé.pdf")]
        )

    def other_company(self, name, office="Cabinet Petit & Associés", email="paul.petit@cabinet-exemple.fr"):
        company = self.env["res.company"].create({"name": name})
        self.env.user.company_ids |= company
        firm = self.link_firm(company=company, office=office, email=email)
        employee = self.env["hr.employee"].create({"name": f"Salarié {name}", "company_id": company.id})
        return firm, cdd_contract(self.env, employee, name=f"CDD {name}", company_id=company.id)

    # -------------------------------------------------------------- paging --

    def test_a_signature_between_two_pages_hides_no_signed_contract(self):
        """Page 1 holds 5 sent collections, the next pages 7 signed ones; a
        signer signs a page-1 collection while page 1 is being taken: with
        offset paging the list shifts and one signed collection slips
        between the pages, its stamp older than the new position."""
        self.sandbox_setting("/_sandbox/page_size", {"size": 5}, {"size": 100})
        self.firm.sync_cursor = 0
        collections = self.sent(12)
        self.sign(*collections[5:])
        original = jse.JseClient.list_changes
        pages = []

        def interleaved(client, *args, **kwargs):
            page = original(client, *args, **kwargs)
            pages.append(page)
            if len(pages) == 1:
                self.sign(collections[0])  # between page 1 and page 2
            return page

        with patch.object(jse.JseClient, "list_changes", interleaved):
            run_sync(self.env)
        self.assertGreaterEqual(len(pages), 3, "more than one page was read")
        signed = [c for c in collections if c.state == "signed"]
        self.assertEqual(len(signed), 8)
        self.assertTrue(all(c.signed_attachment_id for c in signed), "every signed contract came home")
        self.assertEqual(len(self.attachments_of(self.contract)), 8)
        self.firm.sync_cursor = 0
        run_sync(self.env)
        self.assertEqual(len(self.attachments_of(self.contract)), 8, "and never twice")

    # ----------------------------------------------------------- tolerance --

    def test_unknown_states_and_missing_lists_stay_on_their_one_collection(self):
        odd, empty, normal = self.sent(3)
        self.sign(odd, empty, normal)
        self.sandbox_call(
            "POST",
            f"/_sandbox/transaction/{odd.jse_id}/answer",
            json={"status": "archived", "signatories": [{"level": 1, "status": "opened"}], "sentAt": None},
        )
        self.sandbox_call("POST", f"/_sandbox/transaction/{empty.jse_id}/answer", json={"signatories": []})
        self.env["jesignexpert.sync"]._cron_sync(auto_commit=False)  # raises nothing
        self.assertEqual(odd.state, "sent", "its last known state is kept")
        self.assertIn("unknown state 'archived'", odd.sync_problem)
        self.assertIn("unknown signer state (1: opened)", odd.sync_problem)
        self.assertIn("reported: unknown state 'archived'", "".join(odd.message_ids.mapped("body")))
        self.assertEqual(odd.signer_ids.state, "waiting", "nor is the signer's state guessed")
        self.assertTrue(empty.signed_attachment_id, "a signed collection with no signers listed still comes home")
        self.assertIn("no signers", empty.sync_problem)
        self.assertTrue(normal.signed_attachment_id and not normal.sync_problem)
        self.sandbox_call("DELETE", f"/_sandbox/transaction/{odd.jse_id}/answer")
        run_sync(self.env)
        self.assertTrue(odd.signed_attachment_id, "once jesignexpert.com speaks clearly again, it comes home")
        self.assertFalse(odd.sync_problem)

    def test_a_signed_pdf_with_a_certificate_page_is_attached_with_a_note(self):
        (collection,) = self.sent(1)
        self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/certificate_page", json={})
        self.sign(collection)
        run_sync(self.env)
        self.assertTrue(collection.signed_attachment_id)
        self.assertIn("1 page(s) more than the document sent", "".join(self.contract.message_ids.mapped("body")))

    # -------------------------------------------------------- never dies --

    def test_one_cabinets_unexpected_error_stops_neither_the_others_nor_the_cron(self):
        firm_b, contract_b = self.other_company("Société B")
        (mine,) = self.sent(1)
        (theirs,) = self.sent(1, contract_b, firm_b)
        self.sign(mine, theirs)
        cron = self.env.ref("jesignexpert_connector.ir_cron_jesignexpert_sync")
        cron, progress = cron._add_progress()
        with fails_for(self.env, "_apply", mine):
            self.env["jesignexpert.sync"].with_context(**cron.env.context)._cron_sync(auto_commit=False)
        self.assertTrue(theirs.signed_attachment_id, "the other cabinet's contract came home")
        self.assertFalse(mine.signed_attachment_id)
        # The trouble is the collection's (issue 20): its cabinet's other news goes on past it.
        self.assertIn("unexpected error (RuntimeError)", mine.sync_problem)
        self.assertFalse(self.firm.sync_error)
        self.assertFalse(firm_b.sync_error)
        self.assertGreaterEqual(progress.done, 2, "every change read counts (the sandbox's others too)")
        # The daily check reads it again within the hour, and takes it home.
        self.assertLessEqual(mine.next_check_on, fields.Datetime.now() + timedelta(hours=1))
        mine.sudo().next_check_on = fields.Datetime.now()
        self.env["jesignexpert.sync"]._cron_sweep(auto_commit=False)
        self.assertTrue(mine.signed_attachment_id, "the daily check takes it home")

    def test_one_collection_whose_news_always_fails_never_holds_back_its_cabinet(self):
        # Issue 20, point 1 (failed before: every run stopped at the broken one, the later ones never came home).
        broken, later = self.sent(2)
        self.sign(broken)
        with fails_for(self.env, "_apply", broken):
            run_sync(self.env)
            self.sign(later)  # signed just after, in the same cabinet
            run_sync(self.env)
            run_sync(self.env)
        self.assertTrue(later.signed_attachment_id, "the later signature came home")
        self.assertFalse(broken.signed_attachment_id)
        self.assertIn("RuntimeError", broken.sync_problem)
        self.assertFalse(self.firm.sync_error, "the cabinet is not the one in trouble")
        self.assertEqual(len(self.attachments_of(self.contract)), 1)

    def test_a_large_backlog_is_done_in_batches_that_tell_odoo_work_remains(self):
        collections = self.sent(3)
        self.sign(*collections)
        batches = sync_in_batches(self.env, "jesignexpert.collection", "_take_news", 4)  # ten seconds each
        # Every change read counts (the shared sandbox's others too), the work left is said.
        self.assertGreaterEqual(batches[0][0], 2)
        self.assertEqual(batches[0][1], 1, "a batch stops at its budget and says that work remains")
        self.assertEqual(batches[-1][1], 0)
        self.assertTrue(all(c.signed_attachment_id for c in collections))
        self.assertEqual(len(self.attachments_of(self.contract)), 3)

    # ------------------------------------------------------------ accesses --

    def test_an_access_is_used_until_jesignexpert_refuses_it_whatever_its_age(self):
        self.firm.access_ids.linked_on = fields.Datetime.now() - timedelta(days=8)
        (collection,) = self.sent(1)
        self.sign(collection)
        run_sync(self.env)
        self.assertTrue(collection.signed_attachment_id)

    def test_a_refused_access_makes_way_for_the_next_one(self):
        marie = self.link_tokens(email="marie.martin@cabinet-exemple.fr")
        self.firm._link_user(marie, self.initiator)
        (collection,) = self.sent(1)
        self.sign(collection)
        self.sandbox_call("POST", "/_sandbox/tokens/revoke", json={"email": "jean.doe@cabinet-exemple.fr"})
        run_sync(self.env)
        self.assertTrue(collection.signed_attachment_id, "fetched with Marie's access")
        self.assertEqual(self.firm.state, "linked", "one refused access does not expire the cabinet")
        jean = self.firm.access_ids.filtered(lambda a: a.email == "jean.doe@cabinet-exemple.fr")
        self.assertTrue(jean.expired)
        ok, _message = self.firm._check_connection()
        self.assertTrue(ok)

    def test_with_no_access_left_managers_and_initiators_are_told(self):
        (collection,) = self.sent(1)
        self.sandbox_call("POST", "/_sandbox/tokens/revoke", json={"email": "jean.doe@cabinet-exemple.fr"})
        run_sync(self.env)
        self.assertEqual(self.firm.state, "expired")
        self.assertIn("Link jesignexpert.com again", self.firm.activity_ids.mapped("summary"))
        warnings = self.env["jesignexpert.firm"].with_user(self.initiator).get_access_warnings()
        self.assertEqual(len(warnings), 1)
        self.assertIn("cannot come home until someone links their jesignexpert.com access", warnings[0])
        self.assertIn("cannot come home", self.contract.with_user(self.initiator).jesignexpert_access_warning)
        self.assertTrue(collection.cabinet_warning)
        self.firm._link_user(self.link_tokens(), self.env.user)  # someone links their access again
        self.assertEqual(self.firm.state, "linked")
        self.assertFalse(self.env["jesignexpert.firm"].with_user(self.initiator).get_access_warnings())
        self.sign(collection)
        run_sync(self.env)
        self.assertTrue(collection.signed_attachment_id)

    def test_managers_are_reminded_before_the_last_access_lapses(self):
        self.firm.access_ids.linked_on = fields.Datetime.now() - timedelta(days=4, hours=12)
        self.firm._remind_before_lapse()
        reminders = self.firm.activity_ids.filtered(lambda a: a.summary == "Link your jesignexpert.com access again")
        self.assertTrue(reminders)
        self.firm._remind_before_lapse()
        self.assertEqual(
            len(self.firm.activity_ids.filtered(lambda a: a.summary == "Link your jesignexpert.com access again")),
            len(reminders),
            "once per access linked",
        )

    # ----------------------------------------------------- hosts, drafts --

    def test_each_environment_address_is_a_setting_and_credentials_can_be_tested(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("jesignexpert_connector.environment", "preproduction")
        params.set_param("jesignexpert_connector.url_preproduction", self.sandbox.url)
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.jesignexpert_preproduction_url, self.sandbox.url)
        action = settings.action_jesignexpert_test_credentials()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        params.set_param("jesignexpert_connector.secret", "not-the-secret")
        action = self.env["res.config.settings"].create({}).action_jesignexpert_test_credentials()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("refused the integrator credentials", action["params"]["message"])
        self.assertNotIn("not-the-secret", action["params"]["message"])

    def test_a_draft_whose_page_cannot_be_asked_is_kept(self):
        original = jse.JseClient.save_draft

        def answer_without_url(client, tid):
            original(client, tid)
            self.inject_fault("500", count=20, path=f"/transaction/{tid}")
            return ""

        with patch.object(jse.JseClient, "save_draft", answer_without_url):
            action = self.open_wizard().action_confirm()
        collection = self.contract.jesignexpert_collection_ids
        self.assertEqual((action["res_model"], action["res_id"]), (collection._name, collection.id))
        self.sandbox_call("DELETE", "/_sandbox/faults")
        self.assertEqual(self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")["status"], "draft")

    def test_the_draft_page_comes_from_the_draft_answer(self):
        self.sandbox_call("DELETE", "/_sandbox/calls")
        action = self.open_wizard().action_confirm()
        self.assertTrue(action["url"].endswith(f"/collecte/{self.contract.jesignexpert_collection_ids.jse_id}"))
        self.assertNotIn("api_get", self.sandbox_call("GET", "/_sandbox/calls"))

    # ---------------------------------------------------- shared cabinet --

    def test_one_cabinet_shared_by_companies_is_asked_once(self):
        self.firm.sync_cursor = 0
        others = [self.other_company(name, "Cabinet Dupont Expertise", "jean.doe@cabinet-exemple.fr") for name in "BC"]
        collections = self.sent(1) + [c for firm, contract in others for c in self.sent(1, contract, firm)]
        for firm, _contract in others:
            firm.sync_cursor = 0
        self.sign(*collections)
        self.sandbox_call("DELETE", "/_sandbox/calls")
        run_sync(self.env)
        self.assertTrue(all(c.signed_attachment_id for c in collections), "each routed to its company")
        calls = self.sandbox_call("GET", "/_sandbox/calls")
        self.assertEqual(calls.get("api_list"), 1, "one list call for the three companies")
        self.assertEqual((calls.get("api_document"), calls.get("api_proof")), (3, 3))
