"""The platform as a WSGI application: every call finds its handler among
the platform's faces (the editor API, the pages a person sees, the control
API), and is answered in one transaction of the platform's state.  Calls to
the API first go through what tests asked of it: a latency, a fault."""

import logging
import re
import threading
import time
from collections import Counter

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map
from werkzeug.wrappers import Request, Response

from .api_linking import LinkingApi
from .api_transactions import TransactionsApi
from .control import Control
from .routing import json_reply
from .store import SandboxError
from .web_pages import WebPages, error_page

_logger = logging.getLogger(__name__)

# The largest request the platform reads: a PDF of 10 MB and its envelope.
MAX_BODY = 12 * 1024 * 1024
_DOWNLOAD = re.compile(r"/(document/\d+|proof)$")
# The platform's faces, whose methods answer its calls (built once: every
# sandbox of the process shares it).
URL_MAP = Map(
    [rule for face in (LinkingApi, TransactionsApi, WebPages, Control) for rule in face.rules()], merge_slashes=False
)


class PlatformRequest(Request):
    max_content_length = MAX_BODY


class Platform:
    def __init__(self, store):
        self.store = store
        self.calls = Counter()  # API calls answered, by handler (see /_sandbox/calls)
        self.calls_lock = threading.Lock()

    def __call__(self, environ, start_response):
        return self.answer(PlatformRequest(environ))(environ, start_response)

    def answer(self, request):
        if (request.content_length or 0) > request.max_content_length:
            return json_reply({"details": "request too large"}, 413)
        try:
            fault = None
            if request.path.startswith("/editor/"):
                delay = self.store.latency()
                if delay:
                    time.sleep(delay)  # outside the store's lock: calls wait side by side
                fault = self._take_fault(request)
                if isinstance(fault, Response):
                    return fault
            with self.store.transaction():
                response = self._dispatch(request)
            if fault == "corrupt_pdf" and response.status_code == 200:
                content = response.get_data()
                response.set_data(content[: len(content) // 3] + b"\x00garbled\x00" * 8)
            return response
        except SandboxError as exc:
            return self._error(request, exc.status, exc.details)
        except Exception:  # the sandbox must answer, whatever its bug
            _logger.exception("sandbox failure on %s %s", request.method, request.path)
            return self._error(request, 500, "sandbox internal error")

    def _dispatch(self, request):
        try:
            (face, name), values = URL_MAP.bind_to_environ(request.environ).match()
        except NotFound:
            raise SandboxError(404, "not found") from None
        except MethodNotAllowed:
            raise SandboxError(405, "method not allowed") from None
        if name.startswith("api_"):
            with self.calls_lock:
                self.calls[name] += 1
        return getattr(face(request, self), name)(**values)

    @staticmethod
    def _error(request, status, details):
        if request.path.startswith(("/editor/", "/_sandbox/")):
            return json_reply({"details": details}, status)
        return error_page(status, details)

    def _take_fault(self, request):
        """The fault this API call suffers: its answer, which strikes before
        any change; or its mode when it strikes otherwise ("timeout" has
        waited past the client's timeout, the call then goes on: the answer
        is lost, the effect is not; "corrupt_pdf" garbles the download)."""
        download = request.method == "GET" and _DOWNLOAD.search(request.path) is not None
        fault = self.store.take_fault(request.path, download=download)
        if not fault:
            return None
        mode, retry_after = fault["mode"], fault["retry_after"]
        if mode == "500":
            return json_reply({"details": "injected server error"}, 500)
        if mode == "429":
            return json_reply(
                {"details": "too many requests"}, 429, {"Retry-After": f"{1 if retry_after is None else retry_after:g}"}
            )
        if mode == "403":
            return json_reply({"details": "tokens expired or revoked"}, 403)
        if mode == "status":
            status = fault["status"]
            headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
            if status in (204, 304):
                return Response(status=status, headers=headers, mimetype="application/json")
            return json_reply({"details": fault["details"] or f"injected HTTP {status}"}, status, headers)
        if mode == "timeout":
            time.sleep(fault["seconds"] if fault["seconds"] is not None else 10)
        return mode
