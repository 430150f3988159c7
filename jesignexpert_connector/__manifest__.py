# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "jesignexpert.com Connector",
    "summary": "Send employment contracts for electronic signature on jesignexpert.com",
    "version": "18.0.1.1.0",
    "category": "Human Resources/Contracts",
    "author": "jesignexpert_connector contributors",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["hr_contract", "mail"],
    "external_dependencies": {"python": ["requests", "pypdf"]},
    "data": [
        "security/jesignexpert_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/jesignexpert_document_template_data.xml",
        "report/hr_contract_document.xml",
        "views/jesignexpert_firm_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_users_views.xml",
        "views/jesignexpert_templates.xml",
        "views/jesignexpert_signature_clause_views.xml",
        "views/hr_contract_views.xml",
        "views/res_company_views.xml",
    ],
    "demo": ["demo/ir_config_parameter_demo.xml"],
    "assets": {
        "web.assets_tests": ["jesignexpert_connector/static/tests/tours/*.js"],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
