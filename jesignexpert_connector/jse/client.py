"""The jesignexpert.com "editor" API, in one module.

jesignexpert.com publishes no open API reference: everything known of it is
gathered here, so that the day the partner documentation is at hand, adapting
the connector is a change to this one file.  Calls seen in public material are
marked KNOWN; calls and fields that we had to assume (and that our local
sandbox implements the same way) are marked ASSUMED.

This module imports nothing from Odoo: it is tested on its own.  It never puts
a secret or a token in a log line or in an exception message.
"""

import hashlib
import hmac
import json
import logging
import random
import re
import secrets
import string
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import requests
from pypdf import PdfReader
from pypdf.errors import PyPdfError

_logger = logging.getLogger(__name__)

USER_AGENT = "jesignexpert_connector/18.0 (Odoo)"

# Default base URLs of the two environments of the platform; each is a
# setting (system parameter), and any other base URL, such as the local
# sandbox's, can be given instead.  KNOWN: public integration code uses the
# pre-production host below.  ASSUMED: the production host.
ENVIRONMENTS = {
    "production": "https://www.jesignexpert.com",
    "preproduction": "https://ecma-preprod.reeliant.net",
}

# KNOWN platform rules.
TITLE_MAX = 45
SENDER_MAX = 100
SUBJECT_MAX = 100
MESSAGE_MAX = 4000
PDF_MAX_BYTES = 10 * 1024 * 1024
EXPIRY_DAYS = 15
RETENTION_DAYS = 30
# KNOWN as reported, not documented: a collaborator's token is said to last
# 5 days.  Tokens are used until jesignexpert.com refuses them (403); this is
# only when a reminder to link again is due.
USER_TOKEN_DAYS = 5
ID_REQUEST_LENGTH = 30
ID_REQUEST_ALPHABET = string.ascii_letters + string.digits
INVITATION_MODES = ("sequential", "parallel")
# ASSUMED: the room a signature takes on the page, in PDF points.
SIGN_FIELD_WIDTH = 170
SIGN_FIELD_HEIGHT = 42

# ASSUMED: the statuses jesignexpert.com reports for a transaction and for a
# signatory, with the label Odoo shows.  This is the one list of them: Odoo's
# selection fields and the sandbox read it.  A status that is not here is
# reported as unknown on its one record, never raised.
TRANSACTION_STATES = (
    ("draft", "Draft"),
    ("prepared", "Prepared"),
    ("sent", "Sent"),
    ("signed", "Signed"),
    ("refused", "Refused"),
    ("expired", "Expired"),
    ("cancelled", "Cancelled"),
)
SIGNATORY_STATES = (("waiting", "Waiting"), ("invited", "Invited"), ("signed", "Signed"), ("refused", "Refused"))
TRANSACTION_STATUSES = tuple(key for key, _label in TRANSACTION_STATES)
SIGNATORY_STATUSES = tuple(key for key, _label in SIGNATORY_STATES)
OPEN_STATUSES = ("draft", "prepared", "sent")  # a collection in progress
DRAFT_STATUSES = ("draft", "prepared")  # not sent yet: it may be deleted
CLOSED_STATUSES = ("refused", "expired", "cancelled")  # ended without a signed document
# ASSUMED: how a page of the change list wraps its transactions.  Ours is
# {"items": [...], "hasMore": bool}; two other common wrappings are read as
# well: {"data": [...], "hasMore": bool} and a Spring page {"content": [...],
# "last": bool}.  Any other shape is refused with a clear error (it names the
# keys that came), never read as an empty page.
LIST_SHAPES = ("items", "data", "content")
# ASSUMED: the change list's stamps may be committed out of order on the
# platform's side; each run reads again the last minute before its position.
CHANGES_OVERLAP_MS = 60 * 1000

# HTTP statuses that say a call does not exist on the platform (not found,
# method not allowed, not implemented).
ABSENT_STATUSES = (404, 405, 501)

HEADER_OFFICE = "JSE-EDITOR-TOKEN-OFFICE"
HEADER_USER = "JSE-EDITOR-TOKEN-USER"

_EMAIL_RE = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
# ASSUMED: the mobile phone, in international (E.164) format.
_PHONE_RE = re.compile(r"^\+[1-9][0-9]{7,14}$")


# ---------------------------------------------------------------- errors ----


class JseError(Exception):
    """Base of every error of this module; its message holds no secret."""


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


# ------------------------------------------------------------- data types ----


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


