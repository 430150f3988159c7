# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hmac
import re
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import jse

LINK_TTL = timedelta(minutes=10)
RETURN_ROUTE = "/jesignexpert/link/return"
# The state the browser brings back: "<request id>.<nonce>" (ASCII digits,
# within PostgreSQL's integer; the nonce as secrets.token_urlsafe makes it).
STATE_RE = re.compile(r"([0-9]{1,9})\.([A-Za-z0-9_-]{1,100})")


class JesignexpertLinkRequest(models.Model):
    """A linking attempt under way: who started it, for which company, and
    the secrets that the browser must bring back to complete it.

    Only the flow itself (run as its user, with sudo) reads these records.
    """

    _name = "jesignexpert.link.request"
    _inherit = ["jesignexpert.guarded.mixin"]
    # Who started the attempt, for which company: never moved to another.
    _jesignexpert_fixed = ("user_id", "company_id")
    _description = "jesignexpert.com linking attempt"
    _order = "id desc"

    id_request = fields.Char("Request identifier", required=True, readonly=True, copy=False)
    nonce = fields.Char("Return secret", required=True, readonly=True, copy=False)
    user_id = fields.Many2one("res.users", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    purpose = fields.Selection(
        [("firm", "Link the company's cabinet"), ("user", "Link the collaborator's access")], required=True
    )
    return_url = fields.Char("Return address", readonly=True)
    # The signature of the call that started the attempt: the tokens' fetch
    # may have to carry it (see JseClient.fetch_link).  Never shown, never logged.
    start_ts = fields.Char("Start time stamp", readonly=True, copy=False, groups="base.group_system")
    start_signature = fields.Char("Start signature", readonly=True, copy=False, groups="base.group_system")
    state = fields.Selection([("pending", "Pending"), ("done", "Done")], default="pending", required=True)

    @api.model
    def _start(self, company, purpose, return_url):
        """Records the attempt and asks jesignexpert.com for its login page."""
        api_model = self.env["jesignexpert.api"]
        request = self.sudo().create(
            {
                "id_request": jse.new_id_request(),
                "nonce": secrets.token_urlsafe(32),
                "user_id": self.env.user.id,
                "company_id": company.id,
                "purpose": purpose,
                "return_url": return_url if return_url.startswith("/") else "/odoo",
            }
        )
        query = urlencode({"state": f"{request.id}.{request.nonce}"})
        success_url = f"{self.get_base_url()}{RETURN_ROUTE}?{query}"
        try:
            with api_model._client() as client:
                link = client.start_link(success_url, success_url, id_request=request.id_request)
        except jse.JseError as error:
            raise api_model._user_error(error) from None
        request.write({"start_ts": str(link.ts), "start_signature": link.signature})
        return link.url

    @api.model
    def _complete(self, state, id_request=""):
        """The browser came back: checks that this very user started this very
        attempt minutes ago, then fetches and stores the tokens.  Returns the
        URL to go back to; raises UserError (and changes nothing) otherwise.

        Our own ``state`` names the attempt: nothing public says that
        jesignexpert.com appends an ``idRequest`` to the return address.  When
        one is appended, it must be this attempt's."""
        _ = self.env._
        match = STATE_RE.fullmatch(state or "")
        request = self.sudo().browse(int(match[1])).exists() if match else self.sudo()
        nonce = match[2] if match else ""
        appended = str(id_request or "")
        # Compare every secret in constant time, whatever the record (as
        # bytes: whatever the browser sent, even what is not ASCII).
        same_id = hmac.compare_digest((request.id_request or "").encode(), appended.encode())
        valid = hmac.compare_digest((request.nonce or "").encode(), nonce.encode()) & (same_id | (not appended))
        if not request or not valid:
            raise UserError(_("This link is not valid: start again from Odoo."))
        if request.user_id != self.env.user:
            raise UserError(_("This link was started by another user."))
        if request.state != "pending":
            raise UserError(_("This link was already used."))
        if fields.Datetime.now() - request.create_date > LINK_TTL:
            raise UserError(_("This link expired: start again from Odoo."))
        firm_model = self.env["jesignexpert.firm"]
        firm_model._check_may_link(request.company_id, request.purpose)  # rights may have changed since
        api_model = self.env["jesignexpert.api"]
        try:
            with api_model._client() as client:
                tokens = client.fetch_link(request.id_request, request.start_ts, request.start_signature)
        except jse.JseError as error:
            raise api_model._user_error(error) from None
        if request.purpose == "firm":
            firm_model._link_company(request.company_id, tokens, self.env.user)
        else:
            firm_model._active_firm(request.company_id)._link_user(tokens, self.env.user)
        request.write({"state": "done", "start_ts": False, "start_signature": False})
        return request.return_url

    @api.model
    def _purge(self):
        self.sudo().search([("create_date", "<", fields.Datetime.now() - timedelta(days=1))]).unlink()
