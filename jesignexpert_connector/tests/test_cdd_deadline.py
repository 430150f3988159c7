# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 12, part 4: the legal deadline to hand a CDD to the employee
(Code du travail, L1242-13), with the company's public holidays, and the
CDD signed by the employee only."""

from datetime import date, datetime, timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import tagged

from .common import CollectionCase, cdd_contract

ASCENSION = date(2026, 5, 14)  # a Thursday


@tagged("post_install", "-at_install")
class TestCddDeadline(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.company.resource_calendar_id
        cls.calendar.tz = "Europe/Paris"
        # A public holiday of the company, as Odoo keeps them: a global time off of its working schedule.
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Ascension",
                "calendar_id": cls.calendar.id,
                "date_from": datetime(2026, 5, 13, 22, 0),  # midnight in Paris, in UTC
                "date_to": datetime(2026, 5, 14, 21, 59, 59),
            }
        )
        cls.cdi = cls.env.ref("jesignexpert_connector.template_cdi")

    def cdd(self, hired_on, **values):
        values = {"date_start": hired_on, "resource_calendar_id": self.calendar.id} | values
        return cdd_contract(self.env, self.employee, **values)

    def test_over_a_weekend(self):
        contract = self.cdd(date(2026, 3, 6))  # a Friday: Saturday counts, Sunday does not
        self.assertTrue(contract.jesignexpert_is_cdd)
        self.assertEqual(contract.jesignexpert_cdd_deadline, date(2026, 3, 9))
        self.assertEqual(contract.jesignexpert_cdd_holidays, "None between the hiring and the deadline.")

    def test_hired_on_a_saturday(self):
        self.assertEqual(self.cdd(date(2026, 3, 7)).jesignexpert_cdd_deadline, date(2026, 3, 10))

    def test_over_a_public_holiday_of_the_company(self):
        contract = self.cdd(date(2026, 5, 13))  # a Wednesday: Ascension is skipped
        self.assertEqual(contract.jesignexpert_cdd_deadline, date(2026, 5, 16))
        self.assertIn("Ascension", contract.jesignexpert_cdd_holidays)
        self.assertIn("05/14/2026", contract.jesignexpert_cdd_holidays)

    def test_another_schedule_without_holidays_says_so(self):
        calendar = self.env["resource.calendar"].create({"name": "Sans jours fériés", "tz": "Europe/Paris"})
        contract = self.cdd(date(2026, 5, 13), resource_calendar_id=calendar.id)
        self.assertEqual(contract.jesignexpert_cdd_deadline, date(2026, 5, 15), "Odoo knows no holiday there")
        self.assertIn("Odoo knows no public holiday", contract.jesignexpert_cdd_holidays)
        # A public holiday for every schedule of the company (no working schedule) counts too.
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Ascension (toutes)",
                "calendar_id": False,
                "company_id": self.company.id,
                "date_from": datetime(2026, 5, 13, 22, 0),
                "date_to": datetime(2026, 5, 14, 21, 59, 59),
            }
        )
        contract.invalidate_recordset()
        self.assertEqual(contract.jesignexpert_cdd_deadline, date(2026, 5, 16))

    def test_a_cdd_by_template_or_by_contract_type(self):
        cdi = self.cdd(date(2026, 3, 2), jesignexpert_template_id=self.cdi.id)
        self.assertFalse(cdi.jesignexpert_is_cdd)
        self.assertFalse(cdi.jesignexpert_cdd_deadline)
        cdi.contract_type_id = self.env.ref("hr.contract_type_temporary")
        self.assertTrue(cdi.jesignexpert_is_cdd)
        self.assertEqual(cdi.jesignexpert_cdd_deadline, date(2026, 3, 4))

    def test_a_signed_cdd_has_no_deadline_and_is_not_at_risk(self):
        contract = self.cdd(fields.Date.today() - timedelta(days=10))
        self.assertTrue(contract.jesignexpert_cdd_deadline)
        self.assertTrue(contract.jesignexpert_cdd_at_risk)
        self.collection(contract, state="signed")
        self.assertFalse(contract.jesignexpert_cdd_deadline)
        self.assertFalse(contract.jesignexpert_cdd_at_risk)

    def test_cdds_at_risk(self):
        today = fields.Date.today()
        late = self.cdd(today - timedelta(days=10))
        tomorrow_or_so = self.cdd(today)  # due within two working days: within a day only on some weekdays
        later = self.cdd(today + timedelta(days=10))
        sent = self.cdd(today - timedelta(days=10))
        self.collection(sent, state="sent")  # sent is not signed: still at risk
        cdi = self.cdd(today - timedelta(days=10), jesignexpert_template_id=self.cdi.id)
        contracts = late | tomorrow_or_so | later | sent | cdi
        at_risk = contracts.search([("id", "in", contracts.ids), ("jesignexpert_cdd_at_risk", "=", True)])
        self.assertIn(late, at_risk)
        self.assertIn(sent, at_risk)
        self.assertNotIn(later, at_risk)
        self.assertNotIn(cdi, at_risk)
        self.assertEqual(
            tomorrow_or_so in at_risk, tomorrow_or_so.jesignexpert_cdd_deadline <= today + timedelta(days=1)
        )
        not_at_risk = contracts.search([("id", "in", contracts.ids), ("jesignexpert_cdd_at_risk", "!=", True)])
        self.assertEqual(not_at_risk, contracts - at_risk)
        # The reporting action lists them.
        action = self.env.ref("jesignexpert_connector.hr_contract_action_cdd_at_risk")
        self.assertIn("search_default_jesignexpert_cdd_at_risk", action.context)

    def collection(self, contract, state, signers=()):
        return (
            self.env["jesignexpert.collection"]
            .sudo()
            .create(
                {
                    "name": contract.name,
                    "contract_id": contract.id,
                    "firm_id": self.firm.id,
                    "initiator_id": self.env.user.id,
                    "jse_id": f"T-{contract.id}-{state}",
                    "state": state,
                    "signer_ids": [
                        Command.create({"sequence": n, "name": name, "email": "x@example.com"})
                        for n, name in enumerate(signers, start=1)
                    ],
                }
            )
        )

    def test_a_cdd_signed_by_the_employee_only_is_flagged(self):
        contract = self.cdd(date(2026, 3, 2))
        collection = self.collection(contract, "sent", signers=("Jean Doe", "Marc Langlois"))
        # The referents come from the contract's clause: the employer signs first, then the employee.
        self.assertEqual(collection.signer_ids.mapped("referent"), ["employer", "employee"])
        self.assertFalse(contract.jesignexpert_employer_unsigned)
        employer, employee = collection.signer_ids
        employee.sudo().state = "signed"
        self.assertTrue(contract.jesignexpert_employer_unsigned)
        hits = contract.search([("id", "=", contract.id), ("jesignexpert_employer_unsigned", "=", True)])
        self.assertEqual(hits, contract)
        collection.sudo().state = "expired"  # never signed by the employer
        self.assertTrue(contract.jesignexpert_employer_unsigned)
        again = self.collection(contract, "sent", signers=("Jean Doe", "Marc Langlois"))
        again.signer_ids.sudo().write({"state": "signed"})
        again.sudo().state = "signed"
        self.assertFalse(contract.jesignexpert_employer_unsigned)

    def test_a_cdi_signed_by_the_employee_only_is_not_flagged(self):
        contract = self.cdd(date(2026, 3, 2), jesignexpert_template_id=self.cdi.id)
        collection = self.collection(contract, "sent", signers=("Jean Doe", "Marc Langlois"))
        collection.signer_ids[1].sudo().state = "signed"
        self.assertFalse(contract.jesignexpert_employer_unsigned)
