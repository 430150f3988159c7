# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 12, part 5: a contract cancelled or archived under a collection in
progress asks its initiator whether to cancel the collection."""

from odoo.tests import tagged

from .common import CollectionCase
from .test_collection_followup import FollowUpSteps

CONTRACT_CHANGED = "jesignexpert_connector.mail_activity_type_contract_changed"


@tagged("post_install", "-at_install")
class TestContractChangedUnderCollection(FollowUpSteps, CollectionCase):
    def test_a_cancelled_contract_asks_the_initiator_once(self):
        collection = self.collection()
        self.contract.state = "cancel"
        self.assertIn(
            "This contract was cancelled while its signature collection CDD MARC LANGLOIS", self.contract_messages()
        )
        activity = self.activities(collection, CONTRACT_CHANGED)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.initiator)
        self.assertEqual(activity.summary, "Contract cancelled: cancel the collection?")
        self.contract.action_archive()  # then archived: asked already
        self.assertEqual(len(self.activities(collection, CONTRACT_CHANGED)), 1)
        # The initiator cancels it on jesignexpert.com: the question is settled.
        collection.with_user(self.initiator).action_cancel()
        self.assertEqual(collection.state, "cancelled")
        self.assertFalse(self.activities(collection, CONTRACT_CHANGED))

    def test_an_archived_contract_asks_about_each_collection_in_progress(self):
        draft = self.collection("DRAFT")
        draft.sudo().state = "draft"
        sent = self.collection("SENT")
        refused = self.collection("REFUSED")
        refused.sudo().state = "refused"
        self.contract.action_archive()
        messages = self.contract_messages()
        self.assertIn("This contract was archived while its signature collection DRAFT", messages)
        self.assertIn("This contract was archived while its signature collection SENT", messages)
        self.assertNotIn("REFUSED", messages)
        self.assertTrue(self.activities(draft, CONTRACT_CHANGED))
        self.assertTrue(self.activities(sent, CONTRACT_CHANGED))
        self.assertFalse(self.activities(refused, CONTRACT_CHANGED))
        self.assertEqual(self.activities(sent, CONTRACT_CHANGED).summary, "Contract archived: cancel the collection?")

    def test_nothing_is_asked_without_a_collection_in_progress(self):
        signed = self.collection()
        signed.sudo().state = "signed"
        self.contract.write({"state": "cancel"})
        self.assertNotIn("is asked whether to cancel", self.contract_messages())
        self.assertFalse(signed.activity_ids)
