# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..jse import client as jse
from .common import SandboxCase, blank_pdf


@tagged("post_install", "-at_install")
class TestJesignexpertApi(SandboxCase):
    def test_client_reaches_the_sandbox_from_odoo(self):
        """From inside Odoo, the configured client links a cabinet and drafts a
        collection on the sandbox, over real HTTP on loopback."""
        tokens = self.link_tokens()
        self.assertEqual(tokens.office_name, "Cabinet Dupont Expertise")
        self.assertEqual(tokens.user_email, "jean.doe@cabinet-exemple.fr")
        client = self.env["jesignexpert.api"]._client(tokens.office_token, tokens.user_token)
        self.assertTrue(client.validate_check())
        pdf = blank_pdf(pages=2)
        tid = client.create_transaction(
            "CDD MARC LANGLOIS", "Bonjour", "YourCompany", "YourCompany vous invite à signer un document"
        )
        client.upload_file(tid, 1, pdf, "CDD MARC LANGLOIS.pdf", [jse.SignField(1, -1, 60, 600)])
        client.add_signatory(tid, "Marc Langlois", "marc.langlois@example.com", 1, [1])
        client.save_draft(tid)
        transaction = client.get_transaction(tid)
        self.assertEqual(transaction.status, "draft")
        self.assertTrue(transaction.url.startswith(self.sandbox.url + "/collecte/"))
        self.assertEqual([s.email for s in transaction.signatories], ["marc.langlois@example.com"])

    def test_not_configured(self):
        self.env["ir.config_parameter"].sudo().set_param("jesignexpert_connector.shortcut", "")
        with self.assertRaisesRegex(UserError, "credentials are not configured"):
            self.env["jesignexpert.api"]._client()

    def test_bad_input_refused_in_french_before_sending(self):
        """A too long title is refused with a French message, and the sandbox
        receives nothing."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["jesignexpert_connector"], ["fr_FR"], overwrite=True)
        tokens = self.link_tokens()
        api = self.env["jesignexpert.api"].with_context(lang="fr_FR")
        client = api._client(tokens.office_token, tokens.user_token)
        calls = client.calls
        with self.assertRaises(jse.JseValidationError) as caught:
            client.create_transaction("x" * 46, "", "YourCompany", "Objet")
        self.assertEqual(client.calls, calls, "nothing may be sent for a refused input")
        self.assertEqual(
            api._error_message(caught.exception),
            "Le titre compte 46 caractères ; jesignexpert.com en accepte au plus 45.",
        )

    def test_revoked_access_gives_a_clear_error_without_secrets(self):
        tokens = self.link_tokens()
        self.sandbox_call("POST", "/_sandbox/tokens/revoke", json={"office": "Cabinet Dupont Expertise"})
        api = self.env["jesignexpert.api"]
        client = api._client(tokens.office_token, tokens.user_token)
        with self.assertRaises(jse.JseAuthError) as caught:
            client.validate_check()
        message = api._error_message(caught.exception)
        self.assertIn("link the account again", message)
        for secret in (tokens.office_token, tokens.user_token, "sandbox-secret"):
            self.assertNotIn(secret, message)
            self.assertNotIn(secret, str(caught.exception))
