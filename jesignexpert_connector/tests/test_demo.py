# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo data tells the story of jesignexpert.com's help page (make run):
a French employer, Marc Langlois' CDD ready to be signed, a CDI, and a
contract with one value missing."""

import re

from odoo.tests import TransactionCase, tagged

from .. import variables
from .common import SandboxHttpCase

COMPANY_VARIABLES = [v for v in variables.VARIABLES if v.key.startswith(("company_", "representative_"))]


def missing_labels(contract):
    return re.findall(r'o_jse_missing">([^<]*)', str(contract.jesignexpert_document))


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.company = ref("base.main_company")
        cls.cdd = ref("jesignexpert_connector.demo_contract_cdd_marc_langlois")
        cls.cdi = ref("jesignexpert_connector.demo_contract_cdi_claire_fontaine")
        cls.incomplete = ref("jesignexpert_connector.demo_contract_cdd_julie_bernard")

    def test_the_company_states_its_legal_identity(self):
        values = {v.key: v.getter(self.cdd) for v in COMPANY_VARIABLES}
        self.assertEqual([key for key, value in values.items() if not value], [])
        self.assertEqual(values["company_name"], "Lefebvre Daloz")
        self.assertEqual(values["company_legal_form"], "SAS")
        self.assertEqual(self.company.jesignexpert_representative_email, "jean.doe@opus.fr")

    def test_marc_langlois_cdd_is_ready_to_sign(self):
        self.assertEqual(self.cdd.name, "CDD MARC LANGLOIS")
        self.assertEqual(
            self.cdd.jesignexpert_template_id, self.env.ref("jesignexpert_connector.template_cdd_activity_increase")
        )
        self.assertTrue(self.cdd.jesignexpert_increase_reason)
        self.assertTrue(self.cdd.jesignexpert_start_time)
        self.assertEqual(variables.BY_KEY["contract_duration"].getter(self.cdd), "3 month(s)")
        self.assertEqual(missing_labels(self.cdd), [])
        signers = self.cdd._jesignexpert_signers()
        self.assertEqual(
            [(s["referent"], s["name"], s["email"]) for s in signers],
            [("employer", "Jean Doe", "jean.doe@opus.fr"), ("employee", "Marc Langlois", "marc.langlois@example.com")],
        )

    def test_a_cdi_for_a_second_employee(self):
        self.assertEqual(self.cdi.jesignexpert_template_id, self.env.ref("jesignexpert_connector.template_cdi"))
        self.assertNotEqual(self.cdi.employee_id, self.cdd.employee_id)
        self.assertEqual(missing_labels(self.cdi), [])
        self.assertTrue(all(s["email"] for s in self.cdi._jesignexpert_signers()))

    def test_one_contract_lacks_one_value(self):
        self.assertEqual(missing_labels(self.incomplete), ["(Raison de l'accroissement temporaire d'activité)"])


@tagged("post_install", "-at_install", "is_tour")
class TestDemoTour(SandboxHttpCase):
    def test_the_demo_journey_with_clicks_only(self):
        """From the contracts, Marc Langlois' CDD goes through the three steps
        to its draft on jesignexpert.com, in the cabinet of the help page."""
        # wkhtmltopdf would fetch the web assets from this very test server,
        # busy with the request that renders the PDF.
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        self.link_firm(office="Cabinet Editeur Oppus 1")
        contract = self.env.ref("jesignexpert_connector.demo_contract_cdd_marc_langlois")
        self.start_tour_to_jesignexpert("/odoo/action-hr_contract.action_hr_contract", "jesignexpert_demo_tour")
        collection = contract.jesignexpert_collection_ids
        self.assertEqual((collection.name, collection.state), ("CDD MARC LANGLOIS", "draft"))
        self.assertEqual(collection.firm_id.name, "Cabinet Editeur Oppus 1")
        remote = self.sandbox_call("GET", f"/_sandbox/transaction/{collection.jse_id}")
        self.assertEqual(
            [(s["name"], s["email"]) for s in remote["signatories"]],
            [("Jean Doe", "jean.doe@opus.fr"), ("Marc Langlois", "marc.langlois@example.com")],
        )
