"""What the platform's faces are made of: a Call (one request, answered by
one of its methods) and the routes that lead to those methods."""

import json

from werkzeug.exceptions import BadRequest
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from .store import SandboxError


def route(path, *methods):
    """Marks a method of a Call as the platform's answer to ``methods`` on
    ``path``; it returns a Response or raises SandboxError."""

    def mark(handler):
        handler.route = (path, methods)
        return handler

    return mark


class Call:
    """One call to the platform: the werkzeug ``request``, the platform it
    reached (``platform``) and that platform's state (``store``).  A face of
    the platform is a subclass, whose marked methods answer."""

    def __init__(self, request, platform):
        self.request = request
        self.platform = platform
        self.store = platform.store

    @classmethod
    def rules(cls):
        """The routes of the methods this class marks; an endpoint is (class,
        method name): ``/_sandbox/calls`` counts the API's by name (``api_*``)."""
        return [
            Rule(handler.route[0], methods=handler.route[1], endpoint=(cls, name))
            for name, handler in vars(cls).items()
            if hasattr(handler, "route")
        ]

    @property
    def base(self):
        """The platform's address, as the caller reached it (its Host header)."""
        return self.request.host_url.rstrip("/")

    def json_body(self):
        """The body: a JSON object, {} when there is none."""
        if not self.request.get_data(cache=True):
            return {}
        try:
            data = self.request.get_json(force=True)
        except BadRequest:
            raise SandboxError(400, "the body is not JSON") from None
        if not isinstance(data, dict):
            raise SandboxError(400, "the body must be a JSON object")
        return data


def json_reply(data, status=200, headers=None):
    return Response(json.dumps(data), status=status, mimetype="application/json", headers=headers)
