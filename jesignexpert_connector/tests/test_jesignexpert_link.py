# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import SandboxHttpCase


@tagged("post_install", "-at_install", "is_tour")
class TestLinkFlow(SandboxHttpCase):
    """The linking flow, driven over HTTP as a browser drives it."""

    def setUp(self):
        super().setUp()
        self.company = self.env.company
        self.Firm = self.env["jesignexpert.firm"]

    def click(self, model, method, res_id=None):
        """What the web client does when a button is clicked."""
        return self.make_jsonrpc_request(
            "/web/dataset/call_button",
            {"model": model, "method": method, "args": [[res_id] if res_id else []], "kwargs": {}},
        )

    def log_in_on_jesignexpert(self, url, office="Cabinet Dupont Expertise", email="jean.doe@cabinet-exemple.fr"):
        """The person's part on jesignexpert.com: log in, pick the cabinet.
        Returns where jesignexpert.com sends the browser back."""
        page = self.opener.get(url, timeout=10)
        self.assertIn("Connectez-vous pour choisir le cabinet", page.text)
        page = self.opener.post(url, data={"step": "login", "email": email, "password": "demo"}, timeout=10)
        offices = {name: oid for oid, name in re.findall(r'value="(\d+)"[^>]*> ([^<]+)</label>', page.text)}
        back = self.opener.post(
            url, data={"step": "choose", "office_id": offices[office]}, allow_redirects=False, timeout=10
        )
        self.assertEqual(back.status_code, 303)
        return back.headers["Location"]

    def start(self, login="admin"):
        self.authenticate(login, login)
        action = self.click("jesignexpert.firm", "action_link_account")
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(action["url"].startswith(self.sandbox.url + "/connect/"))
        return action["url"]

    def test_link_a_cabinet_end_to_end(self):
        back = self.log_in_on_jesignexpert(self.start())
        self.assertTrue(back.startswith(self.base_url() + "/jesignexpert/link/return?"))
        landing = self.url_open(back)
        self.assertEqual(landing.status_code, 200)
        self.assertTrue(landing.url.endswith("/odoo/action-jesignexpert_connector.jesignexpert_firm_action"))
        firm = self.Firm.search([("company_id", "=", self.company.id)])
        self.assertEqual(firm.name, "Cabinet Dupont Expertise")
        self.assertEqual((firm.state, firm.linked_by_id), ("linked", self.env.ref("base.user_admin")))
        self.assertTrue(firm.office_token.startswith("off_"))
        self.assertEqual(firm.access_ids.user_id, self.env.ref("base.user_admin"))
        self.assertEqual(firm.access_ids.email, "jean.doe@cabinet-exemple.fr")
        self.assertFalse(firm.access_ids.expired)
        self.assertIn("Connection OK", firm._check_connection()[1])

    def dialect(self, **changes):
        """How the sandbox reads what the public material leaves open, for this test."""
        self.sandbox_call("POST", "/_sandbox/dialect", json=changes)
        self.addCleanup(self.sandbox_call, "DELETE", "/_sandbox/dialect")

    def current_firm(self):
        return self.Firm.search([("company_id", "=", self.company.id)])

    def test_link_when_jesignexpert_appends_nothing_to_the_return_address(self):
        """Nothing public says that jesignexpert.com appends an idRequest to
        success_url: the browser back at the address exactly as Odoo gave it
        links all the same."""
        self.dialect(return_id_request=False)
        back = self.log_in_on_jesignexpert(self.start())
        self.assertNotIn("idRequest", back)
        landing = self.url_open(back)
        self.assertEqual(landing.status_code, 200)
        self.assertTrue(landing.url.endswith("/odoo/action-jesignexpert_connector.jesignexpert_firm_action"))
        self.assertEqual((self.current_firm().name, self.current_firm().state), ("Cabinet Dupont Expertise", "linked"))

    def test_a_wrong_idRequest_appended_is_refused_the_genuine_return_links(self):
        self.dialect(return_id_request=False)
        back = self.log_in_on_jesignexpert(self.start())
        self.assert_refused(f"{back}&idRequest={'A' * 30}", "This link is not valid")
        self.assert_refused(f"{back}&idRequest=%C3%A9", "This link is not valid")
        self.assertEqual(self.url_open(back).status_code, 200)
        self.assertEqual(self.current_firm().name, "Cabinet Dupont Expertise")

    def test_either_signature_of_the_tokens_fetch_links(self):
        """jesignexpert.com may want the tokens' fetch signed anew, or with the
        start call's own ts and HMAC: either way the cabinet is linked."""
        for reading, office in (("start", "Cabinet Dupont Expertise"), ("fresh", "Cabinet Editeur Oppus 1")):
            with self.subTest(reading=reading):
                self.dialect(fetch_signature=reading)
                back = self.log_in_on_jesignexpert(self.start(), office=office)
                request = self.env["jesignexpert.link.request"].search([], limit=1)
                self.assertTrue(request.start_signature, "the start's signature is kept for the fetch")
                self.assertEqual(self.url_open(back).status_code, 200)
                self.assertEqual(self.current_firm().name, office)
                request.invalidate_recordset()
                self.assertEqual((request.state, request.start_signature), ("done", False), "then forgotten")

    def test_relink_keeps_the_history(self):
        first = self.link_firm()
        self.url_open(self.log_in_on_jesignexpert(self.start(), office="Cabinet Editeur Oppus 1"))
        current = self.Firm.search([("company_id", "=", self.company.id)])
        self.assertEqual(current.name, "Cabinet Editeur Oppus 1")
        self.assertEqual((first.active, first.state), (False, "revoked"))
        history = self.Firm.with_context(active_test=False).search([("company_id", "=", self.company.id)])
        self.assertEqual(history, first | current)

    def assert_refused(self, url, reason):
        firms = self.Firm.with_context(active_test=False).search_count([])
        page = self.url_open(url)
        self.assertEqual(page.status_code, 400)
        self.assertIn("The jesignexpert.com account was not linked.", page.text)
        self.assertIn(reason, page.text)
        self.assertEqual(self.Firm.with_context(active_test=False).search_count([]), firms, "nothing may change")

    def test_replayed_callback_is_refused(self):
        back = self.log_in_on_jesignexpert(self.start())
        self.url_open(back)
        self.assert_refused(back, "This link was already used.")

    def test_tampered_callback_is_refused(self):
        back = self.log_in_on_jesignexpert(self.start())
        query = parse_qs(urlsplit(back).query)
        rid, nonce = query["state"][0].split(".")
        forged = f"/jesignexpert/link/return?state={rid}.{nonce[:-2]}xx&idRequest={query['idRequest'][0]}"
        self.assert_refused(forged, "This link is not valid")
        other = f"/jesignexpert/link/return?state={rid}.{nonce}&idRequest={'A' * 30}"
        self.assert_refused(other, "This link is not valid")
        self.url_open(back)  # the genuine one still works
        self.assertTrue(self.Firm.search([("company_id", "=", self.company.id)]))

    def test_another_users_callback_is_refused(self):
        back = self.log_in_on_jesignexpert(self.start())
        new_test_user(
            self.env, "other_admin", groups="base.group_system,jesignexpert_connector.group_jesignexpert_manager"
        )
        self.authenticate("other_admin", "other_admin")
        self.assert_refused(back, "This link was started by another user.")

    def test_stale_callback_is_refused(self):
        back = self.log_in_on_jesignexpert(self.start())
        self.env.cr.execute(
            "UPDATE jesignexpert_link_request SET create_date = %s",
            [fields.Datetime.now() - timedelta(minutes=11)],
        )
        self.assert_refused(back, "This link expired")

    def test_expired_access_goes_through_the_link_again_and_comes_back(self):
        firm = self.link_firm()
        access = firm.access_ids
        self.sandbox_call("POST", "/_sandbox/tokens/revoke", json={"email": "jean.doe@cabinet-exemple.fr"})
        self.authenticate("admin", "admin")
        action = self.click("jesignexpert.firm", "action_check_my_access", firm.id)
        self.assertEqual(action["type"], "ir.actions.act_url", "a refused access sends to jesignexpert.com")
        self.assertTrue(access.expired)
        landing = self.url_open(self.log_in_on_jesignexpert(action["url"]))
        self.assertTrue(landing.url.endswith(f"/odoo/action-jesignexpert_connector.jesignexpert_firm_action/{firm.id}"))
        self.assertFalse(access.expired)
        action = self.click("jesignexpert.firm", "action_check_my_access", firm.id)
        self.assertEqual(action["params"]["type"], "success")

    def test_user_access_for_another_cabinet_is_refused(self):
        firm = self.link_firm()
        self.authenticate("admin", "admin")
        action = self.click("jesignexpert.firm", "action_link_my_access", firm.id)
        back = self.log_in_on_jesignexpert(action["url"], office="Cabinet Editeur Oppus 1")
        self.assert_refused(back, "You chose Cabinet Editeur Oppus 1 on jesignexpert.com")

    def test_the_link_button_in_chromium(self):
        """An administrator clicks the settings button: Chromium lands on the
        jesignexpert.com login page; the person logs in there and Odoo
        stores the cabinet."""
        self.start_tour_to_jesignexpert("/odoo/settings#jesignexpert_connector", "jesignexpert_link_tour")
        request = self.env["jesignexpert.link.request"].search([("user_id", "=", self.env.ref("base.user_admin").id)])
        self.assertEqual(len(request), 1)
        self.authenticate("admin", "admin")
        url = f"{self.sandbox.url}/connect/{request.id_request}"
        self.url_open(self.log_in_on_jesignexpert(url))
        self.assertEqual(self.Firm.search([("company_id", "=", self.company.id)]).name, "Cabinet Dupont Expertise")
