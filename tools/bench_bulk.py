"""Benchmark of a bulk sending, run by tools/bench.sh inside `odoo-bin shell`
against the sandbox it started (JSE_SANDBOX_URL).  It prints figures; it
asserts nothing.

(f) 200 contracts selected at once: opening the sending (each contract's
    signers from its clause), the confirmation (the web request), then the
    scheduled action's batches until every draft is made, each contract
    committed on its own as in production: time, batches, HTTP calls to
    jesignexpert.com and the process's peak resident memory (the kernel's
    high-water mark, reset before the run; no tracing overhead).
"""

import os
import time

from jse_sandbox.odoo_helpers import link_tokens, point_at_sandbox, sandbox_control

env = env  # noqa: F821 (given by odoo-bin shell)
URL = os.environ["JSE_SANDBOX_URL"]
N_CONTRACTS = int(os.environ.get("JSE_BENCH_CONTRACTS", "200"))


def memory_kb(field):
    """A line of /proc/self/status, in kB (VmRSS: now, VmHWM: the peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def main():
    admin = env.ref("base.user_admin")
    Env = env(user=admin, context=dict(env.context, allowed_company_ids=[admin.company_id.id]))
    company = Env["res.company"].create(
        {
            "name": "Bench bulk",
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
    template = Env.ref("jesignexpert_connector.template_cdd_activity_increase")
    staff = Env["hr.employee"].create(
        [
            {"name": f"Saisonnier {n}", "private_email": f"saisonnier{n}@example.com", "company_id": company.id}
            for n in range(N_CONTRACTS)
        ]
    )
    contracts = Env["hr.contract"].create(
        [
            {
                "name": f"CDD SAISON {n}",
                "employee_id": employee.id,
                "wage": 1900,
                "company_id": company.id,
                "jesignexpert_template_id": template.id,
            }
            for n, employee in enumerate(staff)
        ]
    )
    env.cr.commit()
    sandbox_control(URL, "POST", "/_sandbox/latency", json={"ms": 0})  # (d) slowed it down
    sandbox_control(URL, "DELETE", "/_sandbox/calls")

    t0 = time.perf_counter()
    action = contracts.action_jesignexpert_sign()
    sending = Env["jesignexpert.bulk.sending"].browse(action["res_id"])
    t1 = time.perf_counter()
    sending.action_next()
    sending.action_confirm()
    env.cr.commit()
    t2 = time.perf_counter()
    calls_in_request = sum(sandbox_control(URL, "GET", "/_sandbox/calls").values())

    rss_before = memory_kb("VmRSS")
    with open("/proc/self/clear_refs", "w") as refs:  # resets VmHWM to the current RSS
        refs.write("5")
    batches = []
    remaining = N_CONTRACTS
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
        f"(f) bulk sending of {N_CONTRACTS} contracts: opening {t1 - t0:.1f} s, confirmation (the web request) "
        f"{t2 - t1:.2f} s with {calls_in_request} HTTP calls; then {len(batches)} cron batches, the longest "
        f"{longest[0]:.1f} s ({longest[1]} contracts), {t3 - t2:.0f} s in all, "
        f"{(t3 - t2) / max(1, sending.prepared_count):.2f} s per contract"
    )
    print(
        f"    {sending.prepared_count} prepared, {sending.failed_count} not; {sum(calls.values())} HTTP calls to "
        f"jesignexpert.com ({', '.join(f'{k} {v}' for k, v in sorted(calls.items()))})"
    )
    print(
        f"    peak resident memory of the process during the batches {peak / 1024:.0f} MB "
        f"({(peak - rss_before) / 1024:+.0f} MB over its {rss_before / 1024:.0f} MB before)"
    )


main()
