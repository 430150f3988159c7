# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import SandboxHttpCase, contract_to_sign, run_sync


@tagged("post_install", "-at_install", "is_tour")
class TestCollectionTours(SandboxHttpCase):
    """What a person clicks once a collection is under way, in Chromium."""

    def setUp(self):
        super().setUp()
        self.env = self.env(user=self.env.ref("base.user_admin"))  # the initiator, who runs the tours
        self.link_firm()
        self.contract = contract_to_sign(self.env, "CDD Marc Langlois")
        action = self.contract.action_jesignexpert_sign()
        self.env["jesignexpert.collection.wizard"].browse(action["res_id"]).action_confirm()
        self.collection = self.contract.jesignexpert_collection_ids
        self.sandbox_call("POST", f"/_sandbox/transaction/{self.collection.jse_id}/confirm")

    def sync(self):
        run_sync(self.env)

    def test_cancel_a_sent_collection(self):
        self.sync()
        self.start_tour(
            f"/odoo/action-jesignexpert_connector.jesignexpert_collection_action/{self.collection.id}",
            "jesignexpert_cancel_tour",
            login="admin",
        )
        self.assertEqual(self.collection.state, "cancelled")
        remote = self.sandbox_call("GET", f"/_sandbox/transaction/{self.collection.jse_id}")
        self.assertEqual(remote["status"], "cancelled")

    def test_the_signed_document_on_the_contract(self):
        for n in (1, 2):
            self.sandbox_call("POST", f"/_sandbox/transaction/{self.collection.jse_id}/signatory/{n}/sign")
        self.sync()
        self.start_tour(
            f"/odoo/action-hr_contract.action_hr_contract/{self.contract.id}",
            "jesignexpert_signed_document_tour",
            login="admin",
        )
        # The link downloads the signed PDF itself.
        self.authenticate("admin", "admin")
        response = self.url_open(f"/web/content/hr.contract/{self.contract.id}/jesignexpert_signed_document")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, self.collection.signed_attachment_id.raw)
        self.assertTrue(response.content.startswith(b"%PDF"))
