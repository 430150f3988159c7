# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The jesignexpert.com "editor" API, as one package that imports nothing
from Odoo (tests/test_jse_package.py checks it).

jesignexpert.com publishes no open API reference: everything known of it is
gathered here, so that the day the partner documentation is at hand,
adapting the connector is a change to this package alone.  What was seen in
public material is marked KNOWN where it is used; what we had to assume (and
the local sandbox plays the same way) is marked ASSUMED, and lives nowhere
else.  The client never writes a secret or a token in a log line or an
exception message (what the platform says back is passed on as it comes).

Callers use the names below (``from .. import jse``, then ``jse.JseClient``):

- ``errors``: what went wrong, one class for each thing a caller may do;
- ``vocabulary``: statuses, and a transaction as the platform reports it;
- ``validation``: the platform's limits, checked before any request;
- ``documents``: where signers sign, what of a signed PDF is accepted;
- ``signing``: the linking calls' ``idRequest`` and HMAC;
- ``transport``: timeouts, retries, Retry-After, streamed downloads, deadline;
- ``linking``: linking a cabinet and a collaborator;
- ``changes``: reading a page of the change list;
- ``client``: ``JseClient`` and the calls on collections;
- ``platform_check`` and ``sweep`` (imported as modules): the check of the
  ASSUMED calls on a real platform, and when the daily check reads a
  collection again.
"""

from .changes import CHANGE_LIST, CHANGES_OVERLAP_MS, ChangesPage
from .client import ENVIRONMENTS, JseClient
from .documents import SIGN_FIELD_HEIGHT, SIGN_FIELD_WIDTH, SignedPdf, SignField, read_signed_pdf
from .errors import (
    ABSENT_STATUSES,
    JseApiError,
    JseAuthError,
    JseDeadlineReached,
    JseError,
    JseLinkExpired,
    JseNotFound,
    JseNotSupported,
    JseRateLimited,
    JseRequestRefused,
    JseResponseError,
    JseTransientError,
    JseUnreadableDocument,
    JseValidationError,
)
from .linking import USER_TOKEN_DAYS, LinkRequest, LinkResult
from .signing import link_signature, new_id_request
from .transport import HEADER_OFFICE, HEADER_USER, Download
from .validation import (
    INVITATION_MODES,
    MESSAGE_MAX,
    PDF_MAX_BYTES,
    SENDER_MAX,
    SUBJECT_MAX,
    TITLE_MAX,
    check_email,
    check_pdf,
    check_phone,
    check_signatories,
    check_title,
    check_transaction,
)
from .vocabulary import (
    CLOSED_STATUSES,
    DRAFT_STATUSES,
    OPEN_STATUSES,
    SIGNATORY_STATES,
    SIGNATORY_STATUSES,
    TRANSACTION_STATES,
    TRANSACTION_STATUSES,
    Problem,
    Signatory,
    Transaction,
)
