# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 17, point 4: a sync that costs what it must.

What a run costs grows with the collections that changed, never with the
open ones: at most 15 SQL queries per changed collection (its lock, its
writes, its signed document attached, what its chatter and its initiator are
told), plus one per stored signature state its change does change (its
contract's, its employee's); and the HTTP calls that cannot be spared (the
change list, then each signed document and its proof).  Said as before, and
with the same guarantees."""

import time
from unittest.mock import patch

from odoo.tests import tagged

from .common import CollectionCase, cdd_contract, run_sync, sent_collection

QUERIES_PER_CHANGED_COLLECTION = 15
FETCH_LOGGER = "odoo.addons.jesignexpert_connector.models.jesignexpert_collection_fetch_mixin"


@tagged("post_install", "-at_install")
class TestSyncCost(CollectionCase):
    def setUp(self):
        super().setUp()
        self.env.user.notification_type = "email"  # the initiator, as most users are
        self.made = 0
        self.signed_on_jesignexpert(5)
        self.sync()  # the first run of the test reads what any run reads once

    def signed_on_jesignexpert(self, count, own_contracts=False):
        """``count`` collections sent to one signer, that the signer has just
        signed on jesignexpert.com: of the case's contract (as the bench's
        10,000 are of 10 contracts), or each of a contract and an employee of
        its own (as a bulk sending makes them)."""
        collections = self.env["jesignexpert.collection"]
        for _n in range(count):
            self.made += 1
            contract = self.contract
            if own_contracts:
                employee = self.env["hr.employee"].create({"name": f"Employee {self.made}"})
                contract = cdd_contract(self.env, employee, name=f"CDD {self.made}")
            collections |= sent_collection(self.env, self.firm, contract, f"CDD {self.made}")
        self.env.flush_all()
        for collection in collections:
            self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/1/sign")
        return collections

    def from_now_on(self):
        """The cabinet's position is now, as a batch that goes on where the
        last one stopped: the next run reads the changes made from now on,
        and not again those of the run before (a new run reads the last
        minute again)."""
        now = self.sandbox.store.now()
        self.firm.write({"sync_cursor": now, "sync_cursor_id": False, "sync_resume": True})
        time.sleep(0.002)  # the next change comes after it

    def sync(self):
        """One sync run, as the scheduled action makes it (its user; its
        e-mails sent after its commit, not at once as in a test); returns its
        SQL queries and its HTTP calls by endpoint."""
        self.sandbox_call("DELETE", "/_sandbox/calls")
        cron = self.env.ref("jesignexpert_connector.ir_cron_jesignexpert_sync")
        env = self.env(user=cron.user_id, context=dict(self.env.context, mail_notify_force_send=False))
        env.invalidate_all()  # as a run starts: nothing read yet
        queries = env.cr.sql_log_count
        run_sync(env)
        env.flush_all()
        return env.cr.sql_log_count - queries, self.sandbox_call("GET", "/_sandbox/calls")

    def cost_per_changed_collection(self, own_contracts):
        """The queries of a run with 10 changed collections, less those of a
        run with 5, per collection: what a run costs whatever changed (the
        cabinet's position, the fetch retries' search...) is in both."""
        self.from_now_on()
        few = self.signed_on_jesignexpert(5, own_contracts)
        few_queries, _calls = self.sync()
        self.from_now_on()
        many = self.signed_on_jesignexpert(10, own_contracts)
        many_queries, _calls = self.sync()
        self.assertEqual(set((few | many).mapped("state")), {"signed"})
        self.assertTrue(all((few | many).mapped("signed_attachment_id")), "every signed document came home")
        return (many_queries - few_queries) / (len(many) - len(few)), f"{few_queries} for 5, {many_queries} for 10"

    def test_each_changed_collection_costs_at_most_15_queries(self):
        per_collection, figures = self.cost_per_changed_collection(own_contracts=False)
        self.assertLessEqual(
            per_collection, QUERIES_PER_CHANGED_COLLECTION, f"{per_collection:.1f} per changed collection ({figures})"
        )

    def test_and_one_per_signature_state_it_changes(self):
        """Each of its own contract and employee: both signature states change
        with it (sent, then signed), two stored values more to write."""
        per_collection, figures = self.cost_per_changed_collection(own_contracts=True)
        self.assertLessEqual(
            per_collection,
            QUERIES_PER_CHANGED_COLLECTION + 2,
            f"{per_collection:.1f} per changed collection ({figures})",
        )

    def test_the_http_calls_are_the_minimum(self):
        self.from_now_on()
        signed = self.signed_on_jesignexpert(4)
        _queries, calls = self.sync()
        self.assertEqual(
            calls,
            {"api_list": 1, "api_document": len(signed), "api_proof": len(signed)},
            "one change list read for the cabinet, then each signed document and its proof once",
        )
        self.assertTrue(all(signed.mapped("signed_attachment_id")))
        _queries, calls = self.sync()
        self.assertEqual(calls, {"api_list": 1}, "nothing fetched twice")

    def test_the_chatter_says_what_it_said(self):
        self.from_now_on()
        collection = self.signed_on_jesignexpert(1)
        before = max(self.env["mail.message"].search([]).ids)
        self.sync()
        attachment = collection.signed_attachment_id
        self.assertEqual(attachment.res_model, "hr.contract")
        said = self.env["mail.message"].search([("id", ">", before)], order="id")
        signed = f"Signed by every signer: {attachment.name} is attached (SHA-256 {collection.signed_sha256})."
        self.assertEqual(
            [(m.model, m.res_id, m.message_type, m.subtype_id, str(m.body)) for m in said],
            [
                ("jesignexpert.collection", collection.id, "notification", self.env.ref("mail.mt_note"),
                 "<p>Léa Martin signed.</p>"),
                ("jesignexpert.collection", collection.id, "notification", self.env.ref("mail.mt_note"), ""),
                ("hr.contract", self.contract.id, "notification", self.env.ref("mail.mt_note"), f"<p>{signed}</p>"),
                ("jesignexpert.collection", collection.id, "notification", self.env.ref("mail.mt_note"),
                 f"<p>{signed}</p>"),
                ("jesignexpert.collection", collection.id, "user_notification", self.env.ref("mail.mt_note"),
                 f"<p>{self.contract.name} was signed by every signer; the signed document is on the contract.</p>"),
            ],
            "in the order it was said",
        )  # fmt: skip
        tracking = said[1].tracking_value_ids
        self.assertEqual(
            (tracking.field_id.name, tracking.old_value_char, tracking.new_value_char), ("state", "Sent", "Signed")
        )
        self.assertEqual(said[2].attachment_ids, attachment, "the signed document on the contract's message")
        first = {
            record: self.env["mail.message"].search(
                [("model", "=", record._name), ("res_id", "=", record.id), ("message_type", "!=", "user_notification")],
                order="id",
                limit=1,
            )
            for record in (collection, self.contract)
        }
        self.assertEqual(
            [m.parent_id for m in said],
            [first[collection], said.browse(), first[self.contract], first[collection], said.browse()],
            "a note hangs on its thread's first message, as message_post makes it",
        )
        notification = said[4]
        self.assertEqual(notification.subject, f"Contract signed: {self.contract.name}")
        self.assertEqual(notification.partner_ids, self.env.user.partner_id, "the initiator is told")
        # Their e-mail, made now or by Odoo's scheduled notifications (as their job does) a second later.
        scheduler = self.env.ref("mail.ir_cron_send_scheduled_message").user_id
        schedules = self.env["mail.message.schedule"].with_user(scheduler)
        schedules.search([("mail_message_id", "=", notification.id)])._send_notifications()
        self.assertEqual(notification.notification_ids.mapped("notification_type"), ["email"])
        self.assertEqual(notification.notification_ids.res_partner_id, self.env.user.partner_id)

    def test_a_document_that_cannot_be_written_home_waits_on_its_collection(self):
        """What fails after the signed document was read (a full disk, say)
        undoes what was written of it: the news stays, the document waits on
        its collection, and the next attempt brings it home once."""
        self.from_now_on()
        collection = self.signed_on_jesignexpert(1)
        copies = len(self.signed_copies(self.contract))
        attachments = type(self.env["ir.attachment"])
        create = attachments.create

        def written_then_lost(records, vals_list):
            created = create(records, vals_list)
            names = [vals.get("name") or "" for vals in (vals_list if isinstance(vals_list, list) else [vals_list])]
            if any("signé" in name for name in names):
                raise OSError("No space left on device")
            return created

        with patch.object(attachments, "create", written_then_lost), self.assertLogs(FETCH_LOGGER, "ERROR"):
            self.sync()
        self.assertEqual(collection.state, "signed", "the news is taken")
        self.assertFalse(collection.signed_attachment_id)
        self.assertEqual(len(self.signed_copies(self.contract)), copies, "nothing half written")
        self.assertIn("Unexpected error while taking the signed document home (OSError)", collection.fetch_error)
        self.assertNotIn("Signed by every signer", "".join(collection.message_ids.mapped("body")))
        collection.next_fetch_on = False  # its wait is over: the retries' path meets the same
        with patch.object(attachments, "create", written_then_lost), self.assertLogs(FETCH_LOGGER, "ERROR"):
            self.sync()
        self.assertEqual(collection.fetch_attempts, 2)
        self.assertEqual(len(self.signed_copies(self.contract)), copies)
        self.assertFalse(self.firm.sync_error, "the cabinet is not concerned")
        collection.next_fetch_on = False
        self.sync()
        self.assertEqual(len(self.signed_copies(self.contract)), copies + 1, "home once")
        self.assertEqual(collection.signed_attachment_id.res_id, self.contract.id)
        self.assertFalse(collection.fetch_error)
