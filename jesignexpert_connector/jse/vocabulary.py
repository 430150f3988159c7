# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The platform's vocabulary: the statuses of a collection and of its
signers, and a collection ("transaction") as jesignexpert.com reports it.

ASSUMED, all of it: reading a transaction (``GET transaction/{id}``, the
change list) is not public, so neither are its fields nor its statuses.  An
answer is read tolerantly: what does not fit becomes an empty value and a
``Problem`` on the one record concerned, never an exception for the run.
"""

from dataclasses import dataclass

from .errors import JseResponseError

# ASSUMED: the statuses jesignexpert.com reports for a transaction and for a
# signatory, with the label Odoo shows.  This is the client's one list of them: Odoo's
# selection fields read it (the sandbox, apart, plays its own).  A status that is not here is
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


def transaction_id(value):
    """A transaction id as the platform gives it, as text; None when
    ``value`` is not one.  ASSUMED: the format of ids is not public.  An id
    is kept as the text the platform gives ("00123" stays "00123") and
    compared as such; a number is only written out, never parsed with int()."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        return None
    return value if isinstance(value, str) else str(value)


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
        tid = transaction_id(data.get("id")) if isinstance(data, dict) else None
        if tid is None:
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
            id=tid,
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
