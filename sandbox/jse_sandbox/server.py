"""jesignexpert.com on 127.0.0.1: the platform (app.py) served by werkzeug
in a background thread, one thread a request.  ``start(db_path)`` gives a
Sandbox (``.url``, ``.store``), ``stop(sandbox)`` ends it."""

import logging
import threading

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import Platform
from .store import Store

_logger = logging.getLogger(__name__)
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _RequestHandler(WSGIRequestHandler):
    server_version = "jesignexpert-sandbox/1.0"
    # One write per answer, sent at once: no 40 ms Nagle/delayed-ACK stalls.
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024

    def log(self, type, message, *args):
        """Requests go to the logger (debug), not to stderr."""
        _logger.debug("%s %s", self.address_string(), message % args)


class Sandbox:
    """A running sandbox: its ``url``, its ``store`` (the platform's state)
    and its ``platform`` (the WSGI application)."""

    def __init__(self, db_path, host, port, **store_options):
        self.store = Store(db_path, **store_options)
        self.platform = Platform(self.store)
        self._http = make_server(host, port, self.platform, threaded=True, request_handler=_RequestHandler)
        host, port = self._http.server_address[:2]
        self.url = f"http://{host}:{port}"
        self.thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, name="jse-sandbox", daemon=True
        )
        self.thread.start()

    def stop(self):
        self._http.shutdown()
        self._http.server_close()
        self.store.close()


def start(db_path, host="127.0.0.1", port=0, **store_options):
    """Starts a sandbox on ``db_path`` in a background thread; returns it."""
    if host not in LOOPBACK:
        raise ValueError("the sandbox listens on loopback only")
    return Sandbox(db_path, host, port, **store_options)


def stop(sandbox):
    sandbox.stop()
