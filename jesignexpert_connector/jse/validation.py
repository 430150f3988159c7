# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What jesignexpert.com accepts, checked before any request is sent.

KNOWN platform rules: a title of at most 45 characters, a sender label and an
invitation subject of at most 100, a message of at most 4000; PDF only, at
most 10 MB a file; the invitation modes.  ASSUMED: the mobile phone in
international (E.164) format.  A refusal is a ``JseValidationError`` whose
``code``, ``field`` (the API's name of the field) and ``params`` let the
caller word it.
"""

import re

from .errors import JseValidationError

# KNOWN platform rules.
TITLE_MAX = 45
SENDER_MAX = 100
SUBJECT_MAX = 100
MESSAGE_MAX = 4000
PDF_MAX_BYTES = 10 * 1024 * 1024
INVITATION_MODES = ("sequential", "parallel")
NAME_MAX = 200  # a signer's name: ours, the platform states none

_EMAIL_RE = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
# ASSUMED: the mobile phone, in international (E.164) format.
_PHONE_RE = re.compile(r"^\+[1-9][0-9]{7,14}$")


def _fail(code, field_name, message, **params):
    raise JseValidationError(code, field_name, message, **params)


def _check_text(field_name, value, limit, required=True):
    """``value`` stripped; refused when required and empty, or longer than ``limit``."""
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


def check_signatory(name, email, phone=""):
    """One signer: a name, a valid e-mail, a mobile phone if any.  Returns
    them stripped, the phone in international format."""
    return _check_text("name", name, NAME_MAX), check_email(email), check_phone(phone)


def check_signatories(signatories):
    """Checks a list of (name, email, phone) before any request: at least one
    signer, a name and a valid e-mail each, no e-mail twice."""
    if not signatories:
        _fail("no_signer", "signatories", "a collection needs at least one signer")
    seen = set()
    for name, email, phone in signatories:
        _check_text("name", name, NAME_MAX)
        email = check_email(email).lower()
        if email in seen:
            _fail("duplicate_email", "email", f"two signers share the e-mail {email}", value=email)
        seen.add(email)
        check_phone(phone)
