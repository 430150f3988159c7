"""Benchmarks of the scheduled sync, run by tools/bench.sh inside `odoo-bin shell`
(the step is in JSE_BENCH_STEP).  They print figures; they assert nothing.

(d) two Odoo servers on one database, each with a cron worker, bring 100
    signed collections home while jesignexpert.com answers every call in
    150 ms: steps ``setup`` (commits the fixture), ``trigger`` (wakes the
    cron workers) and ``report`` (cron batches, the longest, the total, and
    each signed document attached once);
(e) 50 companies linked to one jesignexpert.com cabinet, 100 changed
    collections: the HTTP calls of one sync run, by endpoint (step ``shared``).
"""

import os
import tempfile
import time

from jse_sandbox import server as sandbox
from jse_sandbox.odoo_helpers import (
    link_tokens,
    point_at_sandbox,
    sandbox_control,
    sent_collection,
)

env = env  # noqa: F821 (given by odoo-bin shell)
STEP = os.environ["JSE_BENCH_STEP"]
CRON = "jesignexpert_connector.ir_cron_jesignexpert_sync"
N_SIGNED, N_COMPANIES, LATENCY_MS = 100, 50, 150


def collections_of(url, firm, contract, count, title):
    """``count`` collections sent on the sandbox and signed there."""
    collections = env["jesignexpert.collection"]
    for n in range(count):
        collections |= sent_collection(env, firm, contract, f"{title} {n}")
        sandbox_control(url, "POST", f"/_sandbox/transaction/{collections[-1].jse_id}/signatory/1/sign")
    return collections


def contract_of(company, name):
    employee = env["hr.employee"].create({"name": name, "company_id": company.id})
    return env["hr.contract"].create(
        {"name": name, "employee_id": employee.id, "wage": 1, "state": "draft", "company_id": company.id}
    )


def link(url, company):
    tokens = link_tokens(env, url, "jean.doe@cabinet-exemple.fr", "Cabinet Dupont Expertise")
    return env["jesignexpert.firm"]._link_company(company, tokens, env.user)


def setup():
    url = os.environ["JSE_SANDBOX_URL"]
    point_at_sandbox(env, url)
    firm = link(url, env.company)
    collections_of(url, firm, contract_of(env.company, "CDD cron"), N_SIGNED, "Cron")
    sandbox_control(url, "POST", "/_sandbox/latency", json={"ms": LATENCY_MS})
    env["ir.cron.progress"].search([]).unlink()
    env.ref(CRON).write({"active": True})
    env.cr.commit()
    print(f"    {N_SIGNED} signed collections ready; jesignexpert.com answers in {LATENCY_MS} ms")


def trigger():
    env.ref(CRON)._trigger()
    env.cr.commit()


def report():
    cron = env.ref(CRON)
    batches = env["ir.cron.progress"].search([("cron_id", "=", cron.id)], order="id")
    runs = [(b.write_date - b.create_date).total_seconds() for b in batches if b.done or b.remaining]
    signed = env["jesignexpert.collection"].search([("state", "=", "signed")])
    attachments = env["ir.attachment"].search_count([("name", "like", "- signé.pdf")])
    total = (max(batches.mapped("write_date")) - min(batches.mapped("create_date"))).total_seconds()
    limit = 120
    print(
        f"(d) two servers, one cron worker each, {LATENCY_MS} ms a call: {len(runs)} cron batches "
        f"(longest {max(runs):.1f} s, cron time limit {limit} s), {total:.1f} s from the first batch to the last; "
        f"{len(signed.filtered('signed_attachment_id'))}/{N_SIGNED} signed documents home, "
        f"{attachments} attached (never twice)"
    )


def shared():
    folder = tempfile.mkdtemp(prefix="jse-bench-")
    server = sandbox.start(os.path.join(folder, "sandbox.sqlite3"))
    try:
        point_at_sandbox(env, server.url)
        env.user.company_ids |= env.company
        firms = []
        collections = env["jesignexpert.collection"]
        for n in range(N_COMPANIES):
            company = env.company if n == 0 else env["res.company"].create({"name": f"Client {n}"})
            env.user.company_ids |= company
            firm = link(server.url, company)
            firms.append(firm)
            count = N_SIGNED // N_COMPANIES
            collections |= collections_of(server.url, firm, contract_of(company, f"CDD {n}"), count, f"C{n}")
        sandbox_control(server.url, "DELETE", "/_sandbox/calls")
        t0 = time.perf_counter()
        env["jesignexpert.sync"]._run(time.monotonic() + 3600)
        elapsed = time.perf_counter() - t0
        calls = sandbox_control(server.url, "GET", "/_sandbox/calls")
        home = len(collections.filtered("signed_attachment_id"))
        print(
            f"(e) {N_COMPANIES} companies linked to one cabinet, {len(collections)} signed: one sync run in "
            f"{elapsed:.2f} s, {sum(calls.values())} HTTP calls ({calls.get('api_list', 0)} list, "
            f"{calls.get('api_document', 0)} documents, {calls.get('api_proof', 0)} proofs); {home} home"
        )
    finally:
        env.cr.rollback()
        sandbox.stop(server)


{"setup": setup, "trigger": trigger, "report": report, "shared": shared}[STEP]()
