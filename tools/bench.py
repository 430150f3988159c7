"""Benchmarks of the signature journey, run by tools/bench.sh inside `odoo-bin shell`
against a sandbox started here.  They print figures; they assert nothing.

(a) wizard confirm for a 3-page contract: PDF render, then the jesignexpert.com calls;
(b) sync runs over 10,000 open collections in 10 cabinets, 10 then 100 of them
    changed, against the naive way (asking each open collection);
(c) peak memory on Odoo's side while fetching a signed PDF of about 10 MB.
(d), (e): tools/bench_sync.py; (f), (g): tools/bench_bulk.py; (i): tools/bench_sweep.py.
"""

import gc
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc

import requests
from jse_sandbox import server as sandbox
from jse_sandbox.odoo_helpers import link_tokens, point_at_sandbox, signed_transaction
from markupsafe import Markup
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject

from odoo.fields import Command

from odoo.addons.jesignexpert_connector import jse

N_FIRMS, N_OPEN, N_CHANGED = 10, int(os.environ.get("JSE_BENCH_OPEN", 10_000)), 100
# JSE_BENCH_PARTS=b runs (b) alone (JSE_BENCH_OPEN=1000: on fewer open collections).
PARTS = os.environ.get("JSE_BENCH_PARTS", "abc")
env = env  # noqa: F821 (given by odoo-bin shell)


class HttpCount:
    """Counts the HTTP requests made through requests.Session."""

    def __init__(self):
        self.count = 0
        self._original = requests.Session.request

    def __enter__(self):
        counter = self

        def request(session, *args, **kwargs):
            counter.count += 1
            return counter._original(session, *args, **kwargs)

        requests.Session.request = request
        return self

    def __exit__(self, *exc):
        requests.Session.request = self._original


def sql_count():
    return env.cr.sql_log_count


