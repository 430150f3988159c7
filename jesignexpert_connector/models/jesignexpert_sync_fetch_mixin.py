# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The signed documents that could not be fetched at once: tried again after
a growing wait, the initiator reminded when it lasts.  A mixin of
``jesignexpert.sync``, whose run calls ``_fetch_due`` and ``_remind_unfetched``."""

import logging
from datetime import timedelta
from time import monotonic

from odoo import api, fields, models

from .. import jse
from ..transactions import CONCURRENT_UPDATE, try_lock

_logger = logging.getLogger(__name__)

# A signed document that could not be fetched is tried again after a growing wait.
FETCH_RETRY_MINUTES = (5, 15, 60, 240, 720)
# After this many failed attempts in a row (more than an hour), the initiator is told.
FETCH_REMIND_ATTEMPTS = 4


class SignedNotAttached(Exception):
    """A signed document was read but could not be written home: the caller's
    savepoint undoes what was written, and the document is tried again later
    (its cause is the error met)."""


class JesignexpertSyncFetchMixin(models.AbstractModel):
    _name = "jesignexpert.sync.fetch.mixin"
    _description = "jesignexpert.com signed documents fetched again"

    # --------------------------------------------------- signed documents --

    @api.model
    def _fetch_due(self, deadline, report, companies=None):
        """Tries again the signed documents that could not be fetched, when
        their wait is over, with their cabinet's usable accesses (one that
        jesignexpert.com refuses makes way for the next, as in the change
        list's path); a cabinet asked to wait is left until then."""
        now = fields.Datetime.now()
        domain = [
            ("state", "=", "signed"),
            ("signed_attachment_id", "=", False),
            ("next_fetch_on", "<=", now),
        ]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        due = self.env["jesignexpert.collection"].sudo().search(domain, order="next_fetch_on")
        for firm, collections in due.grouped(lambda c: c._firm()).items():
            if firm.sync_paused_until and firm.sync_paused_until > now:
                continue  # jesignexpert.com asked this cabinet to wait
            if monotonic() > deadline:
                report.remaining += len(collections)
                continue
            with self._isolated(firm, "fetch"):
                for access in firm._usable_accesses():
                    try:
                        with firm._client(access) as client:
                            client.deadline = self._client_deadline(deadline)
                            self._fetch_collections(firm, client, collections, deadline, report)
                        break
                    except jse.JseAuthError:
                        self._refuse_access(access)

    @api.model
    def _fetch_collections(self, firm, client, collections, deadline, report):
        """_fetch_due for one cabinet's collections, with one access."""
        for n, collection in enumerate(collections):
            if monotonic() > deadline:
                report.remaining += len(collections) - n
                break
            report.done += 1
            try:
                with self.env.cr.savepoint():
                    rate_limited = None
                    # Read again under the lock: a user's "Refresh" may have
                    # taken it home since the search.
                    if try_lock(collection) and collection._still_unfetched():
                        # What it writes (chatter, notifications) is for the initiator.
                        rate_limited = collection.with_env(collection._initiator_env())._fetch(client)
            except CONCURRENT_UPDATE:  # another run wrote it meanwhile: it has it
                _logger.info("jesignexpert.com collection %s: changed meanwhile, left", collection.id)
                rate_limited = None
            except jse.JseDeadlineReached:  # the batch's time is over: the next one goes on
                report.remaining += len(collections) - n
                break
            except SignedNotAttached as error:  # undone with the savepoint: said on it, tried again later
                with self.env.cr.savepoint():
                    if try_lock(collection):
                        collection.with_env(collection._initiator_env())._fetch_unexpected(error.__cause__)
                rate_limited = None
            self._commit()
            if rate_limited:  # the cabinet's other documents wait as well
                wait = fields.Datetime.now() + timedelta(seconds=rate_limited.retry_after)
                self._write_cabinet(firm, {"sync_paused_until": wait})
                self._commit()
                break

    @api.model
    def _remind_unfetched(self):
        """A signed document still not fetched after 3 days (jesignexpert.com
        keeps it a month) raises an activity for the initiator, once."""
        late = (
            self.env["jesignexpert.collection"]
            .sudo()
            .search(
                [
                    ("state", "=", "signed"),
                    ("signed_attachment_id", "=", False),
                    ("completed_on", "<", fields.Datetime.now() - timedelta(days=3)),
                    ("fetch_reminded", "=", False),
                ]
            )
        )
        late._remind_fetch()

    @api.model
    def _retry_wait(self, attempts):
        """How long a signed document that could not be fetched waits."""
        return timedelta(minutes=FETCH_RETRY_MINUTES[min(attempts, len(FETCH_RETRY_MINUTES)) - 1])
