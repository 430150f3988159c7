# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Once, exactly: a confirmation taken again never reuses a draft that holds
something else, never loses track of a draft it could not delete, never
leaves a contract with neither its old collection nor a new one, and a
double click makes one draft."""

from datetime import timedelta
from unittest.mock import patch

import psycopg2.errors
import requests

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .. import jse
from .common import CollectionCase, sent_collection
from .test_bulk_sending import BulkCase


def serialization_failure(*args, **kwargs):
    raise psycopg2.errors.SerializationFailure("concurrent update")


@tagged("post_install", "-at_install")
class TestDraftJournal(CollectionCase):
    def exists_on_platform(self, tid):
        response = requests.get(f"{self.sandbox.url}/_sandbox/transaction/{tid}", timeout=10)
        return response.status_code == 200

    def journaled(self, tid):
        with self.env["jesignexpert.draft"]._outside() as journal:
            return bool(journal.search_count([("jse_id", "=", tid)]))

    def failed_confirmation(self, wizard):
        """The draft is made, then the confirmation fails for good in Odoo
        (a concurrent update that Odoo's replays did not get past)."""
        drafting = type(self.env["jesignexpert.drafting"])
        before = {t.id for t in self.transactions()}
        with (
            patch.object(drafting, "_record_collection", serialization_failure),
            self.assertRaises(psycopg2.errors.SerializationFailure),
        ):
            self.confirm_wizard(wizard)
        stale = {t.id for t in self.transactions() if t.status == "draft"} - before
        self.assertEqual(len(stale), 1)
        return stale.pop()

    def test_an_email_edited_after_a_failed_confirmation_makes_a_new_draft(self):
        wizard = self.open_wizard()
        stale = self.failed_confirmation(wizard)
        wizard.mail_subject = "Votre contrat à signer"
        wizard.action_confirm()
        collection = self.contract.jesignexpert_collection_ids
        self.assertNotEqual(collection.jse_id, stale, "the stale draft is not taken")
        remote = self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")
        self.assertEqual(remote["mailSubject"], "Votre contrat à signer")
        self.assertFalse(self.exists_on_platform(stale), "the stale draft is deleted on jesignexpert.com")
        self.assertFalse(self.journaled(stale))

    def test_the_same_confirmation_taken_again_takes_its_draft(self):
        wizard = self.open_wizard()
        stale = self.failed_confirmation(wizard)
        wizard.action_confirm()
        self.assertEqual(self.contract.jesignexpert_collection_ids.jse_id, stale, "nothing changed: taken")

    def test_a_stale_draft_that_could_not_be_deleted_stays_journaled_for_the_daily_purge(self):
        wizard = self.open_wizard()
        stale = self.failed_confirmation(wizard)
        wizard.message = "Bonjour, voici votre contrat."
        refused = jse.JseTransientError("jesignexpert.com is unavailable", 503)
        with patch.object(jse.JseClient, "delete_transaction", side_effect=refused):
            wizard.action_confirm()
        self.assertNotEqual(self.contract.jesignexpert_collection_ids.jse_id, stale)
        self.assertTrue(self.exists_on_platform(stale))
        self.assertTrue(self.journaled(stale), "the journal keeps the draft that could not be deleted")

    def test_the_daily_purge_forgets_a_draft_only_once_deleted(self):
        stale = self.failed_confirmation(self.open_wizard())
        # The journal line as the daily check sees it, an hour and more later.
        line = (
            self.env["jesignexpert.draft"]
            .sudo()
            .create(
                {
                    "wizard_ref": 0,
                    "wizard_model": "jesignexpert.collection.wizard",
                    "firm_ref": self.firm.id,
                    "jse_id": stale,
                }
            )
        )
        self.env.cr.execute(
            "UPDATE jesignexpert_draft SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(hours=2), line.id],
        )
        line.invalidate_recordset()
        refused = jse.JseTransientError("jesignexpert.com is unavailable", 503)
        with patch.object(jse.JseClient, "delete_transaction", side_effect=refused):
            self.env["jesignexpert.draft"]._purge_orphans()
        self.assertTrue(line.exists(), "kept for the next daily check")
        self.assertTrue(self.exists_on_platform(stale))
        self.env["jesignexpert.draft"]._purge_orphans()
        self.assertFalse(line.exists())
        self.assertFalse(self.exists_on_platform(stale), "the next daily check deleted it")


@tagged("post_install", "-at_install")
class TestCancelThenSend(CollectionCase):
    """ "Cancel the collection in progress, then send this one": the new draft
    is made first, the old collection cancelled after."""

    def setUp(self):
        super().setUp()
        self.previous = sent_collection(self.env, self.firm, self.contract, "CDD MARC LANGLOIS v1")

    def remote_status(self, collection):
        return self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")["status"]

    def wizard_cancelling_the_previous(self):
        wizard = self.open_wizard()
        self.assertEqual(wizard.open_collection_id, self.previous)
        wizard.duplicate_choice = "cancel"
        wizard.action_next()
        wizard.action_next()
        return wizard

    def test_a_new_draft_that_fails_leaves_the_collection_in_progress(self):
        wizard = self.wizard_cancelling_the_previous()
        refused = jse.JseRequestRefused("the document is refused")
        with patch.object(jse.JseClient, "upload_file", side_effect=refused), self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(self.remote_status(self.previous), "sent", "the contract keeps its collection in progress")
        self.assertEqual(self.previous.state, "sent")

    def test_a_cancel_that_fails_keeps_the_new_draft_and_says_so(self):
        wizard = self.wizard_cancelling_the_previous()
        down = jse.JseTransientError("jesignexpert.com is unavailable", 503)
        with patch.object(jse.JseClient, "cancel_transaction", side_effect=down):
            action = wizard.action_confirm()
        new = self.contract.jesignexpert_collection_ids - self.previous
        self.assertEqual((len(new), new.state), (1, "draft"), "the new draft is made")
        self.assertEqual(self.remote_status(new), "draft")
        self.assertEqual((self.previous.state, self.remote_status(self.previous)), ("sent", "sent"))
        self.assertEqual(action["tag"], "display_notification", "the user is told")
        self.assertIn("could not be cancelled", action["params"]["message"])
        self.assertEqual(action["params"]["next"]["url"], new.jse_url, "then goes to the new draft")
        self.assertIn("could not be cancelled", new.message_ids[:1].body)
        self.assertIn("could not be cancelled", self.contract.message_ids[:1].body)

    def test_cancel_then_send_in_that_order(self):
        wizard = self.wizard_cancelling_the_previous()
        wizard.action_confirm()
        new = self.contract.jesignexpert_collection_ids - self.previous
        self.assertEqual((self.previous.state, self.remote_status(self.previous)), ("cancelled", "cancelled"))
        self.assertEqual((new.state, self.remote_status(new)), ("draft", "draft"))

    def test_a_double_click_makes_one_draft(self):
        """The second click's request, replayed once the first committed,
        answers with the first's collection: it neither makes a second draft
        nor cancels the first's as "the collection in progress"."""
        wizard = self.wizard_cancelling_the_previous()
        before = len(self.transactions())
        first = wizard.action_confirm()
        second = wizard.action_confirm()
        new = self.contract.jesignexpert_collection_ids - self.previous
        self.assertEqual(len(new), 1)
        self.assertEqual(second, first)
        self.assertEqual(len(self.transactions()), before + 1, "one draft made on jesignexpert.com")
        self.assertEqual((new.state, self.remote_status(new)), ("draft", "draft"))


@tagged("post_install", "-at_install")
class TestCancelThenSendInBulk(BulkCase):
    """The same order for a bulk sending's contract."""

    def setUp(self):
        super().setUp()
        self.previous = sent_collection(self.env, self.firm, self.second, "CDD JULIE BERNARD v1")
        # One batch for the whole sending, however slow the PDF rendering is here.
        self.env["ir.config_parameter"].sudo().set_param("jesignexpert_connector.sync_batch_seconds", "120")
        self.sending = self.start(self.second | self.third)
        self.sending.duplicate_choice = "cancel"
        self.confirm(self.sending)

    def remote_status(self, collection):
        return self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")["status"]

    def test_a_new_draft_that_fails_leaves_the_collection_in_progress(self):
        refused = jse.JseRequestRefused("the document is refused")
        with patch.object(jse.JseClient, "upload_file", side_effect=refused):
            self.prepare()
        self.assertEqual(self.line(self.sending, self.second).state, "failed")
        self.assertEqual((self.previous.state, self.remote_status(self.previous)), ("sent", "sent"))

    def test_a_cancel_that_fails_keeps_the_new_draft_and_says_so(self):
        down = jse.JseTransientError("jesignexpert.com is unavailable", 503)
        with patch.object(jse.JseClient, "cancel_transaction", side_effect=down):
            self.prepare()
        line = self.line(self.sending, self.second)
        self.assertEqual(line.state, "prepared")
        self.assertIn("could not be cancelled", line.error)
        self.assertEqual(self.remote_status(line.collection_id), "draft")
        self.assertEqual((self.previous.state, self.remote_status(self.previous)), ("sent", "sent"))
        self.assertIn("could not be cancelled", self.second.message_ids[:1].body)
