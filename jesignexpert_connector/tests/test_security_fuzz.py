# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 16, point 6: every public method of the addon, called over JSON-RPC
as a client would (wrong types, missing, empty and other companies' ids),
answers in words: an error a person can read (access, validation, a
missing record), never a server error."""

import base64
import inspect
import json
import logging

from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import SandboxHttpCase, blank_pdf, cdd_contract, contract_to_sign, other_company, sent_collection

_logger = logging.getLogger(__name__)

ADDON = "odoo.addons.jesignexpert_connector"
# What a person is shown as a message; anything else is a server error.
IN_WORDS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.RedirectWarning",
    "odoo.exceptions.AccessDenied",
}
MODELS = (
    "jesignexpert.bulk.sending",
    "jesignexpert.bulk.sending.line",
    "jesignexpert.bulk.sending.signer",
    "jesignexpert.collection.wizard",
    "jesignexpert.collection.wizard.line",
    "jesignexpert.collection",
    "jesignexpert.signer",
    "jesignexpert.firm",
    "jesignexpert.access",
    "jesignexpert.signature.clause",
    "jesignexpert.signature.slot",
    "jesignexpert.document.template",
    "hr.contract",
    "hr.employee",
    "res.company",
    "res.users",
    "res.config.settings",
)
# Arguments no method expects.
BAD_ARGUMENTS = (5, "x", None, [], {"a": 1}, -1, [1, "x"], 10**12)


def public_methods(model):
    """The methods of ``model`` the addon defines that JSON-RPC reaches."""
    seen = {}
    for cls in type(model).__mro__:
        if not cls.__module__.startswith(ADDON):
            continue
        for name, func in vars(cls).items():
            if name.startswith("_") or name == "init" or not callable(func) or name in model._fields:
                continue
            if getattr(func, "_api_private", False):
                continue
            seen.setdefault(name, func)
    return seen


@tagged("post_install", "-at_install")
class TestFuzzPublicMethods(SandboxHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(user=cls.env.ref("base.user_admin"))
        cls.contract = contract_to_sign(env, "CDD FUZZ")
        cls.company_b, in_b = other_company(env, "Fuzz B SAS")
        cls.contract_b = cdd_contract(
            env,
            env["hr.employee"].create({"name": "Léa B", "company_id": cls.company_b.id}),
            name="CDD B",
            company_id=cls.company_b.id,
        )
        groups = "base.group_user,hr_contract.group_hr_contract_manager,jesignexpert_connector.group_jesignexpert_user"
        cls.user_a = new_test_user(env, "fuzz_a", groups=groups)
        cls.user_b = new_test_user(env, "fuzz_b", groups=groups, **in_b)
        cls.portal = new_test_user(env, "fuzz_portal", groups="base.group_portal")

    def setUp(self):
        super().setUp()
        env = self.env(user=self.env.ref("base.user_admin"))
        firm = self.link_firm()
        collection = sent_collection(env, firm, self.contract, "CDD FUZZ EN COURS")
        sending = env["jesignexpert.bulk.sending"].with_user(self.user_a)._start(self.contract)
        sending = env["jesignexpert.bulk.sending"].browse(sending["res_id"])
        Wizard = env["jesignexpert.collection.wizard"].with_user(self.user_a)
        wizard = Wizard.create(Wizard._prepare_employee(self.contract.employee_id))
        attachment = env["ir.attachment"].create(
            {"name": "b.pdf", "raw": blank_pdf(), "res_model": "hr.contract", "res_id": self.contract_b.id}
        )
        # For each model, a record of company A (user_a's), and one of company B.
        self.records = {
            "jesignexpert.bulk.sending": sending,
            "jesignexpert.bulk.sending.line": sending.line_ids,
            "jesignexpert.bulk.sending.signer": sending.line_ids.signer_ids[:1],
            "jesignexpert.collection.wizard": wizard,
            "jesignexpert.collection.wizard.line": wizard.line_ids[:1],
            "jesignexpert.collection": collection,
            "jesignexpert.signer": collection.signer_ids,
            "jesignexpert.firm": firm,
            "jesignexpert.access": firm.access_ids[:1],
            "jesignexpert.signature.clause": self.contract.jesignexpert_clause_id,
            "jesignexpert.signature.slot": self.contract.jesignexpert_clause_id.slot_ids[:1],
            "jesignexpert.document.template": self.contract.jesignexpert_template_id,
            "hr.contract": self.contract,
            "hr.employee": self.contract.employee_id,
            "res.company": self.env.company,
            "res.users": self.user_a,
            "res.config.settings": env["res.config.settings"].create({}),
        }
        self.others = {
            "hr.contract": self.contract_b,
            "hr.employee": self.contract_b.employee_id,
            "ir.attachment": attachment,
            "res.company": self.company_b,
            "jesignexpert.signature.clause": self.contract_b._jesignexpert_clause(),
        }

    def call(self, model, method, args):
        """One JSON-RPC call; the error's class name, or None."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": model, "method": method, "args": args, "kwargs": {}},
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        if response.status_code != 200:
            return f"HTTP {response.status_code}"
        error = response.json().get("error")
        return error and error["data"]["name"]

    def values_to_try(self, model):
        """Values a client may send for each field the addon declares on
        ``model``, of the field's type but not of its meaning: another
        company's record, a record that does not exist, nothing, text that
        is not a file.  (Values of another type, such as text for a number,
        are refused by Odoo's ORM itself, for every model alike.)"""
        for name, field in self.env[model]._fields.items():
            if field._module != "jesignexpert_connector" or field.compute and not field.inverse:
                continue
            if field.type == "many2one":
                other = self.others.get(field.comodel_name, self.others["res.company"])
                bad = [other.id, 10**9, False]
            elif field.type == "binary":
                bad = ["not base64!", base64.b64encode(b"%PDF-1.4 broken").decode(), False]
            elif field.type in ("char", "text", "html"):
                bad = ["", "x" * 5000, False]
            else:
                continue
            for value in bad:
                yield {name: value}

    def calls(self):
        """Every public method of the addon with bad arguments (and create
        and write with bad values), on its own records, another company's
        and a record that does not exist: yields (model, method, args)."""
        for model in MODELS:
            Model = self.env[model]
            record = self.records[model]
            ids_to_try = [record.ids, [10**9], *([self.others[model].ids] if model in self.others else [])]
            for name, func in sorted(public_methods(Model).items()):
                api = getattr(func, "_api", None)
                params = list(inspect.signature(func).parameters.values())[1:]
                params = [p for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
                if name == "create":
                    for values in self.values_to_try(model):
                        yield model, name, [[values]]
                elif name == "write":
                    for values in self.values_to_try(model):
                        for ids in ids_to_try:
                            yield model, name, [ids, values]
                elif api in ("model", "model_create"):
                    for bad in BAD_ARGUMENTS if params else ((),):
                        yield model, name, [bad] * len(params)
                else:
                    for ids in ids_to_try:
                        for bad in BAD_ARGUMENTS if params else (None,):
                            yield model, name, [ids, *([bad] * len(params))]
            # The addon's own search methods (of fields it computes), with every operator.
            for name, field in Model._fields.items():
                if isinstance(field.search, str) and getattr(Model, field.search).__module__.startswith(ADDON):
                    for operator in ("=", "!=", "in", "not in", ">", "ilike", "=?", "like"):
                        for value in (True, False, "x", 5, [True], None):
                            yield model, "search_count", [[(name, operator, value)]]

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")
    def test_6_no_public_method_answers_a_server_error(self):
        server_errors, count = [], 0
        for user in (self.user_b, self.portal, self.user_a):
            self.authenticate(user.login, user.login)
            for model, method, args in self.calls():
                count += 1
                name = self.call(model, method, args)
                if name and name not in IN_WORDS:
                    server_errors.append(f"{user.login}: {model}.{method}{tuple(args)!r}: {name}")
        _logger.info("fuzz: %s calls, %s server errors", count, len(server_errors))
        for line in server_errors:
            _logger.info("fuzz: server error: %s", line)
        self.assertGreater(count, 500)
        self.assertEqual(server_errors, [], f"{len(server_errors)} of {count} calls answered a server error")
