# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The reconciliation sweep: a safety net that does not trust the change list.

Everything else comes home through one ASSUMED call, the change list.  If
the real platform has none, pages it otherwise or simply misses a change,
the document would be deleted a month later with nobody told.  So each open
collection (sent, partly signed, signed and not fetched) is also read on its
own (the ASSUMED ``GET transaction/{id}``) when its check is due (see
jse/sweep.py: daily, hourly in its last three days before jesignexpert.com
deletes it, hourly where the cabinet has no change list).  The due ones are
picked with one indexed query on ``next_check_on``, within a call budget per
batch; each is taken under its row lock and committed on its own, and its
trouble stays on it.  An end the list never reported is counted on the
cabinet and said on the collection.  A cabinet whose change list answers
404, 405 or 501 switches to the sweep alone.

A mixin of ``jesignexpert.sync``, which calls its hooks where the change
list is read (``_with_change_list``, ``_change_list_absent``) and at the end
of a run (``_sweep_alone``)."""

import logging
from datetime import timedelta
from time import monotonic

from odoo import api, fields, models
from odoo.tools import SQL

from .. import jse
from ..jse import sweep as schedule
from ..transactions import CONCURRENT_UPDATE, Report, try_lock

_logger = logging.getLogger(__name__)

# Reads of one batch, unless the system parameter says otherwise: Odoo chains
# up to 10 batches a run, the run comes every 15 minutes.
SWEEP_CALLS_PER_BATCH = 200
# The ends of a collection that the list should have reported.
ENDS = ("signed", *jse.CLOSED_STATUSES)


class JesignexpertSyncSweepMixin(models.AbstractModel):
    _name = "jesignexpert.sync.sweep.mixin"
    _description = "jesignexpert.com reconciliation sweep"

    # ------------------------------------------------------------ entry --

    @api.model
    def _cron_sweep(self, auto_commit=True):
        """The scheduled action: one batch of due checks, then the progress
        for Odoo (a batch that read nothing ends the run)."""
        sync = self.with_context(jesignexpert_auto_commit=auto_commit)
        report = sync._sweep(self._deadline(), sync._sweep_budget())
        self.env["ir.cron"]._notify_progress(done=report.done, remaining=report.remaining)
        return report

    @api.model
    def _sweep_budget(self):
        param = self.env["ir.config_parameter"].sudo().get_param("jesignexpert_connector.sweep_calls_per_batch")
        try:
            return max(1, int(param)) if param else SWEEP_CALLS_PER_BATCH
        except ValueError:
            return SWEEP_CALLS_PER_BATCH

    @api.model
    def _open_domain(self):
        """The collections whose news may still come: in progress, or signed
        and not fetched yet."""
        return [
            ("jse_id", "!=", False),
            "|",
            ("state", "in", jse.OPEN_STATUSES),
            "&",
            ("state", "=", "signed"),
            ("signed_attachment_id", "=", False),
        ]

    @api.model
    def _sweep(self, deadline, budget, firms=None, everything=False):
        """Reads the due open collections (all open ones of ``firms`` with
        ``everything``), at most ``budget`` of them; returns a Report."""
        report = Report()
        now = fields.Datetime.now()
        collections = self.env["jesignexpert.collection"].sudo()
        scope = self._open_domain()
        if firms is not None:
            scope = [*scope, ("company_id", "in", firms.company_id.ids)]
        self._schedule_new(collections.search([*scope, ("next_check_on", "=", False)]))
        due_domain = scope if everything else [*scope, ("next_check_on", "<=", now)]
        due = collections.search(due_domain, order="next_check_on, id", limit=budget)
        calls = 0
        for firm, group in due.grouped(lambda c: c._firm()).items():
            if calls >= budget or monotonic() > deadline:
                break
            waits_until = self._sweep_waits(firm)
            if waits_until:  # its checks wait: the other cabinets' come first meanwhile
                self._postpone(group, waits_until)
                continue
            access = firm._usable_accesses()[:1]
            try:
                with firm._client(access) as client:
                    client.deadline = self._client_deadline(deadline)  # no call outlives the batch
                    for collection in group:
                        if calls >= budget or monotonic() > deadline:
                            break
                        calls += 1
                        report.done += 1
                        self._sweep_one(client, firm, collection)
            except jse.JseAuthError:  # its next access goes on in the next batch
                self._refuse_access(access)
            except jse.JseDeadlineReached:  # the batch's time is over: the next batch goes on
                self._commit()
                break
            except jse.JseRateLimited as error:  # honour Retry-After: no call to this cabinet before then
                wait = fields.Datetime.now() + timedelta(seconds=error.retry_after)
                self._write_cabinet(firm, {"sync_paused_until": wait})
                self._commit()
        if not everything:
            report.remaining = collections.search_count([*scope, ("next_check_on", "<=", now)])
        self._commit()
        return report

    @api.model
    def _sweep_waits(self, firm):
        """Until when the cabinet cannot be asked (paused, or no access
        holds), else False."""
        now = fields.Datetime.now()
        if firm.sync_paused_until and firm.sync_paused_until > now:
            return firm.sync_paused_until
        if firm.state != "linked" or not firm._usable_accesses():
            return now + schedule.HOURLY
        return False

    @api.model
    def _schedule_new(self, collections):
        """Collections never checked get their first check, counted from when
        they were sent (else made): no reading now."""
        for collection in collections:
            start = collection.sent_on or collection.create_date
            alone = collection._firm().sync_strategy == "sweep"
            collection.next_check_on = schedule.next_check(start, start, alone)
        self._commit()

    @api.model
    def _postpone(self, collections, until):
        try:
            with self.env.cr.savepoint():
                collections.write({"next_check_on": until})
        except CONCURRENT_UPDATE:  # another run has them: it moves them itself
            _logger.info("jesignexpert.com collections %s: changed meanwhile, left", collections.ids)
        self._commit()

    # -------------------------------------------------------- one check --

    @api.model
    def _sweep_one(self, client, firm, collection):
        """Reads one collection under its row lock and takes its news home,
        its signed document included; its next check is set.  Whatever goes
        wrong with it stays on it (said, and read again in an hour); only the
        cabinet's troubles (a refused access, a rate limit) are raised."""
        auto = self.env.context.get("jesignexpert_auto_commit")
        alone = firm.sync_strategy == "sweep"
        try:
            if auto:
                found, rate_limited = self._sweep_locked(client, collection, alone)
            else:
                with self.env.cr.savepoint():
                    found, rate_limited = self._sweep_locked(client, collection, alone)
        except (jse.JseAuthError, jse.JseRateLimited, jse.JseDeadlineReached):
            if auto:
                self.env.cr.rollback()  # its check is due again
            raise
        except Exception as error:  # one collection's trouble must not stop the others
            if auto:
                self.env.cr.rollback()
            reason = self._trouble(collection, error, "check")
            self._check_again_soon(collection, self.env._("The daily check could not read it: %s", reason))
            return
        if found:
            self._found(firm, collection)
        if rate_limited:
            raise rate_limited  # the cabinet waits; the news taken stays

    @api.model
    def _sweep_locked(self, client, collection, alone):
        """The check itself; returns whether it found an end that the change
        list had not reported, and the rate limit its fetch met, if any."""
        if not try_lock(collection):
            _logger.info("jesignexpert.com collection %s: another run has it, checked later", collection.id)
            return False, None
        collection.invalidate_recordset()
        previous = collection.state
        start = collection.sent_on or collection.create_date
        collection.next_check_on = schedule.next_check(fields.Datetime.now(), start, alone)
        transaction = client.get_transaction(collection.jse_id)
        rate_limited = None
        try:
            taken = collection._take_news(client, transaction, fetch_now=True)
        except jse.JseRateLimited as error:  # its news is taken; the fetch waits for the cabinet's pause
            taken, rate_limited = True, error
        return taken and transaction.status in ENDS and previous != transaction.status, rate_limited

    @api.model
    def _news_failed(self, collection, error):
        """The change list's news of ``collection`` could not be taken, for a
        reason of its own, of any kind: said on it, and the daily check reads
        it again within the hour.  The list goes on past it, so that one
        collection never holds back its cabinet's other news."""
        reason = self._trouble(collection, error, "news")
        self._check_again_soon(
            collection,
            self.env._(
                "Odoo could not take jesignexpert.com's news of it (%s): it is read again within the hour.", reason
            ),
        )

    @api.model
    def _trouble(self, collection, error, what):
        """``error``, logged (never a token: the client's errors hold none) and
        in words."""
        if isinstance(error, jse.JseError):
            _logger.info("jesignexpert.com %s of collection %s failed: %s", what, collection.id, error)
            return self.env["jesignexpert.api"]._error_message(error)
        _logger.exception("jesignexpert.com %s of collection %s failed", what, collection.id)
        return self.env._("unexpected error (%s)", error.__class__.__name__)

    @api.model
    def _check_again_soon(self, collection, message):
        """``message`` on the collection, whose check is due within the hour."""
        values = {"sync_problem": message[:300], "next_check_on": fields.Datetime.now() + schedule.HOURLY}
        try:
            with self.env.cr.savepoint():
                if try_lock(collection):
                    collection.write(values)
        except CONCURRENT_UPDATE:  # another run has it: it says what it found
            _logger.info("jesignexpert.com collection %s: changed meanwhile, left", collection.id)
        self._commit()

    @api.model
    def _found(self, firm, collection):
        """An end the change list never reported: counted on the cabinet, said
        on the collection."""
        for _attempt in range(3):
            try:
                with self.env.cr.savepoint():
                    self.env.cr.execute(
                        SQL(
                            "UPDATE jesignexpert_firm SET sweep_found_count = COALESCE(sweep_found_count, 0) + 1 "
                            "WHERE id = %s",
                            firm.id,
                        )
                    )
                    firm.invalidate_recordset(["sweep_found_count"])
                    collection.message_post(
                        body=self.env._(
                            "Found by the daily check: jesignexpert.com says %(state)s, which its change list "
                            "had not reported.",
                            state=dict(collection._fields["state"]._description_selection(self.env))[collection.state],
                        )
                    )
                break
            except CONCURRENT_UPDATE:  # the cabinet's row changed meanwhile: again, in a new transaction
                self._commit()
        self._commit()

    # ---------------------------------------------------- the list's absence --

    @api.model
    def _with_change_list(self, groups):
        """The cabinets whose change list is read: not those that have none."""
        return [group for group in groups if any(f.sync_strategy != "sweep" for f in group)]

    @api.model
    def _change_list_absent(self, group, error):
        """A change list the platform does not have (jse.ABSENT_STATUSES): the
        cabinet switches to the sweep alone, and keeps working (True: the
        cabinet is done).  Any other error of ``_read_changes`` is raised
        again."""
        if not error.call_is_absent(jse.CHANGE_LIST):
            raise error
        self._switch_to_sweep(group, error.status)
        return True

    @api.model
    def _switch_to_sweep(self, group, status):
        now = fields.Datetime.now()
        firms = group.filtered(lambda f: f.sync_strategy != "sweep")
        if not firms or not self._write_cabinet(
            firms, {"sync_strategy": "sweep", "sync_error": False, "last_sync_on": now}
        ):
            return
        _logger.info("jesignexpert.com cabinet %s: no change list (HTTP %s), the sweep alone", firms.ids, status)
        for firm in firms:
            firm.message_post(
                body=self.env._(
                    "jesignexpert.com has no change list for this cabinet (HTTP %(status)s): Odoo now checks each "
                    "open collection on its own, every hour.",
                    status=status,
                )
            )
        # Their checks are due now: nothing else brings their news any more.
        collections = self.env["jesignexpert.collection"].sudo()
        try:
            with self.env.cr.savepoint():
                collections.search([*self._open_domain(), ("company_id", "in", firms.company_id.ids)]).write(
                    {"next_check_on": now}
                )
        except CONCURRENT_UPDATE:
            _logger.info("jesignexpert.com cabinet %s: collections changed meanwhile", firms.ids)
        self._commit()

    @api.model
    def _sweep_alone(self, deadline, firms, report):
        """A manager's "Synchronise now" of a cabinet with no change list
        checks each of its open collections now (counted in ``report``)."""
        alone = firms.filtered(lambda f: f.sync_strategy == "sweep") if firms is not None else None
        if alone:
            swept = self._sweep(deadline, self._sweep_budget(), firms=alone, everything=True)
            report.done += swept.done
