# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scheduled actions do what they say: a cabinet whose change list is
full of transactions made outside Odoo is read to its end; the fetch-retry
path uses the accesses the main path would; the daily check's steps do not
depend on one another."""

from datetime import timedelta
from time import monotonic
from unittest.mock import patch

from jse_sandbox.odoo_helpers import sent_transaction

from odoo import fields
from odoo.tests import tagged

from ..models.jesignexpert_sync import Report
from .common import CollectionCase, cdd_contract, run_sync, sent_collection
from .patches import sync_in_batches


@tagged("post_install", "-at_install")
class TestCronDoesWhatItSays(CollectionCase):
    def test_a_change_list_full_of_foreign_transactions_is_read_to_its_end_in_chained_batches(self):
        self.sandbox_setting("/_sandbox/page_size", {"size": 2}, {"size": 100})
        with self.firm._client(self.firm._usable_accesses()[:1]) as client:
            for n in range(8):  # made on jesignexpert.com, not from Odoo
                sent_transaction(client, f"Hors Odoo {n}", "Paul Durand", "paul.durand@example.com")
        collection = sent_collection(self.env, self.firm, self.contract, "CDD MARC LANGLOIS")
        self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/1/sign")
        # Ten seconds a page; as ir_cron decides, nothing done or nothing left ends the chain.
        batches = sync_in_batches(
            self.env, "jesignexpert.sync", "_collections_of", 50, ends=lambda done, remaining: not done or not remaining
        )
        self.assertGreater(len(batches), 2, "the list took several batches")
        self.assertTrue(all(done for done, _remaining in batches), batches)
        self.assertTrue(collection.signed_attachment_id, "the signature after them came home")

    def test_one_step_of_the_daily_check_that_fails_does_not_stop_the_others(self):
        firms = type(self.env["jesignexpert.firm"])
        drafts = type(self.env["jesignexpert.draft"])
        links = type(self.env["jesignexpert.link.request"])
        self.firm.last_check = False
        with (
            patch.object(firms, "_remind_before_lapse", side_effect=RuntimeError("something nobody foresaw")),
            patch.object(drafts, "_purge_orphans", side_effect=RuntimeError("and again")),
            patch.object(links, "_purge") as purge_links,
            self.assertLogs("odoo.addons.jesignexpert_connector.models.jesignexpert_firm", "ERROR") as logs,
        ):
            self.env["jesignexpert.firm"]._cron_check_connections()  # raises nothing
        purge_links.assert_called_once()
        self.assertEqual(len(logs.output), 2, "each failed step is logged")
        self.assertTrue(self.firm.last_check, "the cabinet was checked")

    # ------------------------------------------------------ fetch retry --

    def signed_waiting_for_its_retry(self):
        collection = sent_collection(self.env, self.firm, self.contract, "CDD MARC LANGLOIS")
        self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/1/sign")
        collection.write(
            {"state": "signed", "fetch_attempts": 1, "next_fetch_on": fields.Datetime.now() - timedelta(minutes=1)}
        )
        return collection

    def test_the_fetch_retry_falls_back_on_the_next_access(self):
        marie = self.link_tokens(email="marie.martin@cabinet-exemple.fr")
        self.firm._link_user(marie, self.initiator)
        collection = self.signed_waiting_for_its_retry()
        self.sandbox_call("POST", "/_sandbox/tokens/revoke", json={"email": "jean.doe@cabinet-exemple.fr"})
        self.env["jesignexpert.sync"]._fetch_due(monotonic() + 600, Report())
        self.assertTrue(collection.signed_attachment_id, "fetched with the access jesignexpert.com accepts")
        self.assertFalse(collection.fetch_error)

    def test_the_fetch_retry_respects_the_cabinets_pause(self):
        collection = self.signed_waiting_for_its_retry()
        self.firm.sync_paused_until = fields.Datetime.now() + timedelta(minutes=5)
        self.sandbox_call("DELETE", "/_sandbox/calls")
        self.env["jesignexpert.sync"]._fetch_due(monotonic() + 600, Report())
        self.assertFalse(collection.signed_attachment_id)
        self.assertFalse(self.sandbox_call("GET", "/_sandbox/calls"), "jesignexpert.com is not asked")

    # ----------------------------------------------- the initiator's words --

    def french_initiators_collection(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["jesignexpert_connector"], ["fr_FR"], overwrite=True)
        self.initiator.lang = "fr_FR"
        collection = sent_collection(self.env, self.firm, self.contract, "CDD MARC LANGLOIS")
        collection.initiator_id = self.initiator
        self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/1/sign")
        return collection

    def check_home_in_french(self, collection):
        self.assertTrue(collection.signed_attachment_id)
        self.assertIn("Signé par tous les signataires", self.contract.message_ids[:1].body)
        self.assertIn("Signé par tous les signataires", collection.message_ids.mapped("body")[0])
        self.assertEqual(collection.signed_attachment_id.company_id, self.contract.company_id)
        self.assertEqual(collection.proof_attachment_id.company_id, self.contract.company_id)

    def test_a_french_initiator_gets_french_chatter_for_the_signed_document(self):
        collection = self.french_initiators_collection()
        run_sync(self.env(context=dict(self.env.context, lang="en_US")))
        self.check_home_in_french(collection)

    def test_the_fetch_retry_speaks_french_to_a_french_initiator_too(self):
        collection = self.french_initiators_collection()
        collection.write(
            {"state": "signed", "fetch_attempts": 1, "next_fetch_on": fields.Datetime.now() - timedelta(minutes=1)}
        )
        self.env["jesignexpert.sync"].with_context(lang="en_US")._fetch_due(monotonic() + 600, Report())
        self.check_home_in_french(collection)

    # ------------------------------------------------------ rate limits --

    def test_a_429_during_the_sync_pauses_the_cabinet_without_sleeping(self):
        collection = sent_collection(self.env, self.firm, self.contract, "CDD MARC LANGLOIS")
        self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/1/sign")
        self.inject_fault("429", count=1, retry_after=4)
        started = monotonic()
        run_sync(self.env)
        self.assertLess(monotonic() - started, 3, "jesignexpert.com's wait is not slept inside the cron")
        self.assertGreater(self.firm.sync_paused_until, fields.Datetime.now(), "the cabinet waits instead")
        self.assertFalse(collection.signed_attachment_id)
        self.sandbox_call("DELETE", "/_sandbox/faults")
        self.firm.sync_paused_until = False
        run_sync(self.env)
        self.assertTrue(collection.signed_attachment_id, "it comes home once the wait is over")

    def test_the_signed_document_and_its_proof_belong_to_the_collections_company(self):
        company = self.env["res.company"].create({"name": "Société B"})
        self.env.user.company_ids |= company
        firm = self.link_firm(company=company, office="Cabinet Petit & Associés", email="paul.petit@cabinet-exemple.fr")
        employee = self.env["hr.employee"].create({"name": "Salarié B", "company_id": company.id})
        contract = cdd_contract(self.env, employee, name="CDD B", company_id=company.id)
        collection = sent_collection(self.env, firm, contract, "CDD B")
        self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/1/sign")
        self.assertNotEqual(self.env.company, company, "the run's company is another")
        run_sync(self.env)
        self.assertTrue(collection.signed_attachment_id)
        self.assertEqual(collection.signed_attachment_id.company_id, company)
        self.assertEqual(collection.proof_attachment_id.company_id, company)
