# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import json
import os
import tempfile
from time import monotonic

import requests
from pypdf import PdfWriter

from odoo.fields import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user

from ..jse import client as jse
from ..jse.sandbox import server as sandbox


def blank_pdf(pages=1):
    """A small valid PDF of A4 pages, as a fixture."""
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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


def point_at_sandbox(env, url):
    """Points the addon at the sandbox listening on ``url``."""
    params = env["ir.config_parameter"].sudo()
    for key, value in {
        "environment": "sandbox",
        "sandbox_url": url,
        "shortcut": "sandbox",
        "secret": "sandbox-secret",
    }.items():
        params.set_param(f"jesignexpert_connector.{key}", value)


def sandbox_control(url, method, path, **kwargs):
    """Calls the control API of the sandbox on ``url`` (what a person does on
    jesignexpert.com)."""
    response = requests.request(method, url + path, timeout=10, **kwargs)
    response.raise_for_status()
    return response.json() if response.content else None


def link_tokens(env, url, email="jean.doe@cabinet-exemple.fr", office="Cabinet Dupont Expertise"):
    """Links a cabinet of the sandbox on ``url`` through the API, as the
    linking flow does; returns the tokens."""
    with env["jesignexpert.api"]._client() as client:
        link = client.start_link("http://127.0.0.1/jesignexpert/linked")
        approval = {"email": email, "office": office}
        sandbox_control(url, "POST", f"/_sandbox/link/{link.id_request}/approve", json=approval)
        return client.fetch_link(link.id_request)


def sent_transaction(client, title, name, email, pdf=None):
    """A collection sent on the sandbox to its one signer; returns its id."""
    tid = client.create_transaction(title, "", "Signature", "Signez")
    client.upload_file(tid, 1, pdf or blank_pdf(), f"{title}.pdf", [jse.SignField(1, 1, 40, 40)])
    client.add_signatory(tid, name, email, 1, [1])
    client.send(tid)
    return tid


def signed_transaction(client, url, title, name, email, pdf=None):
    """A collection sent on the sandbox on ``url`` and signed by its one
    signer, ``name`` <``email``>; returns its id."""
    tid = sent_transaction(client, title, name, email, pdf)
    sandbox_control(url, "POST", f"/_sandbox/transaction/{tid}/signatory/1/sign")
    return tid


def sent_collection(env, firm, contract, title, name="Léa Martin", email="lea.martin@example.com"):
    """A collection of ``contract`` sent on the sandbox to one signer, made
    without the wizard (no PDF to render): for tests that need many."""
    with firm._client(firm._usable_accesses()[:1]) as client:
        tid = sent_transaction(client, title, name, email)
    return (
        env["jesignexpert.collection"]
        .sudo()
        .create(
            {
                "name": title,
                "contract_id": contract.id,
                "firm_id": firm.id,
                "initiator_id": env.user.id,
                "drafted_with_id": env.user.id,
                "jse_id": tid,
                "state": "sent",
                "page_count": 1,
                "signer_ids": [Command.create({"sequence": 1, "name": name, "email": email})],
            }
        )
    )


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
        return list(client.iter_changed_transactions(0))
