# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How a request goes to jesignexpert.com and how its answer comes back.

Every request has a timeout.  Calls that may be repeated safely (reads,
uploads that replace, deletes, a cancel: the caller says ``idempotent``) are
retried on transient failures with bounded exponential backoff; a 429 is
retried on any call (a rate-limited request was not carried out) as long as
its ``Retry-After`` fits in ``max_retry_after``, else raised.  A ``deadline``
bounds every wait (see ``Transport``).  An HTTP error becomes one of the
errors of ``errors.py``; the client writes no token nor URL in a log line
or a message.

KNOWN: the tokens' headers; 400 with a ``details`` (a wrong HMAC); 403 for
expired or revoked tokens.  ASSUMED: 401 as 403; 429 with ``Retry-After``;
405 and 501 for a call the platform does not have; ``message`` as the
details of other errors.
"""

import hashlib
import logging
import random
import re
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests

from .errors import (
    JseApiError,
    JseAuthError,
    JseDeadlineReached,
    JseNotFound,
    JseNotSupported,
    JseRateLimited,
    JseRequestRefused,
    JseResponseError,
    JseTransientError,
    JseValidationError,
)

_logger = logging.getLogger(__name__)

USER_AGENT = "jesignexpert_connector/18.0 (Odoo)"
# KNOWN: every call but the linking ones carries the linked cabinet's token
# and the acting collaborator's.
HEADER_OFFICE = "JSE-EDITOR-TOKEN-OFFICE"
HEADER_USER = "JSE-EDITOR-TOKEN-USER"
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Download:
    """What a streamed download wrote: its size and SHA-256."""

    size: int
    sha256: str
    content_type: str = ""


class Transport:
    """One HTTP session to one platform (base URL, integrator shortcut,
    tokens), with its timeouts, retries and deadline.

    ``deadline`` (a ``time.monotonic()`` value, None for none) bounds every
    wait: no request is sent past it, each one's timeout (and a download's
    whole transfer) ends by it, a retry whose wait would pass it is not made,
    and a 429 is raised at once, never slept on (the caller, a scheduled job,
    decides when to come back).  Past it, ``JseDeadlineReached`` is raised.
    """

    def __init__(
        self,
        base_url,
        shortcut,
        office_token="",
        user_token="",
        *,
        timeout=30,
        transfer_timeout=120,
        max_retries=3,
        backoff=0.5,
        max_backoff=8.0,
        max_retry_after=30.0,
        session=None,
        sleep=time.sleep,
        deadline=None,
    ):
        # Both make every request's address: neither may bend its path.
        if not base_url or not re.match(r"^https?://", base_url):
            raise JseValidationError("invalid_url", "base_url", "the API base URL must start with http:// or https://")
        if not shortcut:
            raise JseValidationError("required", "shortcut", "the integrator shortcut is required")
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", shortcut):
            raise JseValidationError("invalid_choice", "shortcut", "the integrator shortcut has unexpected characters")
        self.base_url = base_url.rstrip("/")
        self.shortcut = shortcut
        self._office_token = office_token or ""
        self._user_token = user_token or ""
        self.timeout = timeout
        self.transfer_timeout = transfer_timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self.deadline = deadline
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        self.calls = 0  # HTTP requests sent, retries included (benchmarks read it)

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _headers(self, auth):
        if not auth:
            return {}
        if not self._office_token or not self._user_token:
            raise JseValidationError("not_linked", "token", "no jesignexpert.com account is linked")
        return {HEADER_OFFICE: self._office_token, HEADER_USER: self._user_token}

    def _call(self, method, path, endpoint, *, auth=True, idempotent=False, timeout=None, **kwargs):
        """The JSON answer of a call (None when it has no body)."""
        response = self._send(method, path, endpoint, auth=auth, idempotent=idempotent, timeout=timeout, **kwargs)
        with response:
            if response.status_code == 204 or not response.content:
                return None
            try:
                return response.json()
            except ValueError:
                raise JseResponseError(
                    f"jesignexpert.com sent an answer that is not JSON ({endpoint})",
                    response.status_code,
                    endpoint,
                ) from None

    def _download(self, path, endpoint, out, max_bytes, accept):
        """Streams the answer into the binary file ``out``, one chunk at a
        time (this method holds no more than a chunk); returns a ``Download``.
        Refused past ``max_bytes``; when it raises, ``out`` may hold part of
        the file."""
        response = self._send(
            "GET",
            path,
            endpoint,
            auth=True,
            idempotent=True,
            timeout=self.transfer_timeout,
            stream=True,
            accept=accept,
        )
        digest = hashlib.sha256()
        size = 0
        with response:
            try:
                for chunk in response.iter_content(chunk_size=CHUNK_BYTES):
                    if self.deadline is not None and time.monotonic() > self.deadline:
                        raise JseDeadlineReached(f"no time left to finish the download ({endpoint})", None, endpoint)
                    size += len(chunk)
                    if size > max_bytes:
                        raise JseResponseError(
                            f"jesignexpert.com sent more than {max_bytes} bytes ({endpoint})", endpoint=endpoint
                        )
                    digest.update(chunk)
                    out.write(chunk)
            except (requests.ConnectionError, requests.Timeout):
                raise JseTransientError(
                    f"the download from jesignexpert.com broke off ({endpoint})", endpoint=endpoint
                ) from None
            content_type = response.headers.get("Content-Type", "")
        return Download(size=size, sha256=digest.hexdigest(), content_type=content_type)

    def _send(self, method, path, endpoint, *, auth, idempotent, timeout=None, accept=None, **kwargs):
        headers = self._headers(auth)
        if accept:
            headers["Accept"] = accept
        url = self.base_url + path
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            wait = self._bounded(timeout or self.timeout, endpoint)
            self.calls += 1
            try:
                response = self.session.request(method, url, headers=headers, timeout=wait, **kwargs)
            except (requests.Timeout, requests.ConnectionError) as exc:
                # requests' messages hold the URL: never re-raise them as they are.
                kind = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
                _logger.info("jesignexpert.com %s %s: %s (attempt %d)", method, endpoint, kind, attempt)
                error = JseTransientError(f"jesignexpert.com: {kind} ({endpoint})", None, endpoint)
                if idempotent and attempt <= self.max_retries and self._may_wait(self._backoff(attempt)):
                    continue
                raise error from None
            _logger.debug(
                "jesignexpert.com %s %s -> %s in %.0f ms",
                method,
                endpoint,
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
            status = response.status_code
            if status < 400:
                return response
            error = error_of(response, endpoint)
            response.close()
            if isinstance(error, JseRateLimited):
                # With a deadline (a scheduled job), never slept on: raised for the caller to pause.
                if self.deadline is None and attempt <= self.max_retries and error.retry_after <= self.max_retry_after:
                    self._sleep(error.retry_after)
                    continue
            elif (
                isinstance(error, JseTransientError)
                and idempotent
                and attempt <= self.max_retries
                and self._may_wait(self._backoff(attempt))
            ):
                continue
            raise error

    def _bounded(self, timeout, endpoint):
        """``timeout``, cut to what is left before the deadline; raises
        JseDeadlineReached when nothing is left."""
        if self.deadline is None:
            return timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise JseDeadlineReached(f"no time left for this call ({endpoint})", None, endpoint)
        return min(timeout, left)

    def _may_wait(self, seconds):
        """Sleeps ``seconds`` before a retry, unless that passes the deadline."""
        if self.deadline is not None and time.monotonic() + seconds >= self.deadline:
            return False
        self._sleep(seconds)
        return True

    def _backoff(self, attempt):
        delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return delay * (0.5 + random.random() / 2)  # noqa: S311 (jitter, not crypto)


def error_of(response, endpoint):
    """The error an HTTP error answer stands for."""
    status = response.status_code
    details = _details_of(response)
    if status == 400:  # KNOWN: a refusal, with its details
        return JseRequestRefused(details or "no details given", status, endpoint)
    if status in (401, 403):  # KNOWN: 403; ASSUMED: 401 means the same
        return JseAuthError(
            "the jesignexpert.com access is expired or revoked: link the account again", status, endpoint
        )
    if status == 404:
        return JseNotFound(f"not found on jesignexpert.com ({endpoint})", status, endpoint)
    if status == 429:  # ASSUMED: rate limiting, with Retry-After
        return JseRateLimited(_retry_after(response.headers.get("Retry-After")), endpoint)
    if status in (405, 501):  # ASSUMED: a call the platform does not have, for good
        return JseNotSupported(f"jesignexpert.com has no such call: HTTP {status} ({endpoint})", status, endpoint)
    if status >= 500:
        return JseTransientError(f"jesignexpert.com failed with HTTP {status} ({endpoint})", status, endpoint)
    return JseApiError(f"jesignexpert.com answered HTTP {status} ({endpoint}) {details}".strip(), status, endpoint)


def _details_of(response):
    """The ``details`` jesignexpert.com gives with an error, if any (short)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    # KNOWN: ``details`` (with a wrong HMAC); ASSUMED: ``message`` elsewhere.
    details = body.get("details") or body.get("message") or "" if isinstance(body, dict) else ""
    if isinstance(details, list):
        details = "; ".join(str(d) for d in details)
    return str(details)[:500]


def _retry_after(value, default=5.0):
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP date)."""
    value = (value or "").strip()
    if not value:
        return default
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())
