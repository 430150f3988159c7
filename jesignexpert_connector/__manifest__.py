# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "jesignexpert.com Connector",
    "summary": "Send employment contracts for electronic signature on jesignexpert.com",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Contracts",
    "author": "jesignexpert_connector contributors",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["hr_contract", "mail"],
    "external_dependencies": {"python": ["requests", "pypdf"]},
    "data": [],
    "demo": ["demo/ir_config_parameter_demo.xml"],
    "installable": True,
    "application": False,
}
