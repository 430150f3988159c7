# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import os
import tempfile
import threading
from contextlib import contextmanager
from time import monotonic

from jse_sandbox import server as sandbox

# The helpers that need no test framework live in the sandbox's package, for
# the bench and the demo; the test cases import them from here as before.
from jse_sandbox.odoo_helpers import (  # noqa: F401
    link_tokens,
    point_at_sandbox,
    sandbox_control,
    sent_collection,
    sent_transaction,
    signed_transaction,
)
from jse_sandbox.pdf import blank_pdf  # noqa: F401
from jse_sandbox.store.database import DAY_MS
from jse_sandbox.store.transactions import EXPIRY_MS

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import HttpCase, TransactionCase, new_test_user
from odoo.tests.common import BaseCase, get_db_name

# How long a sent collection lives on the (simulated) platform, in days.
EXPIRY_DAYS = EXPIRY_MS // DAY_MS

# The addon's connection settings, which a case pointing at its own sandbox changes.
CONNECTION_PARAMS = ("environment", "sandbox_url", "shortcut", "secret")


def other_company(env, name):
    """Another company, and the values that put a new user in it alone."""
    company = env["res.company"].create({"name": name})
    return company, {"company_id": company.id, "company_ids": [Command.set(company.ids)]}


def cdd_contract(env, employee, **values):
    """A contract of ``employee`` on the shipped CDD template."""
    return env["hr.contract"].create(
        {
            "name": employee.name,
            "employee_id": employee.id,
            "wage": 2100,
            "jesignexpert_template_id": env.ref("jesignexpert_connector.template_cdd_activity_increase").id,
        }
        | values
    )


def contract_to_sign(env, name, **employee):
    """A CDD of Marc Langlois, ready to be sent for signature: the company
    has its representative, the PDF renders without waiting for this test
    server (wkhtmltopdf would, for the web assets)."""
    env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
    env.company.write(
        {
            "jesignexpert_representative_firstname": "Jean",
            "jesignexpert_representative_lastname": "Doe",
            "jesignexpert_representative_email": "jean.doe@example.com",
        }
    )
    marc = env["hr.employee"].create({"name": "Marc Langlois", "private_email": "marc.langlois@example.com"} | employee)
    return cdd_contract(env, marc, name=name)


def run_sync(env, firms=None, seconds=600):
    """One run of the synchronisation, in the test's transaction."""
    return env["jesignexpert.sync"]._run(monotonic() + seconds, firms=firms)


class SandboxMixin:
    """Runs the jesignexpert.com sandbox on a free loopback port for the
    class, and points the addon at it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._sandbox_dir = tempfile.TemporaryDirectory(prefix="jse-sandbox-")
        cls.sandbox = sandbox.start(os.path.join(cls._sandbox_dir.name, "sandbox.sqlite3"))
        cls.addClassCleanup(cls._stop_sandbox)
        point_at_sandbox(cls.env, cls.sandbox.url)

    @classmethod
    def _stop_sandbox(cls):
        sandbox.stop(cls.sandbox)
        cls._sandbox_dir.cleanup()

    def setUp(self):
        super().setUp()
        self.forget_journaled_drafts()

    def sandbox_call(self, method, path, **kwargs):
        """Calls the sandbox's control API (what a person does on jesignexpert.com)."""
        return sandbox_control(self.sandbox.url, method, path, **kwargs)

    def inject_fault(self, mode, **options):
        """The next API calls fail as jesignexpert.com might; undone after the test."""
        self.sandbox_call("POST", "/_sandbox/faults", json=dict(options, mode=mode))
        self.addCleanup(self.sandbox_call, "DELETE", "/_sandbox/faults")

    def move_clock(self, days):
        """Moves the sandbox's clock forward; moved back after the test."""
        self.sandbox_call("POST", "/_sandbox/clock", json={"days": days})
        self.addCleanup(self.sandbox_call, "POST", "/_sandbox/clock", json={"days": -days})

    def sandbox_setting(self, path, value, default):
        """A setting of the sandbox (``/_sandbox/latency``...) for this test only."""
        self.sandbox_call("POST", path, json=value)
        self.addCleanup(self.sandbox_call, "POST", path, json=default)

    def forget_journaled_drafts(self):
        """The drafts a confirmation journals are committed on a connection of
        their own (see models/jesignexpert_draft.py): removed after the test."""
        drafts = self.env["jesignexpert.draft"]
        with drafts._outside() as journal:
            last = journal.search([], order="id desc", limit=1).id

        def forget():
            with drafts._outside() as journal:
                journal.search([("id", ">", last)]).unlink()

        self.addCleanup(forget)

    def link_tokens(self, **kwargs):
        """Links a cabinet through the API as the linking flow does; returns the tokens."""
        return link_tokens(self.env, self.sandbox.url, **kwargs)

    def link_firm(self, company=None, user=None, **kwargs):
        """A cabinet linked to ``company`` by ``user``, as the flow stores it."""
        user = user or self.env.ref("base.user_admin")
        tokens = self.link_tokens(**kwargs)
        return self.env["jesignexpert.firm"].with_user(user)._link_company(company or self.env.company, tokens, user)


