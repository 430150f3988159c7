# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged

from .. import jse, pdf_slots
from .common import CollectionCase


@tagged("post_install", "-at_install")
class TestCollectionWizard(CollectionCase):
    def test_three_steps_then_a_draft_on_jesignexpert(self):
        wizard = self.open_wizard()
        self.assertEqual((wizard.step, wizard.title), ("document", "CDD MARC LANGLOIS"))
        self.assertGreaterEqual(wizard.pdf_pages, 1)
        self.assertEqual(
            [(line.label, line.referent, line.name, line.email) for line in wizard.line_ids],
            [
                ("Signature 1", "employer", "Jean Doe", "jean.doe@example.com"),
                ("Signature 2", "employee", "Marc Langlois", "marc.langlois@example.com"),
            ],
        )
        wizard.action_next()
        self.assertEqual(wizard.step, "signers")
        wizard.action_next()
        self.assertEqual(wizard.step, "sending")
        self.assertEqual(wizard.mail_sender, self.company.name)
        self.assertEqual(wizard.mail_subject, f"{self.company.name} invites you to sign a document")
        self.assertIn("Vous êtes invité à signer des documents", wizard.message)
        self.assertIn("Dear Jean Doe,", wizard.email_preview)
        action = wizard.action_confirm()
        collection = self.contract.jesignexpert_collection_ids
        self.assertEqual(action["url"], collection.jse_url)
        self.assertTrue(collection.jse_url.startswith(self.sandbox.url + "/collecte/"))
        self.assertEqual((collection.state, collection.drafted_with_id), ("draft", self.env.user))
        remote = self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")
        self.assertEqual(remote["status"], "draft")
        self.assertEqual(
            [(s["level"], s["email"], s["phone"]) for s in remote["signatories"]],
            [(1, "jean.doe@example.com", None), (2, "marc.langlois@example.com", "+33612345678")],
        )
        boxes = pdf_slots.find_slot_boxes(base64.b64decode(wizard.pdf))
        self.assertEqual(
            [(f["order"], f["page"], f["positionX"], f["positionY"]) for f in remote["documents"][0]["signFields"]],
            [(n, boxes[n].page, round(boxes[n].left, 2), round(boxes[n].top, 2)) for n in (1, 2)],
            "one signature field per signer, on its slot's box",
        )

    def test_bad_values_are_refused_at_their_step_before_anything_is_sent(self):
        before = self.transactions()
        wizard = self.open_wizard()
        wizard.title = "x" * 46
        with self.assertRaisesRegex(ValidationError, "at most 45"):
            wizard.action_next()
        wizard.title = "CDD"
        wizard.action_next()
        employer, employee = wizard.line_ids
        for values, message in (
            ({"email": "jean.doe@"}, "not a valid e-mail address"),
            ({"email": employee.email.upper()}, "cannot share the e-mail address"),
            ({"name": " "}, "the signer's name is missing"),
            ({"phone": "12"}, "international format"),
        ):
            employer.write(dict({"name": "Jean Doe", "email": "jean.doe@example.com", "phone": ""}, **values))
            with self.assertRaisesRegex(ValidationError, message):
                wizard.action_next()
        employer.write({"name": "Jean Doe", "email": "jean.doe@example.com", "phone": ""})
        wizard.action_next()
        wizard.mail_subject = "s" * 101
        with self.assertRaisesRegex(ValidationError, "at most 100"):
            wizard.action_confirm()
        self.assertEqual(self.transactions(), before, "nothing was sent to jesignexpert.com")

    def test_a_failure_part_way_leaves_nothing_behind(self):
        before = self.transactions()
        wizard = self.open_wizard()
        self.inject_fault("500", count=10, path="uploadFile")
        with self.assertRaisesRegex(UserError, "cannot be reached"):
            wizard.action_confirm()
        self.sandbox_call("DELETE", "/_sandbox/faults")
        self.assertFalse(self.contract.jesignexpert_collection_ids)
        self.assertEqual(self.transactions(), before, "the transaction made before the failure was deleted")

    def test_an_initiator_without_access_drafts_with_the_linker_and_is_told_who_confirms(self):
        wizard = self.open_wizard(user=self.initiator)
        wizard.action_confirm()
        collection = self.contract.jesignexpert_collection_ids
        self.assertEqual((collection.initiator_id, collection.drafted_with_id), (self.initiator, self.env.user))
        self.assertIn("You have no jesignexpert.com access of your own", collection.message_ids[0].body)
        self.assertIn(self.env.user.name, collection.message_ids[0].body)

    def test_refresh_and_delete(self):
        self.open_wizard().action_confirm()
        collection = self.contract.jesignexpert_collection_ids
        collection.action_delete_draft()
        self.assertEqual(collection.state, "cancelled")
        with self.assertRaises(Exception):  # noqa: B017 (the sandbox answers 404)
            self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")
        self.open_wizard().action_confirm()
        second = self.contract.jesignexpert_collection_ids.filtered(lambda c: c.state == "draft")
        self.sandbox_call("POST", f"/_sandbox/transaction/{second.jse_id}/confirm")
        second.action_refresh()
        self.assertEqual(second.state, "sent")
        self.assertEqual(second.signer_ids.mapped("state"), ["invited", "waiting"])

    def test_refused_archived_contract_no_cabinet_no_right(self):
        self.contract.active = False
        with self.assertRaisesRegex(UserError, "Unarchive the document"):
            self.open_wizard()
        self.contract.active = True
        self.firm.action_unlink_firm()
        with self.assertRaises(RedirectWarning):
            self.open_wizard()
        self.link_firm()
        self.initiator.jesignexpert_initiate = False
        with self.assertRaises(AccessError):
            self.open_wizard(user=self.initiator)
        self.assertEqual(jse.TITLE_MAX, 45)

    def test_another_companys_contract_is_refused(self):
        before = self.transactions()
        other = self.env["res.company"].create({"name": "Autre Société SAS"})
        outsider = new_test_user(
            self.env,
            "sig_other_company",
            groups="base.group_user,hr_contract.group_hr_contract_manager,"
            "jesignexpert_connector.group_jesignexpert_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        with self.assertRaises(AccessError):
            self.open_wizard(user=outsider)
        # A wizard made by hand for that contract is refused; another user's sends nothing.
        wizards = self.env["jesignexpert.collection.wizard"]
        with self.assertRaises(AccessError):
            wizards.with_user(outsider).create(wizards._prepare(self.contract))
        with self.assertRaises(AccessError):
            self.open_wizard().with_user(outsider).action_confirm()
        self.assertEqual(self.transactions(), before, "nothing was sent to jesignexpert.com")
        self.open_wizard().action_confirm()
        self.assertFalse(self.env["jesignexpert.collection"].with_user(outsider).search([]))

    def test_the_three_steps_through_the_form(self):
        """As a person fills them: the title, a signer's phone, parallel invitations."""
        wizard = self.open_wizard()
        with Form(wizard) as form:
            form.title = "CDD Marc Langlois 2026"
        wizard.action_next()
        with Form(wizard) as form, form.line_ids.edit(1) as line:
            line.phone = "+33 7 11 22 33 44"
        wizard.action_back()
        self.assertEqual(wizard.step, "document")
        wizard.action_next()
        wizard.action_next()
        with Form(wizard) as form:
            form.invitation_mode = "parallel"
            form.mail_subject = "Votre contrat à signer"
        self.assertIn("Votre contrat à signer", wizard.email_preview)
        wizard.action_confirm()
        collection = self.contract.jesignexpert_collection_ids
        remote = self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")
        self.assertEqual(
            (remote["object"], remote["mailSubject"], remote["invitationMode"]),
            ("CDD Marc Langlois 2026", "Votre contrat à signer", "parallel"),
        )
        self.assertEqual([s["phone"] for s in remote["signatories"]], [None, "+33711223344"])
