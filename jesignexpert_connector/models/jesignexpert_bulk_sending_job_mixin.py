# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How the scheduled action prepares the bulk sendings' drafts.

The contracts' documents are rendered several at a time (one wkhtmltopdf run
costs about a second whatever it prints), then each contract is prepared as
before, on its own.  The sendings being prepared are served in turn, a batch
of each, so that a few contracts sent during a large sending wait for a
batch, not for the whole of it.
"""

import logging
from datetime import datetime, timedelta
from time import monotonic

from odoo import api, fields, models

from .. import jse
from ..transactions import commit, try_lock

_logger = logging.getLogger(__name__)

CRON = "jesignexpert_connector.ir_cron_jesignexpert_bulk_sending"
# A batch that found every contract left held by another transaction comes back after this.
RETRY_HELD_AFTER = timedelta(minutes=1)
# How many contracts' documents are rendered together, unless the settings say otherwise.
BATCH_SIZE_PARAM = "jesignexpert_connector.bulk_batch_size"
DEFAULT_BATCH_SIZE = 10


def _fits(count, left, tried, elapsed):
    """Whether a batch of ``count`` contracts fits in the time ``left`` at
    the pace so far (``tried`` contracts in ``elapsed`` seconds): its
    documents are rendered together, none in vain.  The first one does."""
    return left > 0 and (not tried or elapsed <= 0 or count * elapsed / tried <= left)


class JesignexpertBulkSendingJobMixin(models.AbstractModel):
    _name = "jesignexpert.bulk.sending.job.mixin"
    _description = "Preparation of bulk sendings by the scheduled action"

    @api.model
    def _cron_prepare(self, auto_commit=True):
        """The scheduled action: prepares waiting contracts for as long as a
        batch lasts, then tells Odoo how much remains.  Turn after turn, it
        serves each running sending a batch of its waiting contracts, the
        sending served least recently first (see _in_turn); a batch's
        documents are rendered together, then each contract is prepared on
        its own (see _prepare_lines)."""
        sendings = self.sudo().with_context(jesignexpert_auto_commit=auto_commit)
        deadline = self.env["jesignexpert.sync"]._deadline()
        size = self._batch_size()
        done = tried = 0
        pause = None
        started = monotonic()
        passed = set()  # the contracts left to another transaction, in this run
        try:
            served, late = True, False
            while served and not late:
                served = False
                for sending in sendings._in_turn():
                    lines = sending._waiting_lines(passed, size)
                    # A batch that would not end in time is for the next run, which Odoo starts at once.
                    late = late or (
                        bool(lines) and not _fits(len(lines), deadline - monotonic(), tried, monotonic() - started)
                    )
                    if lines and not late:
                        served = True
                        for line_id, handled in sending._prepare_lines(lines, deadline).items():
                            tried += 1
                            done += handled
                            if not handled:
                                passed.add(line_id)
                    if not sending._waiting_lines(set(), 1):
                        sending._finish_unless_taken()
        except jse.JseRateLimited as error:
            _logger.info("jesignexpert.com asks the bulk sendings to wait %s s", error.retry_after)
            pause = timedelta(seconds=max(error.retry_after, RETRY_HELD_AFTER.total_seconds()))
        remaining = sendings.line_ids.search_count([("state", "=", "waiting")])
        # Asked to slow down, the job says nothing is left for now (else Odoo
        # would run it again at once) and comes back when it may.
        self.env["ir.cron"]._notify_progress(done=done, remaining=0 if pause else remaining)
        if remaining and (pause or not done):
            # Also when every contract left is held by another transaction:
            # Odoo takes a batch that did nothing for the end of the work.
            self.env.ref(CRON)._trigger(fields.Datetime.now() + (pause or RETRY_HELD_AFTER))
        return done, remaining

    @api.model
    def _batch_size(self):
        """How many contracts' documents are rendered together (the settings')."""
        value = self.env["ir.config_parameter"].sudo().get_param(BATCH_SIZE_PARAM)
        try:
            return max(1, int(value)) if value else DEFAULT_BATCH_SIZE
        except ValueError:
            return DEFAULT_BATCH_SIZE

    @api.model
    def _in_turn(self):
        """The running sendings in the order they are served: the one whose
        contract was prepared least recently first, one never served before
        any other, the oldest first among equals.  Round-robin, which holds
        across runs (the job's time is cut in batches) and across workers,
        since it reads what the lines say, not what this run remembers."""
        running = self.search([("state", "=", "running")])
        last = dict(
            self.env["jesignexpert.bulk.sending.line"]
            .sudo()
            ._read_group(
                [("sending_id", "in", running.ids), ("state", "in", ("prepared", "failed"))],
                ["sending_id"],
                ["write_date:max"],
            )
        )
        return running.sorted(lambda sending: (last.get(sending) or datetime.min, sending.id))

    def _waiting_lines(self, passed, limit):
        """The next ``limit`` waiting contracts of this sending, in order,
        leaving out the lines ``passed`` to another transaction."""
        self.ensure_one()
        return self.line_ids.search(
            [("sending_id", "=", self.id), ("state", "=", "waiting"), ("id", "not in", list(passed))],
            order="sequence, id",
            limit=limit,
        )

    def _prepare_lines(self, lines, deadline):
        """Renders the documents of ``lines`` together, then prepares each
        line on its own (see _prepare_isolated) until ``deadline``.  Returns
        {line id: 1 when handled, 0 when left to another transaction}."""
        self.ensure_one()
        rendered = self._render_together(lines)
        handled = {}
        for line in lines:
            if monotonic() > deadline:
                break
            handled[line.id] = line._prepare_isolated(rendered.get(line.id))
        return handled

    def _render_together(self, lines):
        """{line id: (PDF, fingerprint of the contract's document)} of the
        lines whose document is their contract's own, rendered together as
        the initiator renders one (see _as_initiator); the fingerprint tells
        the line whether the contract changed since.  Those missing (when
        the batch did not come out right) are rendered each on its own."""
        self.ensure_one()
        together = lines.filtered(
            lambda line: (
                line.document_source == "generated"
                and line.contract_id.jesignexpert_template_id
                and line.contract_id.active
            )
        )
        contracts = self._as_initiator(together.contract_id)
        pdfs = contracts._jesignexpert_pdfs()
        if not pdfs:
            return {}
        keys = {contract.id: self.env["jesignexpert.collection"]._document_hash(contract) for contract in contracts}
        return {
            line.id: (pdfs[line.contract_id.id], keys[line.contract_id.id])
            for line in together
            if line.contract_id.id in pdfs
        }

    def _as_initiator(self, records):
        """``records`` as the job handles this sending's contracts: with its
        initiator's rights, in the sending's company alone, in the
        initiator's language (the job has none of them; whoever started it,
        with whatever companies selected)."""
        self.ensure_one()
        return records.with_user(self.user_id).with_context(
            allowed_company_ids=self.company_id.ids, lang=self.user_id.lang
        )

    def _finish_unless_taken(self):
        """Finishes the sending, unless its initiator stopped it meanwhile
        (their transaction holds it, or changed it since this one began)."""
        with self.env.cr.savepoint():
            if not try_lock(self):
                return
            self.invalidate_recordset(["state"])
            if self.state == "running":
                self._finish()
        commit(self.env)
