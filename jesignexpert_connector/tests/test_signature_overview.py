# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 12, part 3: every signature at a glance, on contracts and employees."""

from odoo.tests import tagged

from .common import CollectionCase, cdd_contract, run_sync, sent_collection
from .test_collection_followup import view_filter


@tagged("post_install", "-at_install")
class TestSignatureState(CollectionCase):
    """The signature state of the latest collection, on contracts and employees."""

    def matching(self, model, name, records):
        return records.search([("id", "in", records.ids), *view_filter(self.env, model, name)])

    def test_the_state_follows_the_latest_collection_as_the_sync_writes_it(self):
        contract, employee = self.contract, self.employee
        self.assertEqual(contract.jesignexpert_signature_state, "to_send")
        self.assertEqual(employee.jesignexpert_signature_state, "to_send")
        self.assertEqual(self.matching("hr.contract", "jesignexpert_to_send", contract), contract)
        self.assertEqual(self.matching("hr.employee", "jesignexpert_to_send", employee), employee)

        first = sent_collection(self.env, self.firm, contract, "CDD MARC LANGLOIS 1")
        self.sandbox_call("POST", f"/_sandbox/transaction/{first.jse_id}/signatory/1/refuse")
        run_sync(self.env)  # the sync writes the collection as superuser
        self.assertEqual(first.state, "refused")
        self.assertEqual(contract.jesignexpert_signature_state, "refused")
        self.assertEqual(employee.jesignexpert_signature_state, "refused")
        self.assertEqual(self.matching("hr.contract", "jesignexpert_refused_expired", contract), contract)
        self.assertFalse(self.matching("hr.contract", "jesignexpert_awaiting", contract))

        second = sent_collection(self.env, self.firm, contract, "CDD MARC LANGLOIS 2")
        self.assertEqual(contract.jesignexpert_signature_state, "sent", "the latest collection speaks")
        self.assertEqual(self.matching("hr.contract", "jesignexpert_awaiting", contract), contract)
        self.assertEqual(self.matching("hr.employee", "jesignexpert_awaiting", employee), employee)

        self.sandbox_call("POST", f"/_sandbox/transaction/{second.jse_id}/signatory/1/sign")
        run_sync(self.env)
        self.assertEqual(second.state, "signed")
        self.assertEqual(contract.jesignexpert_signature_state, "signed")
        self.assertEqual(employee.jesignexpert_signature_state, "signed")
        self.assertEqual(self.matching("hr.contract", "jesignexpert_signed", contract), contract)
        self.assertEqual(self.matching("hr.employee", "jesignexpert_signed", employee), employee)
        self.assertFalse(self.matching("hr.contract", "jesignexpert_refused_expired", contract))

    def test_to_send_only_with_a_template_on_a_current_contract(self):
        no_template = cdd_contract(self.env, self.employee, jesignexpert_template_id=False)
        self.assertFalse(no_template.jesignexpert_signature_state)
        cancelled = cdd_contract(self.env, self.employee, state="cancel")
        self.assertFalse(cancelled.jesignexpert_signature_state)
        archived = cdd_contract(self.env, self.employee)
        self.assertEqual(archived.jesignexpert_signature_state, "to_send")
        archived.action_archive()
        self.assertFalse(archived.jesignexpert_signature_state)

    def test_group_by_signature_state(self):
        other = cdd_contract(self.env, self.employee, name="CDD 2")
        sent_collection(self.env, self.firm, other, "CDD 2")
        contracts = self.contract | other
        groups = self.env["hr.contract"].read_group(
            [("id", "in", contracts.ids)], ["jesignexpert_signature_state"], ["jesignexpert_signature_state"]
        )
        counts = {g["jesignexpert_signature_state"]: g["jesignexpert_signature_state_count"] for g in groups}
        self.assertEqual(counts, {"to_send": 1, "sent": 1})
        search = self.env["hr.contract"].get_views([(False, "search")])["views"]["search"]["arch"]
        self.assertIn("'group_by': 'jesignexpert_signature_state'", search)

    def test_the_views_show_the_state(self):
        for model, view_types in (("hr.contract", ("list", "kanban", "form")), ("hr.employee", ("list", "form"))):
            views = self.env[model].get_views([(False, t) for t in view_types])["views"]
            for view_type in view_types:
                self.assertIn('name="jesignexpert_signature_state"', views[view_type]["arch"], (model, view_type))
