"""The editor API's account linking (KNOWN calls, jse-api-facts.md): the start
of a link, signed with the integrator's HMAC, the fetch of its tokens once a
person has picked a cabinet, and the tokens' check.  Every later call is
authenticated here too."""

import hmac
import re
import time
from hashlib import sha256

from .routing import Call, json_reply, route
from .store import SandboxError

# ASSUMED: how far a signature's ts may be from the platform's time.
TS_TOLERANCE_MS = 5 * 60 * 1000


class LinkingApi(Call):
    def check_signature(self, sc, idr, mac, fresh=True):
        """The HMAC of a linking call (and, when ``fresh``, that its ts is now); returns its ts."""
        secret = self.store.secret_of(sc)
        ts = self.request.args.get("ts", "")
        if not ts.isdigit():
            raise SandboxError(400, "ts is missing")
        if fresh and abs(int(time.time() * 1000) - int(ts)) > TS_TOLERANCE_MS:
            raise SandboxError(400, "ts is too far from the current time")
        if not re.fullmatch(r"[A-Za-z0-9]{30}", idr):
            raise SandboxError(400, "idRequest must be 30 characters from [A-Za-z0-9]")
        expected = hmac.new(secret.encode(), f"{sc}||{idr}||{ts}".encode(), sha256).hexdigest()
        if not hmac.compare_digest(expected, mac.lower()):
            raise SandboxError(400, "HMAC incorrect")
        return ts

    @route("/editor/<sc>/token/officeAndUser/auth/<idr>/<mac>", "POST")
    def api_link_auth(self, sc, idr, mac):
        ts = self.check_signature(sc, idr, mac)
        data = self.json_body()
        success_url = data.get("success_url") or ""
        if not re.match(r"^https?://", success_url):
            raise SandboxError(400, "success_url is required")
        self.store.open_link(sc, idr, success_url, data.get("callback_url"), ts, mac.lower())
        return json_reply({"url": f"{self.base}/connect/{idr}"})

    @route("/editor/<sc>/token/officeAndUser/fetch/<idr>/<mac>", "GET")
    def api_link_fetch(self, sc, idr, mac):
        """The tokens, to a fetch signed as the dialect says: anew ("fresh"),
        with the start call's own ts and HMAC ("start"), or either ("any")."""
        reading = self.store.dialect()["fetch_signature"]
        ts = self.check_signature(sc, idr, mac, fresh=reading != "start")
        link = self.store.link_request(idr)
        if link and link["auth_ts"]:
            start = hmac.compare_digest(link["auth_ts"], ts) & hmac.compare_digest(link["auth_mac"], mac.lower())
            if reading == "start" and not start:
                raise SandboxError(400, "HMAC incorrect: sign the fetch with the ts and HMAC of the start")
            if reading == "fresh" and start:
                raise SandboxError(400, "ts already used: sign the fetch anew")
        return json_reply(self.store.fetch_link(sc, idr))

    def authenticate(self, sc):
        """(office_id, collaborator_id) of the tokens the call carries (KNOWN headers), else a 403."""
        self.store.secret_of(sc)
        headers = self.request.headers
        return self.store.authenticate(sc, headers.get("JSE-EDITOR-TOKEN-OFFICE"), headers.get("JSE-EDITOR-TOKEN-USER"))

    @route("/editor/<sc>/token/validateCheck", "GET")
    def api_validate(self, sc):
        self.authenticate(sc)
        return json_reply({"valid": True})