@dataclass(frozen=True)
class SignField:
    """Where a signer signs on a document (KNOWN fields of ``SignFields``).

    ASSUMED: ``x`` and ``y`` are PDF points from the top-left corner of the
    page; ``page`` starts at 1, -1 meaning the last page; ``order`` numbers the
    fields of a document, and a signatory's ``positions`` lists the orders of
    the fields it signs.
    """

    order: int
    page: int
    x: float
    y: float
    without_logo: bool = False

    def to_json(self):
        return {
            "order": self.order,
            "positionX": round(self.x, 2),
            "positionY": round(self.y, 2),
            "page": self.page,
            "withoutLogo": self.without_logo,
        }


@dataclass(frozen=True)
class Problem:
    """Something odd in an answer of jesignexpert.com, kept on its one record.

    ``code`` says what (``unknown_status``, ``no_status``, ``no_signatories``,
    ``unknown_signatory_status``, ``unreadable_item``, ``extra_pages``,
    ``fewer_pages``, ``no_signature``), ``value`` what was reported."""

    code: str
    value: str = ""


def _ms(value):
    """A time in ms since the epoch, or None when missing or not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _text(value):
    return value if isinstance(value, str) else ""


def _status(reported, known):
    """The known status that ``reported`` names, else None.  ASSUMED: the
    case of status names is not public ("signed", "SIGNED" and "Signed" are
    one status), nor are surrounding spaces meaningful."""
    status = reported.strip().lower()
    return status if status in known else None


@dataclass(frozen=True)
class Signatory:
    """A signer as jesignexpert.com reports it.  ``status`` is one of
    SIGNATORY_STATUSES, or None when the platform reported another one
    (``reported_status`` holds what it said)."""

    level: int
    name: str
    email: str
    status: str | None = "waiting"
    phone: str = ""
    signed_at: int | None = None
    refused_at: int | None = None
    reported_status: str = ""

    @classmethod
    def from_json(cls, data):
        reported = _text(data.get("status"))
        level = data.get("level")
        return cls(
            level=level if isinstance(level, int) and not isinstance(level, bool) else 0,
            name=_text(data.get("name")),
            email=_text(data.get("email")),
            status=_status(reported, SIGNATORY_STATUSES),
            phone=_text(data.get("phone")),
            signed_at=_ms(data.get("signedAt")),
            refused_at=_ms(data.get("refusedAt")),
            reported_status=reported,
        )


@dataclass(frozen=True)
class Transaction:
    """A signature collection as jesignexpert.com reports it (ASSUMED shape).

    Read tolerantly: ``status`` is one of TRANSACTION_STATUSES or None (the
    platform said something else, kept in ``reported_status``); missing or
    odd fields become empty values, and ``problems`` says what was odd, so
    that the one collection concerned can tell a person."""

    id: str
    status: str | None
    url: str = ""
    title: str = ""
    updated_at: int | None = None
    sent_at: int | None = None
    expires_at: int | None = None
    signatories: tuple = ()
    documents: tuple = ()
    reported_status: str = ""
    problems: tuple = ()

    @classmethod
    def from_json(cls, data):
        if not isinstance(data, dict) or not isinstance(data.get("id"), (str, int)) or data.get("id") == "":
            raise JseResponseError("jesignexpert.com sent a transaction without id")
        reported = _text(data.get("status"))
        problems = []
        if not reported:
            problems.append(Problem("no_status"))
        elif not _status(reported, TRANSACTION_STATUSES):
            problems.append(Problem("unknown_status", reported))
        raw_signatories = data.get("signatories")
        if not isinstance(raw_signatories, list):
            raw_signatories = []
        signatories = tuple(Signatory.from_json(s) for s in raw_signatories if isinstance(s, dict))
        if not signatories:
            problems.append(Problem("no_signatories"))
        problems.extend(
            Problem("unknown_signatory_status", f"{s.name or s.level}: {s.reported_status or '-'}")
            for s in signatories
            if s.status is None
        )
        documents = data.get("documents")
        return cls(
            # ASSUMED: the format of ids is not public.  An id is kept as the
            # text the platform gives ("00123" stays "00123") and compared as
            # such; a number is only written out, never parsed with int().
            id=data["id"] if isinstance(data["id"], str) else str(data["id"]),
            status=_status(reported, TRANSACTION_STATUSES),
            url=_text(data.get("url")),
            title=_text(data.get("object")),
            updated_at=_ms(data.get("updatedAt")),
            sent_at=_ms(data.get("sentAt")),
            expires_at=_ms(data.get("expiresAt")),
            signatories=signatories,
            documents=tuple(documents) if isinstance(documents, list) else (),
            reported_status=reported,
            problems=tuple(problems),
        )

    @property
    def completed_at(self):
        """When the last signer signed, if jesignexpert.com said."""
        stamps = [s.signed_at for s in self.signatories if s.signed_at]
        return max(stamps) if stamps else None


@dataclass(frozen=True)
class ChangesPage:
    """One page of the change list.  ``position`` is the (stamp, id) of its
    last transaction: the next page, and the next run, start after it."""

    transactions: tuple
    has_more: bool
    position: tuple | None = None
    continuation: str = ""
    problems: tuple = ()
    shape: str = "items"  # the key the page's transactions came under (see LIST_SHAPES)


@dataclass(frozen=True)
class SignedPdf:
    """What a signed PDF holds, as read by ``read_signed_pdf``."""

    pages: int
    notes: tuple = ()  # Problems worth telling a person; none refuses the file


@dataclass(frozen=True)
class Download:
    """What a streamed download wrote: its size and SHA-256."""

    size: int
    sha256: str
    content_type: str = ""


# ------------------------------------------------------------- signature ----


def new_id_request(rng=None):
    """30 random characters from [A-Za-z0-9], new for each linking attempt (KNOWN)."""
    rng = rng or secrets.SystemRandom()
    return "".join(rng.choice(ID_REQUEST_ALPHABET) for _ in range(ID_REQUEST_LENGTH))


def link_signature(shortcut, secret, id_request, ts):
    """hex(HMAC-SHA256(secret, "shortcut||idRequest||ts")) (KNOWN)."""
    msg = f"{shortcut}||{id_request}||{ts}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


# ------------------------------------------------------------ validation ----


def _fail(code, field_name, message, **params):
    raise JseValidationError(code, field_name, message, **params)


def _check_text(field_name, value, limit, required=True):
    value = (value or "").strip()
    if required and not value:
        _fail("required", field_name, f"{field_name} is required")
    if len(value) > limit:
        _fail(
            "too_long",
            field_name,
            f"{field_name} has {len(value)} characters, at most {limit} are allowed",
            limit=limit,
            length=len(value),
        )
    return value


def check_email(value, field_name="email"):
    value = (value or "").strip()
    if not value:
        _fail("required", field_name, f"{field_name} is required")
    if not _EMAIL_RE.match(value):
        _fail("invalid_email", field_name, f"{value!r} is not a valid e-mail address", value=value)
    return value


def check_phone(value, field_name="phone"):
    """Normalises a mobile number to international format (+33612345678)."""
    value = re.sub(r"[\s.()-]", "", value or "")
    if not value:
        return ""
    if value.startswith("00"):
        value = "+" + value[2:]
    elif re.match(r"^0[67][0-9]{8}$", value):  # a French mobile number
        value = "+33" + value[1:]
    if not _PHONE_RE.match(value):
        _fail("invalid_phone", field_name, f"{value!r} is not a mobile number in international format")
    return value


def check_pdf(content, filename="document.pdf"):
    """PDF only, at most 10 MB (KNOWN platform rules)."""
    if not content:
        _fail("required", "file", "the document is empty")
    if len(content) > PDF_MAX_BYTES:
        _fail(
            "too_large",
            "file",
            f"{filename} weighs {len(content)} bytes, at most {PDF_MAX_BYTES} are allowed",
            limit=PDF_MAX_BYTES,
            size=len(content),
        )
    if not bytes(content[:1024]).lstrip().startswith(b"%PDF-"):
        _fail("not_pdf", "file", f"{filename} is not a PDF file")


def read_signed_pdf(stream, original_pages=0):
    """ASSUMED acceptance rule of a signed document: any readable PDF is
    taken home; what differs from the original is noted, never refused (the
    trust provider may append a certificate page).  Raises
    JseResponseError when the file is not a readable PDF."""
    try:
        reader = PdfReader(stream)
        pages = len(reader.pages)
        fields_ = (reader.trailer["/Root"].get("/AcroForm") or {}).get("/Fields") or []
        signed = any(
            (f.get_object().get("/V") or {}).get_object().get("/Type") == "/Sig"
            for f in fields_
            if f.get_object().get("/V") is not None
        )
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise JseUnreadableDocument(f"the signed document is not a readable PDF ({error.__class__.__name__})") from None
    if not pages:
        raise JseUnreadableDocument("the signed document is not a readable PDF (no page)")
    notes = []
    if original_pages and pages > original_pages:
        notes.append(Problem("extra_pages", str(pages - original_pages)))
    elif original_pages and pages < original_pages:
        notes.append(Problem("fewer_pages", str(original_pages - pages)))
    if not signed:
        notes.append(Problem("no_signature"))
    return SignedPdf(pages=pages, notes=tuple(notes))


def check_title(title):
    """A collection's title: required, at most 45 characters (KNOWN)."""
    return _check_text("object", title, TITLE_MAX)


