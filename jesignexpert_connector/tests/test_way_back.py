# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The way back: whatever goes wrong with one signed document stays on that
one collection.  The cabinet's other signed documents still come home in the
same run, and the one in trouble is tried again and comes home later."""

from datetime import timedelta
from time import monotonic

from odoo import fields
from odoo.tests import tagged

from ..models.jesignexpert_sync import Report
from ..models.jesignexpert_sync_fetch_mixin import FETCH_REMIND_ATTEMPTS
from .common import CollectionCase, run_sync, sent_collection
from .patches import fails_for

FETCH_LOGGER = "odoo.addons.jesignexpert_connector.models.jesignexpert_collection_fetch_mixin"


@tagged("post_install", "-at_install")
class TestWayBack(CollectionCase):
    def sent(self, n):
        return [sent_collection(self.env, self.firm, self.contract, f"{self.contract.name} {i}") for i in range(n)]

    def sign(self, *collections):
        for collection in collections:
            self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/1/sign")

    def refuse_download(self, collection, status, details="the sealed file is not ready yet"):
        """jesignexpert.com refuses this one collection's signed PDF, until the test lifts it."""
        self.inject_fault(
            "status", status=status, path="/document/", transaction=collection.jse_id, count=100, details=details
        )

    def lift_faults(self):
        self.sandbox_call("DELETE", "/_sandbox/faults")

    def wait_is_over(self, *collections):
        for collection in collections:
            collection.next_fetch_on = fields.Datetime.now() - timedelta(seconds=1)

    def fetch_due(self):
        self.env["jesignexpert.sync"]._fetch_due(monotonic() + 600, Report())

    def reminders(self, collection):
        return collection.activity_ids.filtered(lambda a: a.summary == "Signed document not fetched yet")

    # ------------------------------------------------ the change list's run --

    def check_the_others_come_home(self, refused, other, error):
        """``refused`` could not come home; ``other``, signed just after it, did."""
        self.assertTrue(other.signed_attachment_id, "the contract signed just after came home in the same run")
        self.assertFalse(refused.signed_attachment_id)
        self.assertEqual(refused.state, "signed")
        self.assertIn(error, refused.fetch_error, "the problem is shown on its collection")
        self.assertEqual(refused.fetch_attempts, 1)
        self.assertGreater(refused.next_fetch_on, fields.Datetime.now(), "tried again after a wait")
        self.assertFalse(self.firm.sync_error, "the cabinet has no problem")

    def check_a_refused_download(self, status, error):
        refused, other = self.sent(2)
        self.sign(refused)
        self.sign(other)  # just after: later in the change list
        self.refuse_download(refused, status)
        run_sync(self.env)
        self.check_the_others_come_home(refused, other, error)
        run_sync(self.env)
        self.assertEqual(refused.fetch_attempts, 1, "not asked again before its wait is over")
        self.lift_faults()
        self.wait_is_over(refused)
        run_sync(self.env)
        self.assertTrue(refused.signed_attachment_id, "once jesignexpert.com gives it, it comes home")
        self.assertFalse(refused.fetch_error)
        self.assertEqual((refused.fetch_attempts, refused.next_fetch_on), (0, False))
        self.assertEqual(len(self.signed_copies(self.contract)), 2, "each once")

    def test_a_download_refused_400_waits_on_its_collection_and_the_next_signature_comes_home(self):
        self.check_a_refused_download(400, "jesignexpert.com refused the request: the sealed file is not ready yet")

    def test_a_download_answered_409_waits_on_its_collection_and_the_next_signature_comes_home(self):
        self.check_a_refused_download(409, "jesignexpert.com answered with an unexpected error (409).")

    def test_a_download_answered_410_waits_on_its_collection_and_the_next_signature_comes_home(self):
        self.check_a_refused_download(410, "jesignexpert.com answered with an unexpected error (410).")

    def test_an_unexpected_error_on_one_document_waits_on_its_collection(self):
        refused, other = self.sent(2)
        self.sign(refused, other)
        with (
            fails_for(self.env, "_fetch_signed", refused),
            self.assertLogs(FETCH_LOGGER, "ERROR") as logs,
        ):
            run_sync(self.env)
        self.check_the_others_come_home(refused, other, "Unexpected error while taking the signed document home")
        self.assertIn("RuntimeError", refused.fetch_error)
        self.assertIn("something nobody foresaw", "\n".join(logs.output), "the log has what a developer needs")
        self.assertNotIn(self.firm.office_token, "\n".join(logs.output))
        self.wait_is_over(refused)
        run_sync(self.env)
        self.assertTrue(refused.signed_attachment_id, "the next attempt takes it home")

    # ---------------------------------------------------- the retries' run --

    def test_a_failing_document_first_in_line_does_not_starve_the_others(self):
        first, second = self.sent(2)
        self.sign(first, second)
        now = fields.Datetime.now()
        first.write({"state": "signed", "fetch_attempts": 1, "next_fetch_on": now - timedelta(minutes=30)})
        second.write({"state": "signed", "fetch_attempts": 1, "next_fetch_on": now - timedelta(minutes=10)})
        self.refuse_download(first, 410)
        self.fetch_due()
        self.assertTrue(second.signed_attachment_id, "the document after it came home")
        self.assertFalse(first.signed_attachment_id)
        self.assertEqual(first.fetch_attempts, 2)
        self.assertGreater(first.next_fetch_on, fields.Datetime.now(), "it no longer sorts first")
        self.assertIn("(410)", first.fetch_error)
        self.assertFalse(self.firm.sync_error)

    # ---------------------------------------------------------- the person --

    def test_a_fetch_that_keeps_failing_tells_the_initiator_once(self):
        (collection,) = self.sent(1)
        self.sign(collection)
        collection.state = "signed"
        self.refuse_download(collection, 409)
        for _attempt in range(FETCH_REMIND_ATTEMPTS - 1):
            self.wait_is_over(collection)
            self.fetch_due()
        self.assertFalse(self.reminders(collection), "a short trouble bothers nobody")
        self.wait_is_over(collection)
        self.fetch_due()
        reminder = self.reminders(collection)
        self.assertEqual(len(reminder), 1, "a trouble that lasts is told")
        self.assertEqual(reminder.user_id, collection.initiator_id)
        self.assertIn("(409)", reminder.note)
        self.wait_is_over(collection)
        self.fetch_due()
        self.assertEqual(self.reminders(collection), reminder, "not a new one each time an attempt fails")
        reminder.action_feedback(feedback="I have seen it")
        self.wait_is_over(collection)
        self.fetch_due()
        collection.completed_on = fields.Datetime.now() - timedelta(days=10)
        self.env["jesignexpert.sync"]._remind_unfetched()
        self.assertFalse(self.reminders(collection), "nor again once marked done")

    def test_the_reminder_is_done_when_the_document_comes_home(self):
        (collection,) = self.sent(1)
        self.sign(collection)
        collection.state = "signed"
        self.refuse_download(collection, 400)
        for _attempt in range(FETCH_REMIND_ATTEMPTS):
            self.wait_is_over(collection)
            self.fetch_due()
        self.assertTrue(self.reminders(collection))
        self.lift_faults()
        self.wait_is_over(collection)
        self.fetch_due()
        self.assertTrue(collection.signed_attachment_id)
        self.assertFalse(self.reminders(collection), "nothing is left to do")
        self.assertIn("The signed document came home.", "".join(collection.message_ids.mapped("body")))

    def test_another_activity_does_not_silence_the_reminder(self):
        (collection,) = self.sent(1)
        self.sign(collection)
        self.refuse_download(collection, 400)
        run_sync(self.env)
        collection.activity_schedule("mail.mail_activity_data_call", summary="Call the employee")
        collection.completed_on = fields.Datetime.now() - timedelta(days=4)
        self.env["jesignexpert.sync"]._remind_unfetched()
        self.assertEqual(len(self.reminders(collection)), 1)
        self.env["jesignexpert.sync"]._remind_unfetched()
        self.assertEqual(len(self.reminders(collection)), 1, "once")
