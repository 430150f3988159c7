# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 12, part 3: the initiator is reminded 3 days before a collection
expires.  These tests move the sandbox's clock: they live in a class of
their own (the clock moves every later stamp of the class's sandbox)."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import EXPIRY_DAYS, CollectionCase, run_sync, sent_collection

EXPIRING = "jesignexpert_connector.mail_activity_type_collection_expiring"


@tagged("post_install", "-at_install")
class TestExpiryReminder(CollectionCase):
    def sent_days_ago(self, days, title):
        """A collection sent ``days`` days ago on jesignexpert.com (it expires
        EXPIRY_DAYS days after its sending)."""
        self.move_clock(-days)
        collection = sent_collection(self.env, self.firm, self.contract, title)
        self.move_clock(days)
        collection.sudo().initiator_id = self.initiator
        return collection

    def reminders(self, collection):
        return collection.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(EXPIRING))

    def test_the_initiator_is_reminded_three_days_before_expiry_once(self):
        soon = self.sent_days_ago(EXPIRY_DAYS - 2, "SOON")  # expires in 2 days
        fresh = self.sent_days_ago(1, "FRESH")  # expires in more than 3 days
        run_sync(self.env)
        self.assertEqual((soon | fresh).mapped("state"), ["sent", "sent"])
        self.assertAlmostEqual(soon.expires_on, fields.Datetime.now() + timedelta(days=2), delta=timedelta(minutes=5))
        cron = self.env.ref("jesignexpert_connector.ir_cron_jesignexpert_remind_expiring")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        cron.method_direct_trigger()
        reminder = self.reminders(soon)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.initiator)
        self.assertEqual(reminder.date_deadline, soon.expires_on.date())
        self.assertIn("SOON expires on", str(reminder.note))
        self.assertFalse(self.reminders(fresh))
        cron.method_direct_trigger()
        self.assertEqual(self.reminders(soon), reminder, "one reminder per collection")
        reminder.action_feedback("Relancé par téléphone")
        cron.method_direct_trigger()
        self.assertFalse(self.reminders(soon), "not again once done")

    def test_the_reminder_goes_when_the_collection_expires(self):
        soon = self.sent_days_ago(EXPIRY_DAYS - 2, "SOON")
        run_sync(self.env)
        soon._cron_remind_expiring()
        self.assertEqual(len(self.reminders(soon)), 1)
        self.move_clock(3)  # jesignexpert.com's clock passes its expiry
        run_sync(self.env)
        self.assertEqual(soon.state, "expired")
        self.assertFalse(self.reminders(soon), "nothing left to remind")
        self.assertIn("expired on jesignexpert.com", "".join(soon.message_ids.mapped("body")))