def check_transaction(title, message, mail_sender, mail_subject, invitation_mode):
    """Checks a new transaction's fields; returns them stripped."""
    title = check_title(title)
    message = _check_text("message", message, MESSAGE_MAX, required=False)
    mail_sender = _check_text("mailSender", mail_sender, SENDER_MAX)
    mail_subject = _check_text("mailSubject", mail_subject, SUBJECT_MAX)
    if invitation_mode not in INVITATION_MODES:
        _fail("invalid_choice", "invitationMode", f"unknown invitation mode {invitation_mode!r}")
    return title, message, mail_sender, mail_subject


def check_signatories(signatories):
    """Checks a list of (name, email, phone) before any request: at least one
    signer, a name and a valid e-mail each, no e-mail twice."""
    if not signatories:
        _fail("no_signer", "signatories", "a collection needs at least one signer")
    seen = set()
    for name, email, phone in signatories:
        _check_text("name", name, 200)
        email = check_email(email).lower()
        if email in seen:
            _fail("duplicate_email", "email", f"two signers share the e-mail {email}", value=email)
        seen.add(email)
        check_phone(phone)


# ---------------------------------------------------------------- client ----


class JseClient:
    """One client per (base URL, integrator, tokens), with its own HTTP session.

    Every call has a timeout.  Idempotent calls (GET, PUT, DELETE) are retried
    on transient failures with bounded exponential backoff; a 429 is retried on
    any call (a rate-limited request was not carried out) as long as its
    ``Retry-After`` fits in ``max_retry_after``, else raised.

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
        secret="",
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
        if not base_url or not re.match(r"^https?://", base_url):
            raise JseValidationError("invalid_url", "base_url", "the API base URL must start with http:// or https://")
        if not shortcut:
            raise JseValidationError("required", "shortcut", "the integrator shortcut is required")
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", shortcut):
            raise JseValidationError("invalid_choice", "shortcut", "the integrator shortcut has unexpected characters")
        self.base_url = base_url.rstrip("/")
        self.shortcut = shortcut
        self._secret = secret or ""
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

    def __repr__(self):
        return f"<JseClient {self.base_url} {self.shortcut}>"

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------ linking --

    def _signature(self, id_request):
        """A new signature of a linking call: (ts, HMAC) (KNOWN)."""
        if not self._secret:
            raise JseValidationError("required", "secret", "the integrator secret is required to link an account")
        ts = int(time.time() * 1000)
        return ts, link_signature(self.shortcut, self._secret, id_request, ts)

    def _signed_path(self, action, id_request, ts, mac):
        return f"/editor/{self.shortcut}/token/officeAndUser/{action}/{id_request}/{mac}", {"ts": ts}

    def start_link(self, success_url, callback_url=None, id_request=None):
        """KNOWN: asks for the page where a person logs in and picks a cabinet.

        Nothing public says that the browser comes back to ``success_url``
        with anything appended (an ``idRequest`` parameter, say): ASSUMED
        nothing, so ``success_url`` must itself say which attempt it ends."""
        id_request = id_request or new_id_request()
        ts, mac = self._signature(id_request)
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
        readings = [self._signature(id_request)]
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

    # ------------------------------------------------------- transactions --

    def create_transaction(
        self,
        title,
        message,
        mail_sender,
        mail_subject,
        invitation_mode="sequential",
        locked=False,
        handwritten=False,
    ):
        """KNOWN: creates a transaction; returns its id."""
        title, message, mail_sender, mail_subject = check_transaction(
            title, message, mail_sender, mail_subject, invitation_mode
        )
        body = {
            "object": title,
            "message": message,
            "mailSender": mail_sender,
            "mailSubject": mail_subject,
            "notification": "ALL",
            "locked": bool(locked),
            "invitationMode": invitation_mode,
            "signatureRequirementMode": "ALL",
            "isHandwrittenSignatureActive": bool(handwritten),
        }
        data = self._call("POST", self._tx(), "transaction.create", json=body)
        tid = data.get("id") if isinstance(data, dict) else None
        if isinstance(tid, bool) or not isinstance(tid, str | int) or tid == "":
            raise JseResponseError("jesignexpert.com sent no transaction id", endpoint="transaction.create")
        return tid if isinstance(tid, str) else str(tid)  # ASSUMED format: see Transaction.from_json

    def upload_file(self, transaction_id, order, content, filename, sign_fields):
        """KNOWN: uploads a PDF (multipart ``file``) with its ``SignFields``."""
        check_pdf(content, filename)
        fields = [f.to_json() for f in sign_fields]
        files = {
            "file": (filename, content, "application/pdf"),
            "SignFields": (None, json.dumps(fields), "application/json"),
        }
        self._call(
            "PUT",
            self._tx(transaction_id, f"uploadFile/{int(order)}"),
            "transaction.upload",
            files=files,
            idempotent=True,  # PUT replaces the document of that order
            timeout=self.transfer_timeout,
        )

    def add_signatory(self, transaction_id, name, email, level, positions, phone=""):
        """KNOWN: adds a signer; ``level`` is its rank.  ASSUMED: ``phone``."""
        _check_text("name", name, 200)
        body = {
            "name": name.strip(),
            "email": check_email(email),
            "level": int(level),
            "positions": [int(p) for p in positions],
        }
        phone = check_phone(phone)
        if phone:
            body["phone"] = phone
        self._call("POST", self._tx(transaction_id, "signatory"), "transaction.signatory", json=body)

    def save_draft(self, transaction_id):
        """KNOWN: leaves the transaction as a draft to finish on jesignexpert.com.

        Returns the draft's page URL when the answer gives one (ASSUMED
        ``url``), else ""."""
        data = self._call("POST", self._tx(transaction_id, "draft"), "transaction.draft")
        url = data.get("url") if isinstance(data, dict) else None
        return url if isinstance(url, str) and re.match(r"^https?://", url) else ""

    def send(self, transaction_id):
        """KNOWN: sends the transaction to its signers."""
        self._call("POST", self._tx(transaction_id, "send"), "transaction.send")

    def get_transaction(self, transaction_id):
        """ASSUMED: one transaction, with its page ``url`` and statuses."""
        return Transaction.from_json(self.get_transaction_answer(transaction_id))

    def get_transaction_answer(self, transaction_id):
        """The JSON of ``get_transaction`` as it came (the platform check reads
        the id's format and the statuses' case in it)."""
        return self._call("GET", self._tx(transaction_id), "transaction.get", idempotent=True)

    def list_changes(self, updated_since, after_id=None, continuation=None):
        """ASSUMED: one page of the transactions changed since a position,
        oldest first, ordered by (``updatedAt``, ``id``).

        Keyset paging: a page asks for what comes after the last (stamp, id)
        taken, so that a transaction changing while the pages are read moves
        to a later page instead of making another one slip between two pages.
        When the platform gives an opaque ``next`` continuation, it is used
        instead.  Items that cannot be read are reported in ``problems``;
        the others are returned."""
        params = {"updatedSince": int(updated_since)}
        if after_id:
            params["afterId"] = str(after_id)
        if continuation:
            params["continuation"] = continuation
        data = self._call("GET", self._tx(), "transaction.list", params=params, idempotent=True)
        shape = _list_shape(data)
        transactions, problems, position = [], [], None
        for item in data[shape]:
            try:
                transaction = Transaction.from_json(item)
            except JseResponseError:
                problems.append(Problem("unreadable_item", str(item)[:200]))
                continue
            transactions.append(transaction)
            if transaction.updated_at is not None:
                position = (transaction.updated_at, transaction.id)
        nxt = data.get("next")
        has_more = data.get("hasMore")
        if has_more is None and isinstance(data.get("last"), bool):  # a Spring page
            has_more = not data["last"]
        return ChangesPage(
            transactions=tuple(transactions),
            has_more=bool(has_more),
            position=position,
            continuation=nxt if isinstance(nxt, str) else "",
            problems=tuple(problems),
            shape=shape,
        )

    def iter_change_pages(self, updated_since, after_id=None, max_pages=1000):
        """Every page of the change list from a position, one after the other.
        Raises JseResponseError when the pages do not move forward."""
        position, continuation = (int(updated_since), after_id or ""), None
        for _page in range(max_pages):
            page = self.list_changes(position[0], position[1], continuation)
            yield page
            if not page.has_more:
                return
            if page.continuation:
                continuation = page.continuation
            elif page.position is None or page.position <= position:
                raise JseResponseError(
                    "jesignexpert.com's change list does not move forward", endpoint="transaction.list"
                )
            position = page.position or position
        raise JseResponseError("jesignexpert.com keeps sending pages", endpoint="transaction.list")

    def iter_changed_transactions(self, updated_since):
        """Every transaction changed since ``updated_since`` (ms), page after page."""
        for page in self.iter_change_pages(updated_since):
            yield from page.transactions

    def check_credentials(self, return_url):
        """Whether jesignexpert.com accepts the integrator shortcut and secret:
        starts a link (which needs no user) and leaves it unused.  Raises
        JseRequestRefused (wrong secret or shortcut) or another JseError."""
        self.start_link(return_url)
        return True

    def download_document(self, transaction_id, order, out, max_bytes=PDF_MAX_BYTES * 2):
        """ASSUMED: streams the signed PDF into the binary file ``out``.

        Returns a ``Download`` (size, SHA-256).  It never holds the whole file
        in memory.  When it raises, ``out`` may hold part of the file: discard
        it and download again.
        """
        path = self._tx(transaction_id, f"document/{int(order)}")
        return self._download(path, "transaction.document", out, max_bytes, accept="application/pdf, */*")

    def download_proof(self, transaction_id, out, max_bytes=PDF_MAX_BYTES * 5):
        """ASSUMED: streams the proof file into ``out`` (as ``download_document``)."""
        return self._download(self._tx(transaction_id, "proof"), "transaction.proof", out, max_bytes, accept="*/*")

    def download_proof_if_any(self, transaction_id, out, max_bytes=PDF_MAX_BYTES * 5):
        """The proof file into ``out``, or None when the platform has no such
        call (ASSUMED: 404, 405 or 501 on the proof of a transaction whose
        signed document was just downloaded means the call does not exist;
        the signed document then comes home without its proof)."""
        try:
            return self.download_proof(transaction_id, out, max_bytes)
        except JseApiError as error:
            if error.status in ABSENT_STATUSES:
                _logger.info(
                    "jesignexpert.com has no proof call (HTTP %s): the signed document comes alone", error.status
                )
                return None
            raise

    def cancel_transaction(self, transaction_id):
        """ASSUMED: cancels a transaction that is not over (draft or sent): its
        signers can no longer sign.  Cancelling it twice changes nothing, so
        the call is retried like an idempotent one."""
        self._call("POST", self._tx(transaction_id, "cancel"), "transaction.cancel", idempotent=True)

    def delete_transaction(self, transaction_id):
        """ASSUMED: deletes a draft.  Deleting one already gone is not an error."""
        try:
            self._call("DELETE", self._tx(transaction_id), "transaction.delete", idempotent=True)
        except JseNotFound:
            return False
        return True

    # ----------------------------------------------------------- plumbing --

    def _tx(self, transaction_id=None, action=None):
        path = f"/editor/{self.shortcut}/transaction"
        if transaction_id is not None:
            path += "/" + quote(str(transaction_id), safe="")
        if action:
            path += f"/{action}"
        return path

    def _headers(self, auth):
        if not auth:
            return {}
        if not self._office_token or not self._user_token:
            raise JseValidationError("not_linked", "token", "no jesignexpert.com account is linked")
        return {HEADER_OFFICE: self._office_token, HEADER_USER: self._user_token}

    def _call(self, method, path, endpoint, *, auth=True, idempotent=False, timeout=None, **kwargs):
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
                for chunk in response.iter_content(chunk_size=64 * 1024):
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
            error = self._error_of(response, endpoint)
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

    @staticmethod
    def _error_of(response, endpoint):
        status = response.status_code
        details = _details_of(response)
        if status == 400:
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


def _list_shape(data):
    """The key under which a change-list page holds its transactions (see
    LIST_SHAPES), else a JseResponseError naming what came."""
    if isinstance(data, dict):
        for shape in LIST_SHAPES:
            if isinstance(data.get(shape), list):
                return shape
        keys = ", ".join(sorted(str(k) for k in data)[:10]) or "none"
    else:
        keys = type(data).__name__
    raise JseResponseError(
        f"jesignexpert.com sent the change list in a shape we do not read (keys: {keys[:200]})",
        endpoint="transaction.list",
    )


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
