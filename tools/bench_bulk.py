"""Benchmarks of bulk sendings, run by tools/bench.sh inside `odoo-bin shell`
against the sandbox it started (JSE_SANDBOX_URL); the step is in
JSE_BENCH_STEP.  They print figures; they assert nothing.

(f) 200 contracts selected at once (JSE_BENCH_CONTRACTS): opening the
    sending (each contract's signers from its clause), the confirmation (the
    web request), then the scheduled action's batches until every draft is
    made, each contract committed on its own as in production: time, batches,
    HTTP calls to jesignexpert.com and the process's peak resident memory
    (the kernel's high-water mark, reset before the run; no tracing
    overhead).  The documents are rendered as many at a time as the setting
    says (JSE_BENCH_BATCH, else its default; 1: each alone, as before).
(g) 1,000 contracts in one sending (JSE_BENCH_FAIR_CONTRACTS), and 10 s
    after its confirmation (JSE_BENCH_FAIR_DELAY) a colleague's sending of 5
    (JSE_BENCH_FAIR_SMALL), confirmed while the job works through the large
    one: the job runs in a thread of its own with its own database cursor, as
    a cron worker does, the colleague in the main thread.  Time per contract,
    the small sending's wait (from its confirmation to its last contract
    prepared), the process's peak resident memory, HTTP calls.
"""

import os
import threading
import time

from jse_sandbox.odoo_helpers import link_tokens, point_at_sandbox, sandbox_control

from odoo import SUPERUSER_ID, api

from odoo.addons.jesignexpert_connector.models.jesignexpert_bulk_sending_job_mixin import DEFAULT_BATCH_SIZE

env = env  # noqa: F821 (given by odoo-bin shell)
URL = os.environ["JSE_SANDBOX_URL"]
STEP = os.environ.get("JSE_BENCH_STEP", "f")
BATCH = int(os.environ.get("JSE_BENCH_BATCH") or DEFAULT_BATCH_SIZE)


