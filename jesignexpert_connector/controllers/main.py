# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from ..models.jesignexpert_link_request import RETURN_ROUTE

_logger = logging.getLogger(__name__)


class JesignexpertController(http.Controller):
    @http.route(RETURN_ROUTE, type="http", auth="user", methods=["GET"], website=False)
    def link_return(self, state="", idRequest="", **_kwargs):
        """Where jesignexpert.com sends the browser back after the login: to
        the address we gave, whose ``state`` names the attempt; an
        ``idRequest`` appended, if any, must match it."""
        try:
            return_url = request.env["jesignexpert.link.request"]._complete(state, idRequest)
        except (UserError, AccessError) as error:
            request.env.cr.rollback()
            _logger.info("jesignexpert.com link refused for user %s: %s", request.env.uid, error)
            return request.render(
                "jesignexpert_connector.link_refused",
                {"message": str(error.args[0] if error.args else error)},
                status=400,
            )
        return request.redirect(return_url or "/odoo", local=True)
