# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo replays a request that met a serialization failure: the replayed
confirmation must take the draft its first try made on jesignexpert.com."""

from unittest.mock import patch

from odoo.tests import tagged

from .common import SandboxHttpCase, contract_to_sign

REPLAY = "DO $$ BEGIN RAISE EXCEPTION 'concurrent update' USING ERRCODE = 'serialization_failure'; END $$"


@tagged("post_install", "-at_install")
class TestReplayedConfirmation(SandboxHttpCase):
    def setUp(self):
        super().setUp()
        self.env = self.env(user=self.env.ref("base.user_admin"))
        self.link_firm()
        self.contract = contract_to_sign(self.env, "CDD REJOUE")

    def test_a_replayed_confirmation_makes_one_draft(self):
        action = self.contract.action_jesignexpert_sign()
        wizard = self.env["jesignexpert.collection.wizard"].browse(action["res_id"])
        wizard_class = type(wizard)
        confirm = wizard_class.action_confirm
        tries = []

        def fails_once_at_the_end(record):
            result = confirm(record)
            tries.append(result)
            if len(tries) == 1:  # as a concurrent write would, once the draft is made
                record.env.cr.execute(REPLAY)
            return result

        self.sandbox_call("DELETE", "/_sandbox/calls")
        self.authenticate("admin", "admin")
        with patch.object(wizard_class, "action_confirm", fails_once_at_the_end):
            result = self.make_jsonrpc_request(
                "/web/dataset/call_button",
                {"model": wizard._name, "method": "action_confirm", "args": [[wizard.id]], "kwargs": {}},
            )
        self.assertEqual(len(tries), 2, "Odoo replayed the confirmation")
        collection = self.contract.jesignexpert_collection_ids
        self.assertEqual(len(collection), 1)
        self.assertEqual(result["url"], collection.jse_url)
        calls = self.sandbox_call("GET", "/_sandbox/calls")
        self.assertEqual(calls.get("api_create"), 1, "one draft made on jesignexpert.com")
        self.assertNotIn("api_delete", calls)
        self.assertEqual(self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")["status"], "draft")
