# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scheduled synchronisation: what changed on jesignexpert.com comes home.

One run reads, for each distinct cabinet (one cabinet may serve many
companies), the change list from where the last run stopped, page after page
(keyset paging), and takes each transaction into its company's collection
under a row lock that a concurrent run skips.  Each collection is committed on
its own and the cabinet's position is saved after each page, so that a run
killed at any moment loses nothing.  A run works in batches that stay well
inside the cron's time limit and tells Odoo, through the cron progress API,
that work remains: Odoo then runs it again at once.  One cabinet's trouble,
expected or not, is shown on that cabinet and never stops the others.
"""

import logging
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime, timedelta
from time import monotonic

from odoo import api, fields, models
from odoo.tools import config

from .. import jse
from ..transactions import CONCURRENT_UPDATE, Report, commit, try_lock
from .jesignexpert_chatter import Chatter

_logger = logging.getLogger(__name__)


# Odoo runs a cron job's batches up to 10 times in a row (ir_cron's
# MAX_BATCH_PER_CRON_JOB), all within one cron time limit.
CRON_BATCHES_PER_RUN = 10
# Half of the cron time limit is ours; the rest is the margin for the other jobs.
SHARE_OF_CRON_LIMIT = 0.5


class JesignexpertSync(models.AbstractModel):
    _name = "jesignexpert.sync"
    _description = "jesignexpert.com synchronisation"
    # The reconciliation sweep (its hooks are called below: where the change
    # list is read, and at the end of a run) and the fetch of the signed
    # documents that could not be fetched at once.
    _inherit = ["jesignexpert.sync.sweep.mixin", "jesignexpert.sync.fetch.mixin"]

    # ------------------------------------------------------------ entry --

    @api.model
    def _cron_sync(self, auto_commit=True):
        """The scheduled action: one batch, then the progress for Odoo."""
        report = self.with_context(jesignexpert_auto_commit=auto_commit)._run(self._deadline())
        self.env["ir.cron"]._notify_progress(done=report.done, remaining=report.remaining)
        return report

    @api.model
    def _deadline(self):
        """When this batch stops: a share of the cron time limit, split over
        the batches Odoo may chain in one run, and never past that share of
        the limit counted from the start of this cron thread's run."""
        limit = config.get("limit_time_real_cron") or -1
        if limit <= 0:
            limit = config.get("limit_time_real") or 120
        budget = limit * SHARE_OF_CRON_LIMIT
        param = self.env["ir.config_parameter"].sudo().get_param("jesignexpert_connector.sync_batch_seconds")
        try:
            batch = float(param) if param else budget / CRON_BATCHES_PER_RUN
        except ValueError:
            batch = budget / CRON_BATCHES_PER_RUN
        started = getattr(threading.current_thread(), "start_time", None)
        if started:
            batch = min(batch, started + budget - time.time())
        return monotonic() + max(1.0, batch)

    @api.model
    def _client_deadline(self, deadline):
        """The batch's ``deadline`` on the clock the client reads: no HTTP
        call, nor a wait between two, outlives the batch."""
        return time.monotonic() + max(0.0, deadline - monotonic())

    @api.model
    def _run(self, deadline, firms=None):
        """Every cabinet's news (or only ``firms``'), the signed documents
        still to fetch, the reminders; returns a Report."""
        report = Report()
        for group in self._cabinets(firms):
            if monotonic() > deadline:
                report.remaining += 1
                continue
            with self._isolated(group, "sync"):
                if not self._sync_cabinet(group, deadline, report):
                    report.remaining += 1
        if firms is None:
            self._fetch_due(deadline, report)
            self._remind_unfetched()
        else:  # a manager's "Synchronise now": their cabinet's documents only
            self._fetch_due(deadline, report, firms.company_id)
        self._commit()
        self._sweep_alone(deadline, firms, report)
        return report

    # ---------------------------------------------------------- helpers --

    def _commit(self):
        """See transactions.commit."""
        commit(self.env)

    @contextmanager
    def _isolated(self, firms, what):
        """Runs the body so that an unexpected error is undone, logged and
        shown on ``firms`` (the cabinet), and the run goes on."""
        auto = self.env.context.get("jesignexpert_auto_commit")
        try:
            if auto:
                yield
            else:
                with self.env.cr.savepoint():
                    yield
        except Exception as error:  # one cabinet's trouble must not stop the others
            if auto:
                self.env.cr.rollback()
            _logger.exception("jesignexpert.com %s of cabinet %s failed", what, firms.ids)
            message = self.env._("Unexpected error during the synchronisation: %s", error.__class__.__name__)
            if isinstance(error, jse.JseError):
                message = self.env["jesignexpert.api"]._error_message(error)
            self._write_cabinet(firms.sudo(), {"sync_error": message[:300], "last_sync_on": fields.Datetime.now()})
            self._commit()

    @api.model
    def _write_cabinet(self, group, values):
        """Writes on the cabinet's rows now, unless another run holds them or
        wrote them meanwhile (it is telling the same news): a run never fails
        at its commit for a note on the cabinet."""
        try:
            with self.env.cr.savepoint():  # flushed inside: any conflict shows here, the locks' too
                if all(try_lock(firm, savepoint=False) for firm in group):
                    group.write(values)
                    return True
        except CONCURRENT_UPDATE as error:
            _logger.info("jesignexpert.com cabinet %s changed meanwhile (%s)", group.ids, error.pgcode)
        _logger.info("jesignexpert.com cabinet %s: another run writes on it, left to it", group.ids)
        return False

    @api.model
    def _cabinets(self, firms=None):
        """The linked cabinets to ask, grouped by jesignexpert.com cabinet
        (companies linked to the same one share one change list), the one
        synchronised longest ago first; cabinets asked to wait are left."""
        now = fields.Datetime.now()
        if firms is None:
            firms = self.env["jesignexpert.firm"].sudo().search([("state", "=", "linked")])
        groups = defaultdict(lambda: self.env["jesignexpert.firm"].sudo())
        for firm in firms.sudo():
            if firm.state == "linked" and not (firm.sync_paused_until and firm.sync_paused_until > now):
                groups[firm.office_token] |= firm
        return self._with_change_list(
            sorted(groups.values(), key=lambda g: min(f.last_sync_on or datetime.min for f in g))
        )

    # ---------------------------------------------------------- cabinet --

    @api.model
    def _refuse_access(self, access):
        """jesignexpert.com refused ``access`` (403): it is marked so, and
        committed, whichever run says it first."""
        try:
            with self.env.cr.savepoint():
                access._refused()
        except CONCURRENT_UPDATE:  # another run refused it at the same time
            _logger.info("jesignexpert.com access %s: refused by another run too", access.id)
        self._commit()

    @api.model
    def _sync_cabinet(self, group, deadline, report):
        """Reads the cabinet's change list with the first access that
        jesignexpert.com accepts; an access it refuses is marked so and the
        next one is tried; with none left the cabinet says so.  Returns
        whether the cabinet is done for this run."""
        for access in group._usable_accesses():
            try:
                with group[0]._client(access) as client:
                    client.deadline = self._client_deadline(deadline)
                    try:
                        finished = self._read_changes(client, group, deadline, report)
                    except jse.JseApiError as error:
                        finished = self._change_list_absent(group, error)
            except jse.JseAuthError:
                self._refuse_access(access)
                continue
            except jse.JseRateLimited as error:
                # Honour Retry-After: no call to this cabinet before then.
                wait = fields.Datetime.now() + timedelta(seconds=error.retry_after)
                self._write_cabinet(group, {"sync_paused_until": wait})
                _logger.info("jesignexpert.com sync of cabinet %s paused %.0f s", group.ids, error.retry_after)
                finished = True
            except jse.JseDeadlineReached:  # the batch's time is over: the next one goes on
                finished = False
            except jse.JseError as error:
                message = self.env["jesignexpert.api"]._error_message(error)
                self._write_cabinet(group, {"sync_error": message[:300], "last_sync_on": fields.Datetime.now()})
                _logger.info("jesignexpert.com sync of cabinet %s stopped: %s", group.ids, error)
                finished = True
            self._commit()
            return finished
        try:
            with self.env.cr.savepoint():
                if all(try_lock(firm) for firm in group):
                    group._no_usable_access()
        except CONCURRENT_UPDATE:  # another run found it out at the same time, and says it
            _logger.info("jesignexpert.com cabinet %s: another run tells that no access holds", group.ids)
        self._commit()
        return True

    @api.model
    def _read_changes(self, client, group, deadline, report):
        """The change list from the cabinet's position, page after page; the
        position is saved after each page, never past a transaction that
        must be read again (another run holds its collection)."""
        stamp = min(int(f.sync_cursor or 0) for f in group)
        after_id = min((f.sync_cursor_id or "") for f in group if int(f.sync_cursor or 0) == stamp)
        if stamp and not any(group.mapped("sync_resume")):
            # A new run reads the last moments again (stamps may be committed
            # late); a batch that goes on where the last one stopped does not.
            stamp, after_id = max(0, stamp - jse.CHANGES_OVERLAP_MS), None
        floor = None  # the position the cabinet may not pass this run
        position = (stamp, after_id or "")
        problems = []
        run = Chatter()  # what the messages of the run share is read once
        for page in client.iter_change_pages(stamp, after_id):
            collections = self.with_context(jesignexpert_chatter=run)._collections_of(
                group, [t.id for t in page.transactions]
            )
            run.expect(*collections.values())
            if not page.transactions:
                report.done += 1  # a page read is work done, even an empty one
            for transaction in page.transactions:
                if monotonic() > deadline:  # the next batch goes on from here
                    self._save_position(group, min(position, floor) if floor else position, resume=True)
                    return False
                # Every transaction read counts, made in Odoo or not: Odoo takes
                # a batch that reports nothing done for the end of the work.
                report.done += 1
                collection = collections.get(transaction.id)
                if collection and not self._take_news_of(collection, client, transaction) and floor is None:
                    floor = (max(0, (transaction.updated_at or 1) - 1), "")
                if transaction.updated_at is not None:
                    position = (transaction.updated_at, transaction.id)
            problems += page.problems
            values = {} if page.has_more else self._cabinet_synced(problems)  # the last page's, with its position
            self._save_position(group, min(position, floor) if floor else position, resume=page.has_more, values=values)
        return True

    @api.model
    def _cabinet_synced(self, problems):
        """What the cabinet says once its change list is read to its end."""
        values = {"last_sync_on": fields.Datetime.now(), "sync_error": False}
        if problems:
            values["sync_error"] = self.env._(
                "jesignexpert.com listed %(count)s change(s) that could not be read: %(sample)s",
                count=len(problems),
                sample=problems[0].value[:120],
            )
        return values

    @api.model
    def _take_news_of(self, collection, client, transaction):
        """``collection._take_news``; a trouble of its own, of any kind, stays
        on it (the daily check reads it again) and the list goes on past it:
        only the cabinet's troubles (a refused access, a rate limit, the
        batch's end) are raised.  Returns False when it must be read again
        from the list (another run holds it)."""
        try:
            return collection._take_news(client, transaction)
        except (jse.JseAuthError, jse.JseRateLimited, jse.JseDeadlineReached):
            raise
        except Exception as error:  # one collection's trouble stays on it
            if self.env.context.get("jesignexpert_auto_commit"):
                self.env.cr.rollback()
            self._news_failed(collection, error)
            return True

    @api.model
    def _collections_of(self, group, transaction_ids):
        """The collections of these transactions among the companies linked
        to this cabinet (their earlier cabinets' collections included)."""
        if not transaction_ids:
            return {}
        collections = (
            self.env["jesignexpert.collection"]
            .sudo()
            .search([("jse_id", "in", transaction_ids), ("company_id", "in", group.company_id.ids)])
        )
        # What taking their news reads (their signers and activities, and the
        # collections and contracts their contracts' and employees' signature
        # states are computed from) is read for the page at once, not for each.
        collections.signer_ids.mapped("state")
        collections.fetch(["activity_ids"])
        collections.contract_id.fetch(["jesignexpert_collection_ids"])
        collections.employee_id.contract_ids.mapped("jesignexpert_signature_state")
        return {c.jse_id: c for c in collections}

    @api.model
    def _save_position(self, group, position, resume=False, values=None):
        """Where the next page, or run, starts (with ``values``, in the same
        write).  A run saving at the same time may have moved it first: this
        one then leaves it, as reading a change again is harmless (nothing is
        fetched twice)."""
        self._write_cabinet(
            group,
            {"sync_cursor": position[0], "sync_cursor_id": position[1] or False, "sync_resume": resume}
            | (values or {}),
        )
        self._commit()