def memory_kb(field):
    """A line of /proc/self/status, in kB (VmRSS: now, VmHWM: the peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak_memory():
    with open("/proc/self/clear_refs", "w") as refs:  # resets VmHWM to the current RSS
        refs.write("5")


def company_with_contracts(name, counts):
    """A company linked to the sandbox's cabinet, and for each of ``counts``
    that many CDDs of seasonal workers; returns (admin's env in it, [contracts])."""
    admin = env.ref("base.user_admin")
    Env = env(user=admin, context=dict(env.context, allowed_company_ids=[admin.company_id.id]))
    company = Env["res.company"].create(
        {
            "name": name,
            "jesignexpert_representative_firstname": "Jean",
            "jesignexpert_representative_lastname": "Doe",
            "jesignexpert_representative_email": "jean.doe@example.com",
        }
    )
    admin.company_ids |= company
    Env = Env(context=dict(Env.context, allowed_company_ids=[company.id]))
    point_at_sandbox(Env, URL)
    tokens = link_tokens(Env, URL)  # the sandbox's own collaborator and cabinet
    Env["jesignexpert.firm"]._link_company(company, tokens, admin)
    Env["ir.config_parameter"].sudo().set_param("jesignexpert_connector.bulk_batch_size", str(BATCH))
    template = Env.ref("jesignexpert_connector.template_cdd_activity_increase")
    groups, first = [], 0
    for count in counts:
        staff = Env["hr.employee"].create(
            [
                {"name": f"Saisonnier {n}", "private_email": f"saisonnier{n}@example.com", "company_id": company.id}
                for n in range(first, first + count)
            ]
        )
        groups.append(
            Env["hr.contract"].create(
                [
                    {
                        "name": f"CDD SAISON {first + n}",
                        "employee_id": employee.id,
                        "wage": 1900,
                        "company_id": company.id,
                        "jesignexpert_template_id": template.id,
                    }
                    for n, employee in enumerate(staff)
                ]
            )
        )
        first += count
    env.cr.commit()
    sandbox_control(URL, "POST", "/_sandbox/latency", json={"ms": 0})  # (d) slowed it down
    sandbox_control(URL, "DELETE", "/_sandbox/calls")
    return Env, groups


def confirmed_sending(Env, contracts):
    """The sending of ``contracts`` as a person makes it: opened, then
    confirmed (the web request), committed.  Returns (sending, seconds to
    open it, seconds to confirm it)."""
    t0 = time.perf_counter()
    action = contracts.with_env(Env).action_jesignexpert_sign()
    sending = Env["jesignexpert.bulk.sending"].browse(action["res_id"])
    t1 = time.perf_counter()
    sending.action_next()
    sending.action_confirm()
    Env.cr.commit()
    return sending, t1 - t0, time.perf_counter() - t1


def calls_text(calls):
    by_route = ", ".join(f"{route} {count}" for route, count in sorted(calls.items()))
    return f"{sum(calls.values())} HTTP calls to jesignexpert.com ({by_route})"


def bulk_sending():
    """(f)"""
    n_contracts = int(os.environ.get("JSE_BENCH_CONTRACTS", "200"))
    Env, (contracts,) = company_with_contracts("Bench bulk", [n_contracts])
    sending, opening, confirmation = confirmed_sending(Env, contracts)
    calls_in_request = sum(sandbox_control(URL, "GET", "/_sandbox/calls").values())

    rss_before = memory_kb("VmRSS")
    reset_peak_memory()
    batches = []
    remaining = n_contracts
    t2 = time.perf_counter()
    while remaining:
        b0 = time.perf_counter()
        done, remaining = Env["jesignexpert.bulk.sending"]._cron_prepare(auto_commit=True)
        batches.append((time.perf_counter() - b0, done))
        if not done and remaining:
            break  # nothing moves: say so below rather than loop
    t3 = time.perf_counter()
    peak = memory_kb("VmHWM")
    calls = sandbox_control(URL, "GET", "/_sandbox/calls")
    sending.invalidate_recordset()
    longest = max(batches)
    print(
        f"(f) bulk sending of {n_contracts} contracts, documents rendered {BATCH} at a time: opening {opening:.1f} s, "
        f"confirmation (the web request) {confirmation:.2f} s with {calls_in_request} HTTP calls; then "
        f"{len(batches)} cron batches, the longest {longest[0]:.1f} s ({longest[1]} contracts), {t3 - t2:.0f} s in "
        f"all, {(t3 - t2) / max(1, sending.prepared_count):.2f} s per contract"
    )
    print(f"    {sending.prepared_count} prepared, {sending.failed_count} not; {calls_text(calls)}")
    print(
        f"    peak resident memory of the process during the batches {peak / 1024:.0f} MB "
        f"({(peak - rss_before) / 1024:+.0f} MB over its {rss_before / 1024:.0f} MB before)"
    )


def while_a_large_one_runs():
    """(g)"""
    n_large = int(os.environ.get("JSE_BENCH_FAIR_CONTRACTS", "1000"))
    n_small = int(os.environ.get("JSE_BENCH_FAIR_SMALL", "5"))
    delay = float(os.environ.get("JSE_BENCH_FAIR_DELAY", "10"))
    Env, (large_contracts, small_contracts) = company_with_contracts("Bench fair", [n_large, n_small])
    large, opening, _confirmation = confirmed_sending(Env, large_contracts)
    t0 = time.perf_counter()

    # When each contract is prepared, by sending (the job's thread notes it).
    line_class = type(env["jesignexpert.bulk.sending.line"])
    original = line_class._prepare_isolated
    prepared = []

    def noted(line, *args):
        handled = original(line, *args)
        if handled:
            prepared.append((line.sending_id.id, time.perf_counter()))
        return handled

    rss_before = memory_kb("VmRSS")
    reset_peak_memory()
    small_confirmed = threading.Event()
    batches = []

    def cron_worker():
        """The scheduled action, batch after batch, as a cron worker runs it."""
        with env.registry.cursor() as cr:
            job = api.Environment(cr, SUPERUSER_ID, {})["jesignexpert.bulk.sending"]
            while True:
                b0 = time.perf_counter()
                done, remaining = job._cron_prepare(auto_commit=True)
                batches.append((time.perf_counter() - b0, done))
                if not remaining and small_confirmed.is_set():
                    break
                if not done:
                    time.sleep(0.2)  # nothing to do yet (or all held): as Odoo would come back

    line_class._prepare_isolated = noted
    try:
        worker = threading.Thread(target=cron_worker, name="bench-cron")
        worker.start()
        time.sleep(max(0.0, delay - (time.perf_counter() - t0)))
        small, _opening, small_confirmation = confirmed_sending(Env, small_contracts)
        t_small = time.perf_counter()
        small_confirmed.set()
        worker.join()
    finally:
        line_class._prepare_isolated = original
    t_end = time.perf_counter()
    peak = memory_kb("VmHWM")
    calls = sandbox_control(URL, "GET", "/_sandbox/calls")
    Env.invalidate_all()
    small_done = max(at for sending_id, at in prepared if sending_id == small.id)
    large_done = max(at for sending_id, at in prepared if sending_id == large.id)
    print(
        f"(g) {n_large} contracts in one sending (opened in {opening:.0f} s), then {delay:.0f} s after its "
        f"confirmation a sending of {n_small}, documents rendered {BATCH} at a time: {t_end - t0:.0f} s in all, "
        f"{(t_end - t0) / max(1, len(prepared)):.2f} s per contract, {len(batches)} cron batches"
    )
    print(
        f"    the {n_small}-contract sending: confirmed in {small_confirmation:.2f} s, its last contract prepared "
        f"{small_done - t_small:.1f} s later (the large one's last, {large_done - t0:.0f} s after its confirmation)"
    )
    print(
        f"    {large.prepared_count + small.prepared_count} prepared, {large.failed_count + small.failed_count} not; "
        f"{calls_text(calls)}"
    )
    print(
        f"    peak resident memory of the process {peak / 1024:.0f} MB "
        f"({(peak - rss_before) / 1024:+.0f} MB over its {rss_before / 1024:.0f} MB before)"
    )


{"f": bulk_sending, "g": while_a_large_one_runs}[STEP]()