class SandboxCase(SandboxMixin, TransactionCase):
    pass


class SandboxHttpCase(SandboxMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # jesignexpert.com sends the browser back to this test server.
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", cls.base_url())

    def start_tour_to_jesignexpert(self, url, tour, login="admin"):
        """Runs a tour whose last step takes the browser to jesignexpert.com's
        login page (the sandbox's).  start_tour() would wait for the tour's own
        end, which never comes once the browser has left Odoo: the page it
        lands on names itself in the console instead."""
        options = {"stepDelay": 0, "keepWatchBrowser": False, "debug": False, "startUrl": url}
        self.browser_js(
            url,
            f"odoo.startTour({tour!r}, {json.dumps(options)})",
            ready=f"odoo.isTourReady({tour!r})",
            login=login,
            success_signal="jesignexpert.com sandbox: Connexion à jesignexpert.com",
        )


class CollectionCase(SandboxCase):
    """A contract ready to be sent, its company linked to a sandbox cabinet."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(user=cls.env.ref("base.user_admin"))
        cls.company = cls.env.company
        cls.contract = contract_to_sign(cls.env, "CDD MARC LANGLOIS", private_phone="06 12 34 56 78")
        cls.employee = cls.contract.employee_id
        cls.initiator = new_test_user(
            cls.env,
            "sig_initiator",
            groups="base.group_user,hr_contract.group_hr_contract_manager,jesignexpert_connector.group_jesignexpert_user",
        )

    def setUp(self):
        super().setUp()
        self.firm = self.link_firm()

    def open_wizard(self, contract=None, user=None):
        contract = (contract or self.contract).with_user(user or self.env.user)
        action = contract.action_jesignexpert_sign()
        return self.env["jesignexpert.collection.wizard"].with_user(user or self.env.user).browse(action["res_id"])

    def transactions(self):
        client = self.env["jesignexpert.api"]._client(self.firm.office_token, self.firm.access_ids[:1].token)
        return [t for page in client.iter_change_pages(0) for t in page.transactions]

    def confirm_wizard(self, wizard):
        """Through the three steps, then "Prepare on jesignexpert.com"."""
        wizard.action_next()
        wizard.action_next()
        return wizard.action_confirm()

    def sign_and_sync(self, collection):
        """A collaborator sends the draft, every signer signs, the sync runs."""
        self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/confirm")
        for signer in collection.signer_ids:
            self.sandbox_call("POST", f"/_sandbox/transaction/{collection.jse_id}/signatory/{signer.sequence}/sign")
        run_sync(self.env)

    def signed_copies(self, record):
        """The signed documents attached to ``record`` (a contract, an employee)."""
        return self.env["ir.attachment"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id), ("name", "like", "- signé.pdf")]
        )


class CommittedCase(BaseCase):
    """A case whose fixture is committed, for tests that interleave real
    transactions as Odoo's workers do (a TransactionCase has one connection
    that never commits): a sandbox of its own, the fixture made by
    ``_make_fixture`` and removed by ``_remove_fixture``, the addon's
    connection settings restored afterwards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls._sandbox_dir = tempfile.TemporaryDirectory(prefix="jse-sandbox-")
        cls.sandbox = sandbox.start(os.path.join(cls._sandbox_dir.name, "sandbox.sqlite3"))
        cls.addClassCleanup(cls._sandbox_dir.cleanup)
        cls.addClassCleanup(sandbox.stop, cls.sandbox)
        cls.ids = {}
        with cls.registry.cursor() as cr:
            params = api.Environment(cr, SUPERUSER_ID, {})["ir.config_parameter"]
            saved = {key: params.get_param(f"jesignexpert_connector.{key}") for key in CONNECTION_PARAMS}
        cls.addClassCleanup(cls._restore_params, saved)
        cls.addClassCleanup(cls._remove_fixture)
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            point_at_sandbox(env, cls.sandbox.url)
            cls._make_fixture(env)

    @classmethod
    def _make_fixture(cls, env):
        """Makes the case's records, keeping their ids in ``cls.ids``."""

    @classmethod
    def _remove_fixture(cls):
        """Removes what ``_make_fixture`` and the tests committed."""

    @classmethod
    def _restore_params(cls, saved):
        with cls.registry.cursor() as cr:
            params = api.Environment(cr, SUPERUSER_ID, {})["ir.config_parameter"]
            for key, value in saved.items():
                params.set_param(f"jesignexpert_connector.{key}", value or False)

    @contextmanager
    def worker(self):
        """A connection of its own, as an Odoo worker has, committed on leaving."""
        thread = threading.current_thread()
        self.addCleanup(setattr, thread, "testing", getattr(thread, "testing", False))
        with self.registry.cursor() as cr:
            # The test runner holds the registries' lock: no lookup by name.
            cr.transaction = api.Transaction(self.registry)
            thread.testing = True  # mail is not sent
            yield api.Environment(cr, SUPERUSER_ID, {})
