# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A safety net that does not trust the change list (issue 20, point 2): each
open collection is also read on its own, on a schedule, so that a change the
list misses, or a platform with no list at all, loses no signed contract."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from .common import CollectionCase, run_sync, sent_collection
from .patches import fails_for


@tagged("post_install", "-at_install")
class TestSweep(CollectionCase):
    def setUp(self):
        super().setUp()
        self.sandbox_call("DELETE", "/_sandbox/calls")

    def sent(self, n):
        return [sent_collection(self.env, self.firm, self.contract, f"{self.contract.name} {i}") for i in range(n)]

    def sign(self, *collections):
        for collection in collections:
            self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/1/sign")

    def hide_from_list(self, *collections):
        for collection in collections:
            self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/hide_from_list")

    def due(self, *collections):
        """Their next check has come (time passed)."""
        for collection in collections:
            collection.sudo().next_check_on = fields.Datetime.now() - timedelta(minutes=1)

    def sweep(self):
        return self.env["jesignexpert.sync"]._cron_sweep(auto_commit=False)

    def reads(self):
        """The transactions read on their own on jesignexpert.com so far."""
        return self.sandbox_call("GET", "/_sandbox/calls").get("api_get", 0)

    def list_calls(self):
        return self.sandbox_call("GET", "/_sandbox/calls").get("api_list", 0)

    def attachments(self):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "hr.contract"), ("res_id", "=", self.contract.id), ("name", "like", "- signé.pdf")]
        )

    def no_change_list(self, status):
        self.sandbox_call("POST", "/_sandbox/dialect", json={"change_list": status})
        self.addCleanup(self.sandbox_call, "POST", "/_sandbox/dialect", json={"change_list": None})

    # ------------------------------------------------------- list misses --

    def test_a_signature_the_list_misses_comes_home_by_the_check_once_and_is_counted(self):
        missed, listed = self.sent(2)
        self.hide_from_list(missed)
        self.sign(missed, listed)
        run_sync(self.env)
        self.assertTrue(listed.signed_attachment_id)
        self.assertEqual(missed.state, "sent", "the list did not report it")
        self.sweep()
        self.assertFalse(missed.signed_attachment_id, "young: its first check is a day after its sending")
        self.due(missed, listed)
        self.sweep()
        self.assertEqual(missed.state, "signed")
        self.assertTrue(missed.signed_attachment_id, "the check took it home")
        self.assertIn("Found by the daily check", "".join(missed.message_ids.mapped("body")))
        self.assertEqual(self.firm.sweep_found_count, 1, "counted on the cabinet")
        self.due(missed)
        self.sweep()
        self.firm.sync_cursor = 0
        run_sync(self.env)
        self.assertEqual(self.firm.sweep_found_count, 1, "once")
        self.assertEqual(len(self.attachments()), 2, "each signed document attached once")
        self.assertEqual(self.reads(), 1, "a collection signed and fetched is read no more")

    def test_a_refusal_the_list_misses_is_found_too(self):
        (missed,) = self.sent(1)
        self.hide_from_list(missed)
        self.sandbox_call("POST", f"/_sandbox/transaction/{missed.jse_id}/signatory/1/refuse")
        run_sync(self.env)
        self.due(missed)
        self.sweep()
        self.assertEqual(missed.state, "refused")
        self.assertEqual(self.firm.sweep_found_count, 1)

    # ---------------------------------------------------- no change list --

    def test_a_cabinet_without_change_list_switches_to_the_check_alone_and_keeps_working(self):
        for status in ("404", "405", "501"):
            with self.subTest(status=status):
                self.firm.sudo().sync_strategy = "list"
                self.no_change_list(status)
                (collection,) = self.sent(1)
                self.sign(collection)
                run_sync(self.env)
                self.assertEqual(self.firm.sync_strategy, "sweep", "shown on the cabinet's form")
                self.assertFalse(self.firm.sync_error, "a missing list is no error")
                notes = [b for b in self.firm.message_ids.mapped("body") if "no change list" in b]
                self.assertEqual(len(notes), 1)
                self.assertIn(f"HTTP {status}", notes[0])
                self.sweep()
                self.assertTrue(collection.signed_attachment_id, "the signed document still comes home")
                lists = self.list_calls()
                run_sync(self.env)
                self.assertEqual(self.list_calls(), lists, "the list is not asked any more")
                self.assertEqual(len(self.firm.message_ids.filtered(lambda m: "no change list" in m.body)), 1)
                self.firm.message_ids.filtered(lambda m: "no change list" in m.body).unlink()

    def test_without_change_list_each_open_collection_is_checked_hourly_and_synchronise_now_checks_them(self):
        self.no_change_list("404")
        run_sync(self.env)
        (collection,) = self.sent(1)
        self.sweep()
        self.assertLessEqual(collection.next_check_on, fields.Datetime.now() + timedelta(hours=1))
        self.sign(collection)
        self.firm.action_sync_now()
        self.assertTrue(collection.signed_attachment_id, "a manager's Synchronise now checks them at once")

    # ----------------------------------------------------------- schedule --

    def test_a_young_collection_waits_for_its_next_check_one_near_the_deletion_is_read_hourly(self):
        young, old, tightening = self.sent(3)
        now = fields.Datetime.now()
        old.sudo().sent_on = now - timedelta(days=26)  # 2 days before jesignexpert.com deletes it
        tightening.sudo().sent_on = now - timedelta(days=24, hours=12)  # 12 h before its last 3 days
        self.sweep()
        self.assertEqual(self.reads(), 2, "the old ones are due at once, the young one tomorrow")
        self.assertGreaterEqual(young.next_check_on, now + timedelta(hours=23))
        self.assertLessEqual(old.next_check_on, fields.Datetime.now() + timedelta(hours=1))
        self.assertGreaterEqual(old.next_check_on, now + timedelta(minutes=59))
        self.due(young)
        self.sweep()
        self.assertEqual(self.reads(), 3)
        self.assertGreaterEqual(young.next_check_on, now + timedelta(hours=23), "daily while the list works")
        self.sweep()
        self.assertEqual(self.reads(), 3, "nobody is read again before their next check")

    def test_a_daily_check_never_skips_the_last_days(self):
        (collection,) = self.sent(1)
        now = fields.Datetime.now()
        collection.sudo().sent_on = now - timedelta(days=24, hours=12)
        self.due(collection)
        with patch.object(type(collection), "_apply", lambda record, transaction: None):  # keeps sent_on
            self.sweep()
        start_of_last_days = collection.sent_on + timedelta(days=25)
        self.assertEqual(collection.next_check_on, start_of_last_days, "12 h later, not a day")

    # ------------------------------------------------------------- budget --

    def test_the_call_budget_of_a_batch_is_kept_and_the_rest_is_done_in_the_next_batches(self):
        collections = self.sent(5)
        self.sign(*collections)
        self.hide_from_list(*collections)
        self.due(*collections)
        self.env["ir.config_parameter"].sudo().set_param("jesignexpert_connector.sweep_calls_per_batch", "2")
        cron = self.env.ref("jesignexpert_connector.ir_cron_jesignexpert_sweep")
        batches = []
        for _batch in range(5):
            cron, progress = cron._add_progress()
            self.env["jesignexpert.sync"].with_context(**cron.env.context)._cron_sweep(auto_commit=False)
            batches.append((progress.done, progress.remaining, self.reads()))
            if not progress.remaining:
                break
        self.assertEqual(batches, [(2, 3, 2), (2, 1, 4), (1, 0, 5)], "2 reads a batch, Odoo told what remains")
        self.assertTrue(all(c.signed_attachment_id for c in collections))
        self.assertEqual(self.firm.sweep_found_count, 5)

    # --------------------------------------------------------- isolation --

    def test_one_collections_failure_stays_on_it(self):
        broken, first, second = self.sent(3)
        self.sign(broken, first, second)
        self.hide_from_list(broken, first, second)
        self.due(broken, first, second)
        with fails_for(self.env, "_apply", broken):
            self.sweep()
        self.assertTrue(first.signed_attachment_id and second.signed_attachment_id, "the others came home")
        self.assertFalse(broken.signed_attachment_id)
        self.assertIn("could not read it: unexpected error (RuntimeError)", broken.sync_problem)
        self.assertLessEqual(broken.next_check_on, fields.Datetime.now() + timedelta(hours=1), "tried in an hour")
        self.assertEqual(self.firm.sweep_found_count, 2)
        self.due(broken)
        self.sweep()
        self.assertTrue(broken.signed_attachment_id, "the next check takes it home")
        self.assertFalse(broken.sync_problem)
        self.assertEqual(self.firm.sweep_found_count, 3)
