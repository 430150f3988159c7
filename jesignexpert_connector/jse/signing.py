# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The signature of the account-linking calls (KNOWN, with the partner
documentation's test vector in tests/test_client_rules.py).

Each linking attempt has an ``idRequest``: 30 random characters from
[A-Za-z0-9].  A linking call carries ``ts``, the time in ms since the epoch,
and ``hmac`` = hex(HMAC-SHA256(key=secret, msg="shortcut||idRequest||ts")).
"""

import hashlib
import hmac
import secrets
import string
import time

from .errors import JseValidationError

ID_REQUEST_LENGTH = 30
ID_REQUEST_ALPHABET = string.ascii_letters + string.digits


def new_id_request():
    """30 random characters from [A-Za-z0-9], new for each linking attempt (KNOWN)."""
    return "".join(secrets.choice(ID_REQUEST_ALPHABET) for _ in range(ID_REQUEST_LENGTH))


def link_signature(shortcut, secret, id_request, ts):
    """hex(HMAC-SHA256(secret, "shortcut||idRequest||ts")) (KNOWN)."""
    msg = f"{shortcut}||{id_request}||{ts}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def sign_now(shortcut, secret, id_request):
    """A new signature of a linking call: (ts, HMAC), ``ts`` being now (KNOWN)."""
    if not secret:
        raise JseValidationError("required", "secret", "the integrator secret is required to link an account")
    ts = int(time.time() * 1000)
    return ts, link_signature(shortcut, secret, id_request, ts)
