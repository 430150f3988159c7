# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta
from unittest.mock import patch

import requests

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models import jesignexpert_sync as sync_module
from ..models import jesignexpert_sync_fetch_mixin as fetch_module
from .common import EXPIRY_DAYS, CollectionCase, run_sync


class SyncSteps:
    """What a person does on jesignexpert.com, and the sync, for the cases below."""

    def sent_collection(self):
        wizard = self.open_wizard()
        if wizard.open_collection_id:  # these tests send several for one contract, on purpose
            wizard.duplicate_choice = "another"
        wizard.action_confirm()
        collection = self.contract.jesignexpert_collection_ids.sorted("id")[-1]
        self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/confirm")
        return collection

    def sign_all(self, collection):
        for n in (1, 2):
            self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/{n}/sign")

    def sync(self):
        run_sync(self.env)

    def wait_for_retry(self, collection):
        """The wait before a failed fetch is tried again is over."""
        collection.next_fetch_on = fields.Datetime.now() - timedelta(seconds=1)

    def signed_attachments(self):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "hr.contract"), ("res_id", "=", self.contract.id), ("name", "like", "- signé.pdf")]
        )


@tagged("post_install", "-at_install")
class TestCollectionSync(SyncSteps, CollectionCase):
    """The scheduled sync against the sandbox: signed documents come home once."""

    def test_the_whole_journey_brings_the_signed_contract_home_once(self):
        wizard = self.open_wizard()  # the action, then the three steps
        wizard.action_next()
        wizard.action_next()
        self.assertEqual(wizard.step, "sending")
        self.assertEqual(wizard.action_confirm()["type"], "ir.actions.act_url")
        collection = self.contract.jesignexpert_collection_ids
        self.assertEqual(collection.state, "draft")
        self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/confirm")  # sent there
        self.sync()
        self.assertEqual(collection.state, "sent")
        self.assertEqual(collection.signer_ids.mapped("state"), ["invited", "waiting"])
        self.assertIn("was sent to its signers", "".join(self.contract.message_ids.mapped("body")))
        self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/1/sign")
        self.sync()
        self.assertEqual(collection.signer_ids.mapped("state"), ["signed", "invited"])
        self.assertIn("Jean Doe signed.", "".join(collection.message_ids.mapped("body")))
        self.assertFalse(self.signed_attachments(), "not before every signer signed")
        self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/2/sign")
        self.sync()
        self.assertEqual(collection.state, "signed")
        self.assertEqual(collection.signer_ids.mapped("state"), ["signed", "signed"])
        attachment = self.signed_attachments()
        self.assertEqual(attachment.name, "CDD MARC LANGLOIS - signé.pdf")
        self.assertEqual(collection.signed_attachment_id, attachment)
        self.assertEqual(len(collection.signed_sha256), 64)
        self.assertTrue(collection.proof_attachment_id)
        self.assertIn("signé.pdf is attached", "".join(self.contract.message_ids.mapped("body")))
        notified = self.env["mail.message"].search(
            [
                ("model", "=", "jesignexpert.collection"),
                ("res_id", "=", collection.id),
                ("partner_ids", "in", self.env.user.partner_id.ids),
            ]
        )
        self.assertTrue(notified, "the initiator is notified")
        self.sync()
        self.firm.sync_cursor = 0  # even asked again from the start
        self.sync()
        self.assertEqual(len(self.signed_attachments()), 1, "never attached twice")

    def test_a_refusal_closes_the_collection(self):
        collection = self.sent_collection()
        self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/1/refuse")
        self.sync()
        self.assertEqual(collection.state, "refused")
        self.assertIn("A signer refused", "".join(collection.message_ids.mapped("body")))
        self.assertIn("A signer refused", "".join(self.contract.message_ids.mapped("body")))
        self.assertFalse(self.signed_attachments())

    def test_a_corrupted_pdf_is_not_attached_and_the_next_run_gets_it(self):
        collection = self.sent_collection()
        self.sign_all(collection)
        self.inject_fault("corrupt_pdf", count=1)
        self.sync()
        self.assertFalse(self.signed_attachments())
        self.assertEqual(collection.fetch_error, "The signed document is not a readable PDF.")
        self.assertGreater(collection.next_fetch_on, fields.Datetime.now(), "tried again after a wait")
        self.sync()
        self.assertFalse(self.signed_attachments(), "not before its wait is over")
        self.wait_for_retry(collection)
        self.sync()
        self.assertEqual(len(self.signed_attachments()), 1)
        self.assertFalse(collection.fetch_error)

    def test_a_rate_limit_pauses_the_cabinet_as_asked_and_nothing_is_lost(self):
        collection = self.sent_collection()
        self.sign_all(collection)
        self.inject_fault("429", count=1, retry_after=600, path="/document/")
        self.sync()
        self.assertFalse(self.signed_attachments())
        self.assertEqual(collection.state, "signed", "the news taken before the 429 stays")
        self.assertIn("too many requests: try again in 600 seconds", collection.fetch_error)
        self.assertGreater(self.firm.sync_paused_until, fields.Datetime.now() + timedelta(seconds=590))
        self.sync()  # ten minutes have not passed: jesignexpert.com is not asked
        self.assertFalse(self.signed_attachments())
        self.firm.sync_paused_until = fields.Datetime.now() - timedelta(seconds=1)  # ten minutes later
        self.wait_for_retry(collection)
        self.sync()
        self.assertEqual(len(self.signed_attachments()), 1)

    def test_403_marks_the_cabinet_expired_without_losing_anything(self):
        collection = self.sent_collection()
        self.sign_all(collection)
        self.inject_fault("403", count=1)
        self.sync()
        self.assertEqual(self.firm.state, "expired", "its only access was refused")
        self.assertFalse(self.signed_attachments())
        self.firm._link_user(self.link_tokens(), self.env.user)  # the collaborator links again
        self.assertEqual(self.firm.state, "linked")
        self.sync()
        self.assertEqual(len(self.signed_attachments()), 1)

    def test_server_errors_are_retried_and_nothing_is_doubled(self):
        collection = self.sent_collection()
        self.sign_all(collection)
        self.inject_fault("500", count=2, path="/document/")
        self.sync()
        self.assertEqual(len(self.signed_attachments()), 1)
        self.sync()
        self.assertEqual(len(self.signed_attachments()), 1)

    def test_a_signed_document_not_fetched_for_days_raises_an_activity(self):
        collection = self.sent_collection()
        self.sign_all(collection)
        self.inject_fault("corrupt_pdf", count=1)
        self.sync()
        self.assertTrue(collection.completed_on)
        self.assertFalse(collection.activity_ids, "not yet: jesignexpert.com keeps it a month")
        collection.completed_on = collection.completed_on.replace(year=collection.completed_on.year - 1)
        self.env["jesignexpert.sync"]._remind_unfetched()
        self.assertEqual(collection.activity_ids.user_id, collection.initiator_id)
        self.assertEqual(collection.activity_ids.summary, "Signed document not fetched yet")

    def test_one_collection_that_fails_does_not_hold_back_the_others(self):
        first, second = self.sent_collection(), self.sent_collection()
        self.sign_all(first)
        self.sign_all(second)
        self.inject_fault("corrupt_pdf", count=1)
        self.sync()
        self.assertEqual(len(self.signed_attachments()), 1, "the other collection came home in the same run")
        self.wait_for_retry(first | second)
        self.sync()
        self.assertEqual(len(self.signed_attachments()), 2, "the failed one came home in the next run")
        self.assertTrue(first.signed_attachment_id and second.signed_attachment_id)

    def test_a_download_that_times_out_is_tried_again_and_attached_once(self):
        collection = self.sent_collection()
        self.sign_all(collection)
        # Calls wait 2.5 s, documents 10 s (Odoo's tests wait at least 10 s);
        # the sandbox holds the first download 12 s, then carries it out.
        self.env["ir.config_parameter"].sudo().set_param("jesignexpert_connector.timeout", "2.5")
        self.inject_fault("timeout", count=1, seconds=12, path="/document/")
        # (a number: Odoo names its level 25 "INFO" too)
        with self.assertLogs("odoo.addons.jesignexpert_connector.jse.transport", logging.INFO) as logs:
            self.sync()
        self.assertIn("GET transaction.document: timed out", "".join(logs.output))
        self.assertEqual(len(self.signed_attachments()), 1)
        self.assertFalse(collection.fetch_error)
        self.sync()
        self.assertEqual(len(self.signed_attachments()), 1)

    def test_a_run_stops_at_its_time_budget_and_the_next_one_goes_on(self):
        collections = [self.sent_collection() for _n in range(3)]
        for collection in collections:
            self.sign_all(collection)
        clock = [0.0]
        model = type(self.env["jesignexpert.collection"])
        take_news = model._take_news
        ours = {c.jse_id for c in collections}

        def one_hundred_seconds_each(record, client, transaction):
            if transaction.id in ours:  # the sandbox also lists earlier tests' collections
                clock[0] += 100
            return take_news(record, client, transaction)

        with (
            patch.object(sync_module, "monotonic", lambda: clock[0]),
            patch.object(fetch_module, "monotonic", lambda: clock[0]),
            patch.object(model, "_take_news", one_hundred_seconds_each),
        ):
            report = self.env["jesignexpert.sync"]._run(150)
        self.assertEqual(len(self.signed_attachments()), 2, "the third waits for the next batch")
        self.assertFalse(collections[2].signed_attachment_id)
        self.assertEqual(report.remaining, 1, "Odoo is told that work remains")
        self.sync()
        self.assertEqual(len(self.signed_attachments()), 3)
        self.assertTrue(all(c.signed_attachment_id for c in collections))

    def test_refresh_now_brings_the_signed_document_and_the_contract_shows_it(self):
        collection = self.sent_collection()
        self.sign_all(collection)
        self.inject_fault("corrupt_pdf", count=1)
        action = collection.action_refresh()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("could not be fetched yet", action["params"]["message"])
        self.assertEqual(collection.state, "signed", "the news stays")
        self.assertFalse(self.contract.jesignexpert_signed_attachment_id)
        self.assertEqual(collection.action_refresh()["tag"], "soft_reload")
        self.assertEqual(self.contract.jesignexpert_signed_attachment_id, collection.signed_attachment_id)
        self.assertEqual(self.contract.jesignexpert_signed_filename, "CDD MARC LANGLOIS - signé.pdf")
        self.assertEqual(len(self.signed_attachments()), 1)

    def test_cancel_a_sent_collection(self):
        collection = self.sent_collection()
        collection.action_cancel()
        self.assertEqual(collection.state, "cancelled")
        remote = self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")
        self.assertEqual(remote["status"], "cancelled")
        with self.assertRaises(requests.HTTPError):  # the signer can no longer sign
            self.sign_all(collection)
        self.sync()
        said = [body for body in self.contract.message_ids.mapped("body") if "nobody can sign it" in body]
        self.assertEqual(len(said), 1, "the sync does not say it again")

    def test_a_collection_cancelled_on_jesignexpert_is_closed(self):
        collection = self.sent_collection()
        with collection._client() as client:  # a collaborator cancels it there
            client.cancel_transaction(collection.jse_id)
        self.sync()
        self.assertEqual(collection.state, "cancelled")
        self.assertIn("cancelled on jesignexpert.com", "".join(collection.message_ids.mapped("body")))

    def test_a_signed_collection_cannot_be_cancelled(self):
        collection = self.sent_collection()
        self.sign_all(collection)
        with self.assertRaisesRegex(UserError, "already Signed on jesignexpert.com: it can no longer be cancelled"):
            collection.action_cancel()

    def test_a_collection_sent_before_the_cabinet_was_linked_again_still_comes_home(self):
        collection = self.sent_collection()
        relinked = self.link_firm()  # the same cabinet, linked anew: a new record
        self.assertNotEqual(relinked, self.firm)
        self.sign_all(collection)
        run_sync(self.env)
        self.assertEqual(len(self.signed_attachments()), 1)
        self.assertEqual(collection.firm_id, relinked)

    def test_refresh_after_the_cabinet_was_linked_again(self):
        collection = self.sent_collection()
        self.sandbox_call("POST", "/_sandbox/tokens/revoke", json={"office": "Cabinet Dupont Expertise"})
        relinked = self.link_firm()  # the old tokens no longer hold
        self.sign_all(collection)
        self.assertEqual(collection.action_refresh()["tag"], "soft_reload")
        self.assertEqual(len(self.signed_attachments()), 1)
        self.assertEqual(collection.firm_id, relinked)

    def test_a_manager_synchronises_the_cabinet_now(self):
        collection = self.sent_collection()
        self.sign_all(collection)
        with self.assertRaises(AccessError):
            self.firm.with_user(self.initiator).action_sync_now()
        self.assertFalse(self.signed_attachments())
        self.assertEqual(self.firm.action_sync_now()["params"]["type"], "success")
        self.assertEqual(len(self.signed_attachments()), 1)


@tagged("post_install", "-at_install")
class TestCollectionExpiry(SyncSteps, CollectionCase):
    """Moving the sandbox's clock moves every later stamp: this case has a
    sandbox of its own, so that no other test sees its clock."""

    def test_expiry_after_the_platforms_days(self):
        collection = self.sent_collection()
        self.move_clock(EXPIRY_DAYS + 0.1)
        # A collaborator's access lasts 5 days on jesignexpert.com: linked again.
        self.env["jesignexpert.access"]._upsert(self.firm, self.env.user, self.link_tokens())
        self.sync()
        self.assertEqual(collection.state, "expired")
        self.assertIn("expired on jesignexpert.com", "".join(collection.message_ids.mapped("body")))
