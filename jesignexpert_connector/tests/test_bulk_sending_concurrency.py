# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A bulk sending's job and a person, or a second worker, at the same time.

Each side has its own database connection and commits for real, as Odoo's
workers do; so this case commits its fixture (in a company of its own) and
removes it afterwards.
"""

import base64
import uuid

from odoo import SUPERUSER_ID, api
from odoo.tests.common import tagged

from .common import CommittedCase, blank_pdf, link_tokens


@tagged("post_install", "-at_install")
class TestBulkSendingInterleavings(CommittedCase):
    @classmethod
    def _make_fixture(cls, env):
        """A company linked to the sandbox, two employees and their contracts."""
        company = env["res.company"].create(
            {
                "name": f"Bulk at once {uuid.uuid4().hex[:8]}",
                "jesignexpert_representative_firstname": "Jean",
                "jesignexpert_representative_lastname": "Doe",
                "jesignexpert_representative_email": "jean.doe@example.com",
            }
        )
        admin = env.ref("base.user_admin")
        admin.company_ids |= company
        cls.ids.update(company=company.id, admin_companies=admin.company_ids.ids)
        firm = env["jesignexpert.firm"]._link_company(company, link_tokens(env, cls.sandbox.url), admin)
        cls.ids["firm"] = firm.id
        employees = env["hr.employee"].create(
            [
                {"name": name, "private_email": f"{name.split()[0].lower()}@example.com", "company_id": company.id}
                for name in ("Léa Martin", "Hugo Petit")
            ]
        )
        cls.ids["employees"] = employees.ids
        contracts = env["hr.contract"].create(
            [
                {"name": f"CDD {e.name.upper()}", "employee_id": e.id, "wage": 2100, "company_id": company.id}
                for e in employees
            ]
        )
        cls.ids["contracts"] = contracts.ids

    @classmethod
    def _remove_fixture(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            contracts = env["hr.contract"].browse(cls.ids.get("contracts", []))
            env["jesignexpert.bulk.sending"].search([("company_id", "=", cls.ids.get("company"))]).sudo().write(
                {"state": "done"}
            )
            env["jesignexpert.bulk.sending"].search([("company_id", "=", cls.ids.get("company"))]).unlink()
            env["jesignexpert.collection"].search([("contract_id", "in", contracts.ids)]).unlink()
            contracts.unlink()
            env["jesignexpert.signature.clause"].with_context(active_test=False).search(
                [("company_id", "=", cls.ids.get("company"))]
            ).unlink()
            env["hr.employee"].browse(cls.ids.get("employees", [])).unlink()
            env["jesignexpert.firm"].browse(cls.ids.get("firm", [])).unlink()
            env.ref("base.user_admin").company_ids = [(6, 0, cls.ids.get("admin_companies", []))]
            env["res.company"].browse(cls.ids.get("company", [])).unlink()
            cr.execute("DELETE FROM jesignexpert_draft")

    def confirmed_sending(self):
        """Both contracts, each with an uploaded PDF, confirmed and committed."""
        with self.worker() as env:
            admin = env.ref("base.user_admin")
            company = env["res.company"].browse(self.ids["company"])
            contracts = env["hr.contract"].browse(self.ids["contracts"])
            user_env = env(user=admin, context={"allowed_company_ids": [company.id]})
            sending = user_env["jesignexpert.bulk.sending"].browse(
                contracts.with_env(user_env).action_jesignexpert_sign()["res_id"]
            )
            for line in sending.line_ids:
                line.write(
                    {"document_source": "upload", "upload": base64.b64encode(blank_pdf()), "upload_name": "c.pdf"}
                )
            sending.duplicate_choice = "another"  # the other test's collections are still in progress
            sending.action_next()
            sending.action_confirm()
            env.cr.commit()
            return sending.id, sending.line_ids.sorted("sequence").ids

    def drafts_on_jesignexpert(self, env):
        firm = env["jesignexpert.firm"].browse(self.ids["firm"])
        with firm._client(firm.access_ids[:1]) as client:
            return [t for page in client.iter_change_pages(0) for t in page.transactions]

    def state(self, sending_id):
        with self.worker() as env:
            sending = env["jesignexpert.bulk.sending"].browse(sending_id)
            return sending.state, sending.line_ids.sorted("sequence").mapped("state")

    def test_a_contract_another_worker_is_preparing_is_neither_waited_for_nor_made_twice(self):
        sending_id, (first, _second) = self.confirmed_sending()
        with self.worker() as env:
            before = len(self.drafts_on_jesignexpert(env))
        with self.worker() as other, self.worker() as job:
            # The other worker is preparing the first contract (its row lock held).
            other.cr.execute("SELECT id FROM jesignexpert_bulk_sending_line WHERE id = %s FOR UPDATE", [first])
            self.assertEqual(job["jesignexpert.bulk.sending"]._cron_prepare(auto_commit=True), (1, 1))
            other.cr.rollback()  # the other worker gave up: the contract is still waiting
        self.assertEqual(self.state(sending_id), ("running", ["waiting", "prepared"]))
        with self.worker() as job:
            self.assertEqual(job["jesignexpert.bulk.sending"]._cron_prepare(auto_commit=True), (1, 0))
            self.assertEqual(len(self.drafts_on_jesignexpert(job)) - before, 2, "one draft per contract")
        self.assertEqual(self.state(sending_id), ("done", ["prepared", "prepared"]))

    def test_a_stop_while_the_job_runs_leaves_out_what_it_had_not_prepared(self):
        sending_id, _lines = self.confirmed_sending()
        with self.worker() as job:
            before = len(self.drafts_on_jesignexpert(job))
        with self.worker() as person, self.worker() as job:
            self.assertTrue(job["jesignexpert.bulk.sending"].browse(sending_id).line_ids)  # the job's snapshot
            admin = person.ref("base.user_admin")
            person["jesignexpert.bulk.sending"].with_user(admin).browse(sending_id).action_stop()
            person.flush_all()  # the stop's request is writing its rows, not committed yet
            # The job meets the stop being written: it skips those contracts.
            self.assertEqual(job["jesignexpert.bulk.sending"]._cron_prepare(auto_commit=True), (0, 2))
            person.cr.commit()
        with self.worker() as job:
            self.assertEqual(job["jesignexpert.bulk.sending"]._cron_prepare(auto_commit=True), (0, 0))
            self.assertEqual(len(self.drafts_on_jesignexpert(job)), before, "nothing made after the stop")
        self.assertEqual(self.state(sending_id), ("stopped", ["left_out", "left_out"]))
