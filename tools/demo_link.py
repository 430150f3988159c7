"""Run by tools/run.sh inside `odoo-bin shell`: links the demo company to a
cabinet of the sandbox, as if its administrator had clicked "Link a
jesignexpert.com account" and picked "Cabinet Dupont Expertise" there."""

import requests

firms = env["jesignexpert.firm"]  # noqa: F821 (given by odoo-bin shell)
company = env.ref("base.main_company")  # noqa: F821
admin = env.ref("base.user_admin")  # noqa: F821
if not firms._active_firm(company):
    sandbox = env["ir.config_parameter"].sudo().get_param("jesignexpert_connector.sandbox_url")  # noqa: F821
    with env["jesignexpert.api"]._client() as client:  # noqa: F821
        link = client.start_link(f"{firms.get_base_url()}/jesignexpert/link/return")
        requests.post(
            f"{sandbox}/_sandbox/link/{link.id_request}/approve",
            json={"email": "jean.doe@cabinet-exemple.fr", "office": "Cabinet Dupont Expertise"},
            timeout=10,
        ).raise_for_status()
        tokens = client.fetch_link(link.id_request)
    firms.with_user(admin)._link_company(company, tokens, admin)
    env.cr.commit()  # noqa: F821
