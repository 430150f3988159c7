# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .. import jse
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

    def test_each_client_error_has_its_own_clear_message(self):
        api = self.env["jesignexpert.api"]
        cases = [
            (jse.JseRateLimited(12.2), "try again in 13 seconds"),
            (jse.JseTransientError("x", 503), "cannot be reached right now"),
            (jse.JseRequestRefused("the document has no page 3"), "refused the request: the document has no page 3"),
            (jse.JseLinkExpired("x", 404), "login expired"),
            (jse.JseNotFound("x", 404), "no longer exists"),
            (jse.JseApiError("x", 409), "unexpected error (409)"),
            (jse.JseValidationError("too_large", "file", "x", size=12 * 1048576, limit=10 * 1048576), "12.0 MB"),
            (
                jse.JseValidationError("duplicate_email", "email", "x", value="a@b.fr"),
                "share the e-mail address a@b.fr",
            ),
        ]
        messages = [api._error_message(error) for error, _expected in cases]
        for message, (error, expected) in zip(messages, cases, strict=True):
            self.assertIn(expected, message, type(error).__name__)
        self.assertEqual(len(set(messages)), len(messages), "two errors share a message")
