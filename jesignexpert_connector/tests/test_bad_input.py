# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 16, part 6: bad arguments (a filter's condition, a search's text,
an upload) are answered in words, never with a server error.  Played as in
test_security_paths.py."""

import base64
import io

from pypdf import PdfWriter

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .test_security_paths import PathsCase


@tagged("post_install", "-at_install")
class TestBadInputGetsWords(PathsCase):
    """6. Bad arguments are answered in words, never with a server error."""

    def test_6_the_follow_up_filters_take_what_a_filter_or_the_domain_editor_writes(self):
        # (Failed before: NotImplemented, which Odoo 18 cannot use: a server error.)
        Contract, Collection = self.env["hr.contract"], self.env["jesignexpert.collection"]
        for model, name in (
            (Contract, "jesignexpert_cdd_at_risk"),
            (Collection, "expiring_soon"),
            (Collection, "late_unsigned"),
        ):
            everything = model.search([])
            found = model.search([(name, "=", True)])
            not_found = everything - found
            for operator, value, expected in (
                ("=", True, found),
                ("!=", False, found),
                ("=", 1, found),
                ("in", [True], found),
                ("=", False, not_found),
                ("not in", [True], not_found),
                ("in", [True, False], everything),
                ("in", [], model),
            ):
                with self.subTest(field=name, operator=operator, value=value):
                    self.assertEqual(model.search([(name, operator, value)]), expected)
            for operator, value in ((">", 5), ("=", "oui"), ("ilike", "x"), ("in", "x")):
                with (
                    self.subTest(field=name, operator=operator, value=value),
                    self.assertRaisesRegex(UserError, "set or not set"),
                ):
                    model.search([(name, operator, value)])

    def test_6_variables_are_searched_with_text(self):
        Templates = self.as_(self.env["jesignexpert.document.template"], self.portal)
        with self.assertRaises(UserError):
            Templates.search_variables(5)
        with self.assertRaises(UserError):
            Templates.search_variables("nom", lang=["fr_FR"])
        self.assertTrue(Templates.search_variables("nom"))

    def test_6_an_upload_that_is_not_a_file_or_has_no_page_is_refused_at_once(self):
        wizard = self.open_wizard(user=self.initiator)
        sending = self.sending_of(self.initiator, self.contract | self.second)
        line = self.as_(sending.line_ids[:1], self.initiator)
        empty = io.BytesIO()
        PdfWriter().write(empty)
        no_page = base64.b64encode(empty.getvalue())
        for record in (wizard, line):
            for upload, message in (("not base64!", "could not be read"), (no_page, "has no page")):
                with (
                    self.subTest(model=record._name, message=message),
                    self.assertRaisesRegex(ValidationError, message),
                    self.env.cr.savepoint(),
                ):
                    record.write({"document_source": "upload", "upload": upload, "upload_name": "x.pdf"})

    def test_6_an_initiator_without_an_e_mail_address_is_told_before_anything_is_queued(self):
        # (Failed before: Odoo's "configure the sender's e-mail" undid the whole confirmation.)
        sending = self.sending_of(self.initiator, self.contract | self.second)
        self.initiator.partner_id.email = False
        self.addCleanup(setattr, self.initiator.partner_id, "email", "sig.initiator@example.com")
        with self.assertRaisesRegex(UserError, "has no e-mail address"):
            self.confirm(self.as_(sending, self.initiator))
        self.assertEqual(sending.state, "draft")
