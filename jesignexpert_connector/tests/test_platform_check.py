# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The platform check (Settings, "Check jesignexpert.com"), and the whole
journey under each dialect the sandbox can speak: whatever the platform's
answers look like, the signed contract comes home, once."""

from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .. import jse
from .common import CollectionCase, run_sync


class DialectMixin:
    def dialect(self, **changes):
        """The sandbox speaks this dialect for this test only."""
        self.sandbox_call("POST", "/_sandbox/dialect", json=changes)
        self.addCleanup(self.sandbox_call, "DELETE", "/_sandbox/dialect")

    def left_on_the_platform(self):
        with self.sandbox.store.transaction():
            return self.sandbox.store._one("SELECT count(*) AS n FROM txn")["n"]


@tagged("post_install", "-at_install")
class TestPlatformCheck(DialectMixin, CollectionCase):
    def check(self, user=None):
        settings = self.env["res.config.settings"].with_user(user or self.env.user).create({})
        return settings.action_jesignexpert_check_platform()

    def test_the_check_says_every_assumption_holds_on_our_sandbox(self):
        before = self.left_on_the_platform()
        answer = self.check()
        self.assertIn("10 assumption(s) hold, 0 differ, 0 absent", answer["params"]["message"])
        self.assertTrue(self.firm.platform_check_on)
        result = str(self.firm.platform_check_result)
        self.assertIn("Read as expected.", result)
        self.assertIn("The draft was deleted: nothing is left on jesignexpert.com.", result)
        self.assertEqual(self.firm.sync_strategy, "list")
        self.assertEqual(self.left_on_the_platform(), before, "the throw-away draft is gone")
        self.assertIn("assumption(s) hold", self.firm.message_ids[0].body)

    def test_what_differs_is_said_with_what_came_back(self):
        self.dialect(status_case="upper", id_format="number")
        answer = self.check()
        self.assertIn("8 assumption(s) hold, 2 differ", answer["params"]["message"])
        result = str(self.firm.platform_check_result)
        self.assertIn("Another case (DRAFT): Odoo reads status names whatever their case.", result)
        self.assertIn("Odoo keeps it as the text given", result)
        self.assertNotIn(self.firm.access_ids.token, result)

    def test_without_a_change_list_the_cabinet_uses_the_daily_check_alone(self):
        def absent(client, *args, **kwargs):
            raise jse.JseApiError("jesignexpert.com answered HTTP 405", 405, "transaction.list")

        with patch.object(jse.JseClient, "list_changes", absent):
            answer = self.check()
        self.assertEqual(self.firm.sync_strategy, "sweep")
        self.assertIn("Daily check alone", answer["params"]["message"])
        self.assertIn("the daily check alone finds the signed documents", str(self.firm.platform_check_result))
        self.check()
        self.assertEqual(self.firm.sync_strategy, "list", "back to the list once it answers")

    def test_only_administrators_may_check(self):
        manager = new_test_user(
            self.env,
            "jse_check_manager",
            groups="base.group_user,jesignexpert_connector.group_jesignexpert_manager",
        )
        with self.assertRaises(AccessError):
            self.firm.with_user(manager)._platform_check()
        settings = self.env["res.config.settings"].create({})
        with self.assertRaises(AccessError):
            settings.with_user(manager).action_jesignexpert_check_platform()
        self.assertFalse(self.firm.platform_check_on)

    def test_a_refused_access_is_skipped_for_one_that_holds(self):
        self.sandbox_call("POST", "/_sandbox/tokens/revoke", json={"email": "jean.doe@cabinet-exemple.fr"})
        marie = self.link_tokens(email="marie.martin@cabinet-exemple.fr")
        self.firm._link_user(marie, self.initiator)
        self.check()
        self.assertTrue(self.firm.platform_check_on)
        self.assertIn(self.initiator.name, str(self.firm.platform_check_result))


# The dialects the sandbox can speak, each a way jesignexpert.com may differ
# from what the client assumes (the change list's absence is w20c's sweep).
DIALECTS = {
    "list_shape_data": {"list_shape": "data"},
    "list_shape_content": {"list_shape": "content"},
    "status_case_upper": {"status_case": "upper"},
    "id_format_number": {"id_format": "number"},
    "no_proof": {"proof": "404"},
    "all_at_once": {"list_shape": "content", "status_case": "upper", "id_format": "number", "proof": "404"},
}


@tagged("post_install", "-at_install")
class TestJourneyUnderEachDialect(DialectMixin, CollectionCase):
    """Draft, sent, signed, synchronised: the signed PDF is attached once,
    whatever the dialect (one test per dialect, made below)."""

    def journey(self, dialect):
        self.dialect(**dialect)
        self.confirm_wizard(self.open_wizard())
        collection = self.contract.jesignexpert_collection_ids
        self.assertEqual(collection.state, "draft")
        if dialect.get("id_format") == "number":
            self.assertTrue(collection.jse_id.isdigit(), "the id kept as the platform gave it")
        self.sign_and_sync(collection)
        self.assertEqual(collection.state, "signed")
        self.assertEqual(len(self.signed_copies(self.contract)), 1)
        self.assertEqual(bool(collection.proof_attachment_id), dialect.get("proof") != "404")
        run_sync(self.env)
        self.assertEqual(len(self.signed_copies(self.contract)), 1, "once")


def _journey_test(dialect):
    def test(self):
        self.journey(dialect)

    return test


for _name, _dialect in DIALECTS.items():
    setattr(TestJourneyUnderEachDialect, f"test_journey_{_name}", _journey_test(_dialect))
