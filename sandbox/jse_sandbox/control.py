"""``/_sandbox/...``: the control API, for tests and demos.  What a person
does on jesignexpert.com (confirm a draft, sign, refuse, approve a link,
revoke tokens), and how the platform behaves (its clock, latency, page size,
dialect, faults, a twist of one transaction, the calls it answered)."""

from .api_transactions import transaction_json
from .routing import Call, json_reply, route
from .store import SandboxError

OK = {"ok": True}
TRANSACTION = "/_sandbox/transaction/<tid>"


class Control(Call):
    @route("/_sandbox/health", "GET")
    def ctl_health(self):
        return json_reply({"ok": True, "now": self.store.now()})

    # ------------------------------------- what a person does there --

    @route(TRANSACTION, "GET")
    def ctl_get(self, tid):
        return json_reply(transaction_json(self, self.store.txn_by_id(tid)))

    @route(f"{TRANSACTION}/confirm", "POST")
    def ctl_confirm(self, tid):
        """What a collaborator does on jesignexpert.com: send the draft."""
        self.store.send(self.store.txn_by_id(tid))
        return self.ctl_get(tid)

    @route(f"{TRANSACTION}/signatory/<int:n>/<any(sign, refuse):action>", "POST")
    def ctl_sign(self, tid, n, action):
        getattr(self.store, action)(tid, n)
        return self.ctl_get(tid)

    @route("/_sandbox/link/<idr>/approve", "POST")
    def ctl_approve(self, idr):
        """Completes a link as if a person had logged in and chosen the cabinet."""
        data = self.json_body()
        link = self.store.approve_link_by_name(idr, data.get("email", ""), data.get("office", ""))
        return json_reply({"success_url": link["success_url"]})

    @route("/_sandbox/tokens/revoke", "POST")
    def ctl_revoke(self):
        data = self.json_body()
        return json_reply({"revoked": self.store.revoke_tokens(data.get("office"), data.get("email"))})

    # ------------------------------------ how the platform behaves --

    @route(f"{TRANSACTION}/<any(answer, certificate_page):key>", "POST")
    def ctl_option(self, tid, key):
        """``answer``: the JSON fields the API reports for this transaction
        instead of its own (null removes one); ``certificate_page``: true
        appends a page to its signed PDF."""
        value = self.json_body() if key == "answer" else bool(self.json_body().get("value", True))
        self.store.set_option(tid, key, value)
        return json_reply(OK)

    @route(f"{TRANSACTION}/<any(answer, certificate_page):key>", "DELETE")
    def ctl_option_clear(self, tid, key):
        self.store.set_option(tid, key, None)
        return json_reply(OK)

    @route(f"{TRANSACTION}/hide_from_list", "POST", "DELETE")
    def ctl_hide(self, tid):
        """The change list silently leaves this transaction out from now on (DELETE: lists it again)."""
        self.store.hide_from_list(tid, hidden=self.request.method == "POST")
        return json_reply(OK)

    @route("/_sandbox/latency", "POST")
    def ctl_latency(self):
        ms = self.json_body().get("ms", 0)
        if not isinstance(ms, (int, float)) or ms < 0:
            raise SandboxError(400, "ms must be a positive number")
        self.store.set_latency(ms)
        return json_reply(OK)

    @route("/_sandbox/page_size", "POST")
    def ctl_page_size(self):
        size = self.json_body().get("size", 100)
        if not isinstance(size, int) or size < 1:
            raise SandboxError(400, "size must be a positive integer")
        self.store.set_page_size(size)
        return json_reply(OK)

    @route("/_sandbox/calls", "GET")
    def ctl_calls(self):
        """How many times each API call was answered since the last reset."""
        with self.platform.calls_lock:
            return json_reply(dict(self.platform.calls))

    @route("/_sandbox/calls", "DELETE")
    def ctl_calls_clear(self):
        with self.platform.calls_lock:
            self.platform.calls.clear()
        return json_reply(OK)

    @route("/_sandbox/clock", "POST")
    def ctl_clock(self):
        days = self.json_body().get("days", 0)
        if not isinstance(days, (int, float)):
            raise SandboxError(400, "days must be a number")
        return json_reply({"now": self.store.advance_clock(days)})

    @route("/_sandbox/faults", "POST")
    def ctl_faults(self):
        """The next API calls fail: ``mode`` (500, 429, 403, timeout,
        corrupt_pdf, or "status" with any HTTP ``status`` and its
        ``details``), ``count`` calls, those whose path holds ``path`` and,
        with ``transaction``, those about that one transaction only."""
        data = self.json_body()
        try:
            count = int(data.get("count", 1))
        except (TypeError, ValueError):
            raise SandboxError(400, "count must be a positive integer") from None
        self.store.add_fault(
            str(data.get("mode")),
            count=count,
            path=data.get("path"),
            retry_after=data.get("retry_after"),
            seconds=data.get("seconds"),
            status=data.get("status"),
            transaction=data.get("transaction"),
            details=data.get("details"),
        )
        return json_reply(OK)

    @route("/_sandbox/faults", "DELETE")
    def ctl_faults_clear(self):
        self.store.clear_faults()
        return json_reply(OK)

    @route("/_sandbox/dialect", "GET", "POST", "DELETE")
    def ctl_dialect(self):
        """The dialect (see store/controls.py): GET shows it, POST changes some of its
        keys, DELETE puts every key back to its default."""
        if self.request.method == "POST":
            return json_reply(self.store.set_dialect(**self.json_body()))
        if self.request.method == "DELETE":
            return json_reply(self.store.set_dialect(**dict.fromkeys(self.store.dialect())))
        return json_reply(self.store.dialect())
