# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The errors of the client: one class for each thing a caller may do about it.

A validation error is raised before any request is sent; every other one
says what jesignexpert.com answered (``status``, the HTTP status, and
``endpoint``, the call's name such as ``transaction.list``).  The client
puts no secret, token or URL in a message; a refusal's ``details`` are what
the platform said, passed on as it said them.
"""

# ASSUMED: the HTTP statuses that say a call does not exist on the platform
# (not found, method not allowed, not implemented): the answer of an ASSUMED
# call that jesignexpert.com does not have.
ABSENT_STATUSES = (404, 405, 501)


class JseError(Exception):
    """Base of every error of this package; its message holds no secret."""


class JseValidationError(JseError, ValueError):
    """Refused before any request was sent.

    ``code`` says what is wrong, ``field`` where, and ``params`` the figures
    (limit, length...), so that a caller can word a translated message.
    """

    def __init__(self, code, field, message, **params):
        super().__init__(message)
        self.code = code
        self.field = field
        self.params = params


class JseApiError(JseError):
    """jesignexpert.com answered with an error."""

    def __init__(self, message, status=None, endpoint=None):
        super().__init__(message)
        self.status = status
        self.endpoint = endpoint

    def call_is_absent(self, endpoint):
        """Whether this says the platform has no such call as ``endpoint``
        (ASSUMED, see ABSENT_STATUSES)."""
        return self.endpoint == endpoint and self.status in ABSENT_STATUSES


class JseAuthError(JseApiError):
    """403: the tokens are expired or revoked; the user must link again."""


class JseRequestRefused(JseApiError):
    """400: the platform refused the request; ``details`` says why."""

    def __init__(self, details, status=400, endpoint=None):
        super().__init__(f"jesignexpert.com refused the request: {details}", status, endpoint)
        self.details = details


class JseNotFound(JseApiError):
    """404: no such object (or, when fetching a link, the login expired)."""


class JseLinkExpired(JseNotFound):
    """404 on the link fetch: the login session expired, start again."""


class JseNotSupported(JseApiError):
    """405 or 501: the platform has no such call (it will not come by retrying)."""


class JseRateLimited(JseApiError):
    """429: too many requests; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after, endpoint=None):
        super().__init__(
            f"jesignexpert.com is rate limiting us: retry in {retry_after:g} s",
            429,
            endpoint,
        )
        self.retry_after = retry_after


class JseTransientError(JseApiError):
    """5xx, timeout or broken connection: worth trying again later."""


class JseDeadlineReached(JseTransientError):
    """The caller's deadline came before the call could be made (or tried
    again): nothing is wrong with jesignexpert.com, the work goes on later."""


class JseResponseError(JseApiError):
    """The answer was not what the API promises (bad JSON, too large...)."""


class JseUnreadableDocument(JseResponseError):
    """The signed document sent is not a readable PDF."""
