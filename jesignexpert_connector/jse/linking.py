# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Linking a cabinet and a collaborator: the calls behind "Link a
jesignexpert.com account", signed as ``signing.py`` says.

KNOWN: the start (``POST .../token/officeAndUser/auth/{idRequest}/{hmac}``)
answers the page to send the browser to; once the person has logged in, the
fetch (``.../fetch/{idRequest}/{hmac}``) answers the two tokens, or 404 when
the login expired; ``validateCheck`` says whether the tokens still hold.
"""

import logging
import re
from dataclasses import dataclass, field

from .errors import JseAuthError, JseLinkExpired, JseNotFound, JseRequestRefused, JseResponseError
from .signing import new_id_request, sign_now

_logger = logging.getLogger(__name__)

# KNOWN as reported, not documented: a collaborator's token is said to last
# 5 days.  Tokens are used until jesignexpert.com refuses them (403); this is
# only when a reminder to link again is due.
USER_TOKEN_DAYS = 5


@dataclass(frozen=True)
class LinkRequest:
    """A linking attempt: its ``id_request``, the page to send the browser
    to, and the signature of the call that started it (``ts``, ``signature``:
    the tokens' fetch may have to be signed with them, see ``fetch_link``)."""

    id_request: str
    url: str
    ts: int = 0
    signature: str = field(default="", repr=False)


@dataclass(frozen=True)
class LinkResult:
    office_token: str = field(repr=False)
    office_name: str
    user_token: str = field(repr=False)
    user_email: str


class LinkingMixin:
    """The linking calls of ``JseClient`` (they need its ``shortcut``,
    ``_secret`` and ``_call``)."""

    def _signed_path(self, action, id_request, ts, mac):
        return f"/editor/{self.shortcut}/token/officeAndUser/{action}/{id_request}/{mac}", {"ts": ts}

    def start_link(self, success_url, callback_url=None, id_request=None):
        """KNOWN: asks for the page where a person logs in and picks a cabinet.

        Nothing public says that the browser comes back to ``success_url``
        with anything appended (an ``idRequest`` parameter, say): ASSUMED
        nothing, so ``success_url`` must itself say which attempt it ends."""
        id_request = id_request or new_id_request()
        ts, mac = sign_now(self.shortcut, self._secret, id_request)
        path, params = self._signed_path("auth", id_request, ts, mac)
        body = {"success_url": success_url, "callback_url": callback_url or success_url}
        data = self._call("POST", path, "link.auth", params=params, json=body, auth=False)
        url = (data or {}).get("url")
        if not url or not re.match(r"^https?://", url):
            raise JseResponseError("jesignexpert.com sent no login page", endpoint="link.auth")
        return LinkRequest(id_request=id_request, url=url, ts=ts, signature=mac)

    def fetch_link(self, id_request, start_ts=None, start_signature=None):
        """KNOWN: the tokens of the cabinet and of the collaborator just linked.

        ASSUMED: the method is GET.  A 404 means the login session expired.

        ASSUMED, both ways: how the fetch is signed.  The facts say that a
        linking call carries the current time, so it is first signed anew;
        an independent public client signs it with the start call's own
        ``ts`` and HMAC instead.  When the platform refuses the first for its
        signature or its time (ASSUMED: a 400, or a 401/403, since this call
        carries no token), it is asked once more with the start's
        (``start_ts``, ``start_signature``), when given.
        """
        readings = [sign_now(self.shortcut, self._secret, id_request)]
        if start_ts and start_signature:
            readings.append((int(start_ts), start_signature))
        for attempt, (ts, mac) in enumerate(readings, start=1):
            path, params = self._signed_path("fetch", id_request, ts, mac)
            try:
                data = self._call("GET", path, "link.fetch", params=params, auth=False, idempotent=True)
            except JseNotFound:
                raise JseLinkExpired(
                    "the jesignexpert.com login expired: start the link again", 404, "link.fetch"
                ) from None
            except (JseRequestRefused, JseAuthError) as error:
                if attempt == len(readings):
                    raise
                _logger.info(
                    "jesignexpert.com refused the tokens' fetch signed anew (HTTP %s): asking with the start's "
                    "signature",
                    error.status,
                )
                continue
            break
        try:
            return LinkResult(
                office_token=data["office"]["token"],
                office_name=data["office"].get("name") or "",
                user_token=data["user"]["token"],
                user_email=data["user"].get("email") or "",
            )
        except (KeyError, TypeError):
            raise JseResponseError("jesignexpert.com sent incomplete tokens", endpoint="link.fetch") from None

    def validate_check(self):
        """KNOWN: checks that the tokens still hold (403 if not)."""
        self._call("GET", f"/editor/{self.shortcut}/token/validateCheck", "token.check", idempotent=True)
        return True

    def check_credentials(self, return_url):
        """Whether jesignexpert.com accepts the integrator shortcut and secret:
        starts a link (which needs no user) and leaves it unused.  Raises
        JseRequestRefused (wrong secret or shortcut) or another JseError."""
        self.start_link(return_url)
        return True