def big_pdf(size):
    """A one-page PDF of about ``size`` bytes: an unused form XObject fills it,
    as a scanned page's image would."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    filler = DecodedStreamObject()
    filler.set_data(os.urandom(max(0, size - 4096)))
    filler.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([NumberObject(0)] * 4),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Filler"): writer._add_object(filler)})}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def main():
    folder = tempfile.mkdtemp(prefix="jse-bench-")
    offices = [f"Cabinet Bench {n}" for n in range(N_FIRMS)]
    server = sandbox.start(
        os.path.join(folder, "sandbox.sqlite3"),
        collaborators=[("bench@cabinet.fr", "demo", "Bench", offices)],
    )
    params = env["ir.config_parameter"].sudo()
    point_at_sandbox(env, server.url)
    admin = env.ref("base.user_admin")
    Env = env(user=admin)

    def link(company, office):
        tokens = link_tokens(Env, server.url, "bench@cabinet.fr", office)
        return Env["jesignexpert.firm"]._link_company(company, tokens, admin)

    # ---------------------------------------------------------------- (a) --
    company = Env.company
    company.write(
        {
            "jesignexpert_representative_firstname": "Jean",
            "jesignexpert_representative_lastname": "Doe",
            "jesignexpert_representative_email": "jean.doe@example.com",
        }
    )
    firm = link(company, offices[0])
    employee = Env["hr.employee"].create({"name": "Marc Langlois", "private_email": "marc@example.com"})
    template = Env.ref("jesignexpert_connector.template_cdd_activity_increase")
    contract = Env["hr.contract"].create(
        {"name": "CDD bench", "employee_id": employee.id, "wage": 2100, "jesignexpert_template_id": template.id}
    )
    # (a) is about a 3-page contract: the shipped CDD takes 2, so an annex
    # (the working hours, as many a contract carries) makes the third.
    bench_template = template.copy({"name": "CDD bench"})
    contract.jesignexpert_template_id = bench_template
    annex = Markup("<h2>Annexe : horaires de travail</h2>")
    line = Markup("<p>Du lundi au vendredi, de 9h00 à 12h30 et de 14h00 à 17h30, soit 35 heures par semaine.</p>")
    while "a" in PARTS and len(PdfReader(io.BytesIO(contract._jesignexpert_pdf())).pages) < 3:
        annex += line * 10
        bench_template.body = template.body + annex
    wizard_model = Env["jesignexpert.collection.wizard"]
    figures = []
    for _run in range(3 if "a" in PARTS else 0):
        t0 = time.perf_counter()
        wizard = wizard_model.create(wizard_model._prepare(contract))
        wizard.duplicate_choice = "another"  # the same contract, three times on purpose
        t1 = time.perf_counter()
        with HttpCount() as http:
            wizard.action_confirm()
        t2 = time.perf_counter()
        figures.append((t1 - t0, t2 - t1, http.count, wizard.pdf_pages))
    figures and print(
        "(a) wizard confirm, 3 runs: PDF render %s s; jesignexpert.com calls %s s in %s HTTP requests; %s pages"
        % (
            ", ".join(f"{f[0]:.2f}" for f in figures),
            ", ".join(f"{f[1]:.2f}" for f in figures),
            figures[0][2],
            figures[0][3],
        )
    )

    # ---------------------------------------------------------------- (b) --
    store = server.store
    firms = [firm]
    for n in range(1, N_FIRMS):
        other = Env["res.company"].create({"name": f"Bench company {n}"})
        admin.company_ids |= other
        firms.append(link(other, offices[n]))
    pdf = big_pdf(0)
    t0 = time.perf_counter()
    rows = []
    with store.transaction():
        for n in range(N_OPEN):
            f = firms[n % N_FIRMS]
            office_id = store._one("SELECT id FROM office WHERE name = ?", f.name)["id"]
            tid = store.create_transaction(
                "sandbox", office_id, None, {"object": f"C{n}", "invitationMode": "sequential"}
            )
            store._q(
                "INSERT INTO document (txn_id, ord, filename, content, sign_fields) VALUES (?, 1, 'c.pdf', ?, '[]')",
                tid,
                pdf,
            )
            store._q(
                "INSERT INTO signatory (txn_id, level, name, email, positions, status) "
                "VALUES (?, 1, 'S', 's@example.com', '[]', 'invited')",
                tid,
            )
            # Sent an hour ago, as open collections were: not among the last
            # moments that each sync run reads again.
            hour_ago = store.now() - 3600 * 1000
            store._q(
                "UPDATE txn SET status = 'sent', sent_ms = ?, updated_ms = ? WHERE id = ?", hour_ago, hour_ago, tid
            )
            rows.append((tid, f))
    # One contract per cabinet, of that cabinet's company, as the wizard makes them.
    staff = Env["hr.employee"].create(
        [{"name": f"Employee {n}", "company_id": f.company_id.id} for n, f in enumerate(firms)]
    )
    contracts = Env["hr.contract"].create(
        [
            {"name": f"C{n}", "employee_id": staff[n].id, "wage": 1, "state": "draft", "company_id": f.company_id.id}
            for n, f in enumerate(firms)
        ]
    )
    Env["jesignexpert.collection"].sudo().create(
        [
            {
                "name": f"C{n}",
                "contract_id": contracts[n % N_FIRMS].id,
                "firm_id": f.id,
                "initiator_id": admin.id,
                "drafted_with_id": admin.id,
                "jse_id": tid,
                "state": "sent",
                "page_count": 1,
                "signer_ids": [
                    Command.create({"sequence": 1, "name": "S", "email": "s@example.com", "state": "invited"})
                ],
            }
            for n, (tid, f) in enumerate(rows)
        ]
    )
    env.cr.flush()
    setup = time.perf_counter() - t0
    collections = Env["jesignexpert.collection"].sudo()

    def sync_with_changed(changed):
        """One sync run after ``changed`` collections were signed."""
        since = store.now()
        for f in firms:
            f.sync_cursor = since
        time.sleep(0.01)
        for tid, _f in changed:
            with store.transaction():
                store.sign(tid, 1)
        queries, t0 = sql_count(), time.perf_counter()
        with HttpCount() as http:
            env["jesignexpert.sync"]._run(time.monotonic() + 3600)
            env.flush_all()
        return time.perf_counter() - t0, http.count, sql_count() - queries

    # Two rounds on the same 10,000 open collections: the cost follows the
    # changed ones (10, then 100), not the open ones.
    few = sync_with_changed(rows[:: N_OPEN // 10])
    ours = sync_with_changed(rows[1 :: N_OPEN // N_CHANGED])
    signed = collections.search_count([("signed_attachment_id", "!=", False)])
    queries, t0 = sql_count(), time.perf_counter()
    with HttpCount() as http:
        for f in firms:
            access = f._usable_accesses()[:1]
            with f._client(access) as client:
                for collection in collections.search([("firm_id", "=", f.id), ("state", "=", "sent")]):
                    collection._apply(client.get_transaction(collection.jse_id))
        env.flush_all()
    naive = (time.perf_counter() - t0, http.count, sql_count() - queries)
    print(
        f"(b) {N_OPEN} open collections in {N_FIRMS} cabinets (set up in {setup:.1f} s); "
        f"{signed} signed documents fetched in all"
    )
    for label, changed, figures in (("ours, 10 changed ", 10, few), ("ours, 100 changed", N_CHANGED, ours)):
        print(
            f"    {label}: {figures[0]:.2f} s, {figures[1]} HTTP requests ({figures[1] - 2 * changed} list calls + "
            f"{2 * changed} downloads), {figures[2]} SQL queries ({figures[2] / changed:.1f} per changed collection)"
        )
    print(
        f"    naive            : {naive[0]:.2f} s, {naive[1]} HTTP requests, {naive[2]} SQL queries "
        "(asking each open collection)"
    )

    # ---------------------------------------------------------------- (c) --
    if "c" not in PARTS:
        env.cr.rollback()
        sandbox.stop(server)
        shutil.rmtree(folder, ignore_errors=True)
        return
    heavy = big_pdf(jse.PDF_MAX_BYTES - 64 * 1024)
    with firm._client(firm._usable_accesses()[:1]) as client:
        tid = signed_transaction(client, server.url, "Heavy", "S", "s@example.com", pdf=heavy)
    collection = collections.create(
        {
            "name": "Heavy",
            "contract_id": contract.id,
            "firm_id": firm.id,
            "initiator_id": admin.id,
            "drafted_with_id": admin.id,
            "jse_id": tid,
            "state": "sent",
            "page_count": 1,
        }
    )
    # tracemalloc counts every thread of this process: the sandbox that serves
    # the document runs in a process of its own, on the same data file.
    own = _sandbox_process(os.path.join(folder, "sandbox.sqlite3"))
    try:
        params.set_param("jesignexpert_connector.sandbox_url", own[1])
        with firm._client(firm._usable_accesses()[:1]) as client:
            transaction = client.get_transaction(tid)
            gc.collect()
            tracemalloc.start()
            t0 = time.perf_counter()
            collection._apply(transaction)
            collection._fetch_signed(client)
            elapsed = time.perf_counter() - t0
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    finally:
        own[0].terminate()
        own[0].wait(10)
    size = collection.signed_attachment_id.file_size
    print(
        f"(c) fetching a signed PDF of {size / 1048576:.1f} MB: peak Python memory {peak / 1048576:.1f} MB "
        f"(tracemalloc, Odoo's side only), {elapsed:.2f} s"
    )
    env.cr.rollback()
    sandbox.stop(server)
    shutil.rmtree(folder, ignore_errors=True)


def _sandbox_process(data):
    """The sandbox in a process of its own on ``data``; returns (process, URL)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 (our own sandbox, fixed arguments)
        [sys.executable, "-m", "jse_sandbox", "--port", str(port), "--data", data], stdout=subprocess.PIPE, text=True
    )
    process.stdout.readline()  # "jesignexpert.com sandbox on ..." once it listens
    return process, f"http://127.0.0.1:{port}"


main()
