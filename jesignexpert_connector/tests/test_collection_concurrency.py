# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two runs of the sync at once, as two Odoo workers would run them.

Each run has its own database connection and commits for real, as the
scheduled action does; a TransactionCase has a single connection that never
commits, so this case commits its fixture (in a company of its own) and
removes it afterwards.
"""

import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from time import monotonic
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.fields import Command
from odoo.tests.common import tagged

from ..models import jesignexpert_sync_fetch_mixin as fetch_module
from ..models.jesignexpert_sync import Report
from .common import CommittedCase, link_tokens, sandbox_control, signed_transaction


@tagged("post_install", "-at_install")
class TestTwoSyncRunsAtOnce(CommittedCase):
    @classmethod
    def _make_fixture(cls, env):
        """A cabinet of a new company with two signed collections, committed."""
        company = env["res.company"].create({"name": f"Two runs at once {uuid.uuid4().hex[:8]}"})
        cls.ids["company"] = company.id
        admin = env.ref("base.user_admin")
        firm = env["jesignexpert.firm"]._link_company(company, link_tokens(env, cls.sandbox.url), admin)
        cls.ids["firm"] = firm.id
        employee = env["hr.employee"].create({"name": "Léa Martin", "company_id": company.id})
        cls.ids["employee"] = employee.id
        contract = env["hr.contract"].create(
            {"name": "CDD LEA MARTIN", "employee_id": employee.id, "wage": 2100, "company_id": company.id}
        )
        cls.ids["contract"] = contract.id
        cls.ids["collections"] = []
        with firm._client(firm.access_ids) as api_client:
            for n in (1, 2):
                tid = signed_transaction(
                    api_client, cls.sandbox.url, f"CDD LEA MARTIN {n}", "Léa Martin", "lea.martin@example.com"
                )
                collection = env["jesignexpert.collection"].create(
                    {
                        "name": f"CDD LEA MARTIN {n}",
                        "contract_id": contract.id,
                        "firm_id": firm.id,
                        "initiator_id": admin.id,
                        "drafted_with_id": admin.id,
                        "jse_id": tid,
                        "state": "sent",
                        "page_count": 1,
                        "signer_ids": [
                            Command.create({"sequence": 1, "name": "Léa Martin", "email": "lea.martin@example.com"})
                        ],
                    }
                )
                cls.ids["collections"].append(collection.id)

    @classmethod
    def _remove_fixture(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            if cls.ids.get("contract"):
                env["ir.attachment"].search(
                    [("res_model", "=", "hr.contract"), ("res_id", "=", cls.ids["contract"])]
                ).unlink()
            env["jesignexpert.collection"].browse(cls.ids.get("collections", [])).unlink()
            env["hr.contract"].browse(cls.ids.get("contract", [])).unlink()
            env["hr.employee"].browse(cls.ids.get("employee", [])).unlink()
            env["jesignexpert.firm"].browse(cls.ids.get("firm", [])).unlink()
            company = env["res.company"].browse(cls.ids.get("company", []))
            company.unlink()

    def _read(self, reader):
        with self.registry.cursor() as cr:
            return reader(api.Environment(cr, SUPERUSER_ID, {}))

    def test_two_runs_at_once_fetch_each_signed_document_once(self):
        # jesignexpert.com holds each first download 2 s: the runs overlap.
        held = {"mode": "timeout", "seconds": 2, "count": 2, "path": "/document/"}
        sandbox_control(self.sandbox.url, "POST", "/_sandbox/faults", json=held)
        self.addCleanup(sandbox_control, self.sandbox.url, "DELETE", "/_sandbox/faults")
        start = threading.Barrier(2)

        def sync(env):
            # The scheduled job, for this case's cabinet only: the database
            # may hold others, whose tokens this sandbox does not know.
            firm = env["jesignexpert.firm"].browse(self.ids["firm"])
            env["jesignexpert.sync"].with_context(jesignexpert_auto_commit=True)._run(monotonic() + 120, firms=firm)

        def run():
            with self.registry.cursor() as cr:
                # The test runner holds the registries' lock: no lookup by name.
                cr.transaction = api.Transaction(self.registry)
                # Like Odoo's own test threads: mail is sent (skipped) on the
                # spot, not after the commit through the registries.
                threading.current_thread().testing = True
                env = api.Environment(cr, SUPERUSER_ID, {})
                start.wait(timeout=30)
                sync(env)

        logger = "odoo.addons.jesignexpert_connector.models.jesignexpert_collection"
        with self.assertLogs(logger, logging.INFO) as logs, ThreadPoolExecutor(max_workers=2) as pool:
            for future in [pool.submit(run), pool.submit(run)]:
                future.result(timeout=120)

        def signed(env):
            collections = env["jesignexpert.collection"].browse(self.ids["collections"])
            attachments = env["ir.attachment"].search(
                [("res_model", "=", "hr.contract"), ("res_id", "=", self.ids["contract"]), ("name", "like", "signé")]
            )
            return collections.mapped("state"), len(attachments), len(collections.signed_attachment_id)

        self.assertEqual(self._read(signed), (["signed", "signed"], 2, 2), "each document attached once")
        skipped = [line for line in logs.output if "another run has it" in line]
        self.assertTrue(skipped, "one run found a collection the other was taking home")
        # A third run, alone, finds nothing left to do and doubles nothing.
        self._read(sync)
        self.assertEqual(self._read(signed), (["signed", "signed"], 2, 2))

    def test_a_note_on_a_cabinet_another_run_just_wrote_does_not_fail_the_run(self):
        """Run A took its snapshot; run B writes the cabinet and commits; A's
        note on the cabinet must neither fail A's commit nor undo B's."""
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            for cr in (cr_a, cr_b):
                cr.transaction = api.Transaction(self.registry)
            env_a, env_b = (api.Environment(cr, SUPERUSER_ID, {}) for cr in (cr_a, cr_b))
            firm_a = env_a["jesignexpert.firm"].browse(self.ids["firm"])
            self.assertTrue(firm_a.name)  # A's snapshot is taken
            env_b["jesignexpert.firm"].browse(self.ids["firm"]).write({"sync_error": "B's news"})
            cr_b.commit()
            written = env_a["jesignexpert.sync"]._write_cabinet(firm_a, {"sync_error": "A's news"})
            cr_a.commit()  # does not raise
        self.assertFalse(written, "A left the cabinet to B")
        self.assertEqual(
            self._read(lambda env: env["jesignexpert.firm"].browse(self.ids["firm"]).sync_error), "B's news"
        )


@tagged("post_install", "-at_install")
class TestRefreshDuringFetchRetry(CommittedCase):
    """The fetch-retry path searched its due collections; a user's "Refresh"
    of one of them commits before the path takes that collection's lock."""

    _make_fixture = classmethod(TestTwoSyncRunsAtOnce._make_fixture.__func__)
    _remove_fixture = classmethod(TestTwoSyncRunsAtOnce._remove_fixture.__func__)
    _read = TestTwoSyncRunsAtOnce._read

    def test_a_refresh_committed_before_the_lock_is_not_attached_twice(self):
        first, second = self.ids["collections"]
        with self.worker() as env:
            past = fields.Datetime.now() - timedelta(minutes=10)
            for n, cid in enumerate((first, second)):
                env["jesignexpert.collection"].browse(cid).write(
                    {"state": "signed", "fetch_attempts": 1, "next_fetch_on": past + timedelta(minutes=n)}
                )
        real_try_lock = fetch_module.try_lock
        refreshed = []

        def try_lock(record):
            if record._name == "jesignexpert.collection" and record.id == second and not refreshed:
                with self.worker() as env_b:  # the user's "Refresh", committed now
                    env_b["jesignexpert.collection"].browse(second).action_refresh()
                refreshed.append(True)
            return real_try_lock(record)

        with self.worker() as env, patch.object(fetch_module, "try_lock", try_lock):
            firm = env["jesignexpert.firm"].browse(self.ids["firm"])
            sync = env["jesignexpert.sync"].with_context(jesignexpert_auto_commit=True)
            sync._fetch_due(monotonic() + 120, Report(), firm.company_id)
        self.assertTrue(refreshed, "the refresh came between the search and the lock")

        def signed(env):
            collections = env["jesignexpert.collection"].browse(self.ids["collections"])
            attachments = env["ir.attachment"].search(
                [("res_model", "=", "hr.contract"), ("res_id", "=", self.ids["contract"]), ("name", "like", "signé")]
            )
            return len(attachments), len(collections.signed_attachment_id)

        self.assertEqual(self._read(signed), (2, 2), "each signed document attached once")
