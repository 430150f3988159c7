"""A sandbox on a free port and clients of it: the fixtures of the sandbox's
tests, which the connector's lib suite (tests/ at the repository's root) uses
as well.

The sandbox is driven as the connector drives it, through the connector's own
API client (jesignexpert_connector/jse/, which imports nothing from Odoo), and
through its control API, as a person on jesignexpert.com would.
"""

import os
import sys

import pytest
import requests
from jse_sandbox import server as sandbox_server
from jse_sandbox.pdf import blank_pdf
from jse_sandbox.store import SECRET, SHORTCUT

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The client imports nothing from Odoo: loaded as a plain package.
sys.path.insert(0, os.path.join(ROOT, "jesignexpert_connector"))

import jse  # noqa: E402


@pytest.fixture
def sandbox(tmp_path):
    server = sandbox_server.start(str(tmp_path / "sandbox.sqlite3"))
    yield server
    sandbox_server.stop(server)


class Sleeps(list):
    """Records the waits a client asks for instead of waiting."""

    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


class ListingClient(jse.JseClient):
    """The client, plus the one-line walk over the change list that the
    sandbox's tests read it with (the sync reads it page by page)."""

    def iter_changed_transactions(self, updated_since):
        for page in self.iter_change_pages(updated_since):
            yield from page.transactions


@pytest.fixture
def make_client(sandbox, sleeps):
    def make(**kwargs):
        kwargs.setdefault("sleep", sleeps)
        return ListingClient(sandbox.url, SHORTCUT, SECRET, **kwargs)

    return make


@pytest.fixture
def ctl(sandbox):
    """The sandbox's control API."""

    def call(method, path, **kwargs):
        response = requests.request(method, sandbox.url + path, timeout=10, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    return call


@pytest.fixture
def linked(make_client, ctl):
    """A client whose cabinet and collaborator are linked."""

    def link(email="jean.doe@cabinet-exemple.fr", office="Cabinet Dupont Expertise", **kwargs):
        client = make_client()
        request = client.start_link("http://127.0.0.1:9/linked")
        ctl("POST", f"/_sandbox/link/{request.id_request}/approve", json={"email": email, "office": office})
        tokens = client.fetch_link(request.id_request)
        return make_client(office_token=tokens.office_token, user_token=tokens.user_token, **kwargs)

    return link


@pytest.fixture
def draft(linked):
    """Creates a draft collection with N signers; returns (client, transaction id)."""

    def make(signers=2, mode="sequential", pages=2, client=None):
        client = client or linked()
        tid = client.create_transaction("CDD MARC LANGLOIS", "Bonjour", "Société", "Objet", invitation_mode=mode)
        fields = [jse.SignField(n, -1, 60 + 200 * (n - 1), 650) for n in range(1, signers + 1)]
        client.upload_file(tid, 1, blank_pdf(pages), "CDD MARC LANGLOIS.pdf", fields)
        for n in range(1, signers + 1):
            client.add_signatory(tid, f"Signer {n}", f"signer{n}@example.com", n, [n])
        client.save_draft(tid)
        return client, tid

    return make
