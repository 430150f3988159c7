"""Run by tools/run.sh inside `odoo-bin shell`: links the demo company to the
sandbox's "Cabinet Editeur Oppus 1", as in jesignexpert.com's help page, as if
its administrator had clicked "Link a jesignexpert.com account" and picked that
cabinet there (logged in as Jean Doe, who works for it)."""

from jse_sandbox.odoo_helpers import link_tokens

OFFICE = "Cabinet Editeur Oppus 1"
env = env  # noqa: F821 (given by odoo-bin shell)
firms = env["jesignexpert.firm"]
company = env.ref("base.main_company")
admin = env.ref("base.user_admin")
if not firms._active_firm(company):
    sandbox = env["ir.config_parameter"].sudo().get_param("jesignexpert_connector.sandbox_url")
    tokens = link_tokens(env, sandbox, "jean.doe@cabinet-exemple.fr", OFFICE)
    firms.with_user(admin)._link_company(company, tokens, admin)
    env.cr.commit()
print(f"{company.name} works with {firms._active_firm(company).name}")
