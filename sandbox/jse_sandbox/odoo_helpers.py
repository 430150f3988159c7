# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers that drive the sandbox from Odoo, with jesignexpert_connector
installed: for the addon's tests, and for the scripts run inside ``odoo-bin
shell`` (``make bench``, ``make run``'s demo).  The one module of the package
that imports Odoo and the addon, and only when it is imported itself.  Nothing
from Odoo's test framework, which logs an error when imported outside a test
run."""

import requests

from odoo.fields import Command

from odoo.addons.jesignexpert_connector import jse

from .pdf import blank_pdf
from .store import SECRET, SHORTCUT


def point_at_sandbox(env, url):
    """Points the addon at the sandbox listening on ``url``."""
    params = env["ir.config_parameter"].sudo()
    for key, value in {
        "environment": "sandbox",
        "sandbox_url": url,
        "shortcut": SHORTCUT,
        "secret": SECRET,
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
        return client.fetch_link(link.id_request, link.ts, link.signature)


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
    without the wizard (no PDF to render): for tests and benches that need
    many."""
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
