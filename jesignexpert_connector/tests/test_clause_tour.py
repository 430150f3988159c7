# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import SandboxHttpCase, cdd_contract, contract_to_sign


@tagged("post_install", "-at_install", "is_tour")
class TestClauseTour(HttpCase):
    def test_double_click_the_clause_add_a_signer_and_save(self):
        employee = self.env["hr.employee"].create({"name": "Marc Langlois"})
        contract = cdd_contract(self.env, employee, name="CDD Marc Langlois")
        self.start_tour(
            f"/odoo/action-hr_contract.action_hr_contract/{contract.id}", "jesignexpert_clause_tour", login="admin"
        )
        slots = contract.jesignexpert_clause_id.slot_ids.sorted("sequence")
        self.assertEqual(len(slots), 3)
        self.assertEqual((slots[2].referent, slots[2].mention), ("employer", "Bon pour accord"))
        library = self.env.company.jesignexpert_clause_id
        self.assertEqual(len(library.slot_ids), 2, "a change for this contract only leaves the library alone")

    def test_at_offers_the_variables_while_editing(self):
        template = self.env["jesignexpert.document.template"].create(
            {"name": "Avenant", "body": "<p>Le salarié, né le </p>"}
        )
        self.start_tour(
            f"/odoo/action-jesignexpert_connector.jesignexpert_document_template_action/{template.id}",
            "jesignexpert_variable_tour",
            login="admin",
        )
        self.assertIn('<span data-jse-var="employee_birthday">', template.body)
        self.assertNotIn("@birth", template.body)


@tagged("post_install", "-at_install", "is_tour")
class TestSignTour(SandboxHttpCase):
    def test_electronic_signature_in_three_steps(self):
        self.link_firm()
        contract = contract_to_sign(self.env, "CDD Marc Langlois")
        self.start_tour_to_jesignexpert(
            f"/odoo/action-hr_contract.action_hr_contract/{contract.id}", "jesignexpert_sign_tour"
        )
        collection = contract.jesignexpert_collection_ids
        self.assertEqual((collection.name, collection.state), ("CDD Marc Langlois - signature", "draft"))
        remote = self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")
        self.assertEqual(
            [s["email"] for s in remote["signatories"]], ["jean.doe@example.com", "marc.langlois@example.com"]
        )
