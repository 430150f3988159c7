# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 12, parts 3 and 5, on the collections: the reporting view (ready
filters, times to sign), the refusal's activity, and the document changed
since it was sent."""

import ast
from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.tests import tagged

from .common import CollectionCase, run_sync, sent_collection

REFUSED = "jesignexpert_connector.mail_activity_type_collection_refused"


def view_filter(env, model, name):
    """The domain of the search filter ``name`` of ``model``'s search view,
    as the web client would apply it."""
    arch = env[model].get_views([(False, "search")])["views"]["search"]["arch"]
    node = etree.fromstring(arch).xpath(f"//filter[@name='{name}']")
    assert node, f"no filter {name} on {model}"
    return ast.literal_eval(node[0].get("domain"))


class FollowUpSteps:
    def collection(self, title="CDD MARC LANGLOIS"):
        """A collection of the contract sent on jesignexpert.com, initiated by the test initiator."""
        collection = sent_collection(self.env, self.firm, self.contract, title)
        collection.sudo().initiator_id = self.initiator
        return collection

    def activities(self, collection, xmlid):
        return collection.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(xmlid))

    def contract_messages(self):
        return "".join(self.contract.message_ids.mapped("body"))


@tagged("post_install", "-at_install")
class TestCollectionReporting(CollectionCase):
    """The reporting view: its ready filters, and the times to sign."""

    def collection(self, title, **values):
        collection = sent_collection(self.env, self.firm, self.contract, title)
        collection.sudo().write(values)
        return collection

    def test_ready_filters(self):
        now = fields.Datetime.now()
        expiring = self.collection("EXPIRING", sent_on=now - timedelta(days=12), expires_on=now + timedelta(days=2))
        late = self.collection("LATE", sent_on=now - timedelta(days=8), expires_on=now + timedelta(days=7))
        recent = self.collection("RECENT", sent_on=now - timedelta(days=1), expires_on=now + timedelta(days=14))
        unfetched = self.collection("UNFETCHED", state="signed", sent_on=now - timedelta(days=9))
        expired = self.collection("EXPIRED", state="expired", expires_on=now - timedelta(days=1))
        everything = expiring | late | recent | unfetched | expired

        def matching(name):
            domain = view_filter(self.env, "jesignexpert.collection", name)
            return everything.search([("id", "in", everything.ids), *domain])

        self.assertEqual(matching("expiring_soon"), expiring)
        self.assertEqual(matching("late_unsigned"), expiring | late)
        self.assertEqual(matching("not_fetched"), unfetched)
        self.assertEqual(everything.filtered("expiring_soon"), expiring)
        self.assertEqual(everything.filtered("late_unsigned"), expiring | late)
        self.assertEqual(
            everything.search([("id", "in", everything.ids), ("expiring_soon", "=", False)]), everything - expiring
        )

    def test_average_and_median_time_to_sign(self):
        sent = fields.Datetime.now() - timedelta(days=20)
        for n, days in enumerate((1, 2, 6), start=1):
            self.collection(f"SIGNED {n}", state="signed", sent_on=sent, completed_on=sent + timedelta(days=days))
        self.collection("WAITING", sent_on=sent)  # not signed: counted in neither
        collections = self.env["jesignexpert.collection"].search([("contract_id", "=", self.contract.id)])
        self.assertEqual(len(collections), 4)
        self.assertEqual(sorted(collections.mapped("signature_days")), [0, 1, 2, 6])
        [totals] = collections.read_group(
            [("id", "in", collections.ids)], ["signature_days:avg", "signature_days_median:median"], []
        )
        self.assertAlmostEqual(totals["signature_days"], 3.0)
        self.assertAlmostEqual(totals["signature_days_median"], 2.0)
        by_state = collections.read_group(
            [("id", "in", collections.ids)], ["signature_days:avg", "signature_days_median:median"], ["state"]
        )
        by_state = {g["state"]: g for g in by_state}
        self.assertAlmostEqual(by_state["signed"]["signature_days_median"], 2.0)
        self.assertFalse(by_state["sent"]["signature_days"], "nothing signed: no average")

    def test_reporting_action_kanban_by_state_graph_and_pivot(self):
        action = self.env.ref("jesignexpert_connector.jesignexpert_collection_action_report")
        self.assertEqual(action.view_mode.split(",")[:3], ["kanban", "graph", "pivot"])
        views = self.env["jesignexpert.collection"].get_views([(v.view_id.id, v.view_mode) for v in action.view_ids])
        kanban = etree.fromstring(views["views"]["kanban"]["arch"])
        self.assertEqual(kanban.get("default_group_by"), "state")
        pivot = views["views"]["pivot"]["arch"]
        self.assertIn('name="signature_days"', pivot)
        self.assertIn('name="signature_days_median"', pivot)
        self.env.user.groups_id += self.env.ref("base.group_multi_company")
        search = self.env["jesignexpert.collection"].get_views([(False, "search")])["views"]["search"]["arch"]
        for group_by in ("sent_on:month", "company_id", "initiator_id"):
            self.assertIn(f"'group_by': '{group_by}'", search)


@tagged("post_install", "-at_install")
class TestRefusalActivity(FollowUpSteps, CollectionCase):
    def test_a_refusal_gives_the_initiator_an_activity(self):
        collection = self.collection()
        self.assertFalse(collection.activity_ids)
        self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/1/refuse")
        run_sync(self.env)
        self.assertEqual(collection.state, "refused")
        activity = self.activities(collection, REFUSED)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.initiator)
        self.assertIn("Léa Martin refused to sign CDD MARC LANGLOIS", str(activity.note))
        run_sync(self.env)
        self.assertEqual(len(self.activities(collection, REFUSED)), 1, "once")


@tagged("post_install", "-at_install")
class TestDocumentChanged(FollowUpSteps, CollectionCase):
    def test_the_document_changed_since_it_was_sent_is_flagged(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["jesignexpert_connector"], ["fr_FR"], overwrite=True)
        collection = self.collection()
        self.assertEqual(len(collection.document_sha256), 64)
        self.assertFalse(collection.document_changed)
        self.assertFalse(collection.with_context(lang="fr_FR").document_changed, "whatever the reader's language")
        self.contract.wage = 2500
        self.assertTrue(collection.document_changed)
        self.contract.wage = 2100  # back as sent
        self.assertFalse(collection.document_changed)
        self.employee.name = "Marc Langlois-Durand"
        collection.invalidate_recordset(["document_changed"])
        self.assertTrue(collection.document_changed, "the employee's details are part of the document")
        form = self.env["jesignexpert.collection"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("The document has changed since it was sent", form)

    def test_a_collection_of_a_contract_without_document_has_no_fingerprint(self):
        self.contract.jesignexpert_template_id = False
        collection = self.collection()
        self.assertFalse(collection.document_sha256)
        self.assertFalse(collection.document_changed)

    def test_a_collection_of_another_pdf_has_no_fingerprint(self):
        """A PDF attached or uploaded is not the contract's document: its
        creator says so, and a change of the contract flags nothing."""
        collection = self.collection()
        other = collection.sudo().copy({"name": "UPLOADED", "jse_id": "T-UPLOADED", "document_sha256": False})
        self.assertFalse(other.document_sha256)
        self.contract.wage = 2500
        self.assertTrue(collection.document_changed)
        self.assertFalse(other.document_changed)
