# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The contract's follow-up of its signature: the state of its latest
collection, the legal deadline of a CDD, and the question asked when a
contract is cancelled or archived under a collection in progress: a mixin
of hr.contract, whose document and sending are hr_contract.py's."""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import format_date

from .. import boolean_search, jse, labour_law

# The signature state of a contract: its latest collection's, or "to send".
SIGNATURE_STATES = [("to_send", "To send"), *jse.TRANSACTION_STATES]
# Odoo's contract types that are fixed-term contracts (CDD), besides the templates marked so.
CDD_CONTRACT_TYPES = ("hr.contract_type_temporary", "hr.contract_type_seasonal")
# Public holidays are looked up this far after the hiring day (a long closure included).
HOLIDAY_WINDOW_DAYS = 60


class JesignexpertContractFollowupMixin(models.AbstractModel):
    """What hr.contract does to follow its signature up (see the module's
    docstring); its fields are stored on the contract."""

    _name = "jesignexpert.contract.followup.mixin"
    _description = "Follow-up of a contract's signature"

    jesignexpert_signature_state = fields.Selection(
        SIGNATURE_STATES,
        "Signature",
        compute="_compute_jesignexpert_signature_state",
        store=True,
        index=True,
        help='The state of the contract\'s latest signature collection; "To send" when a running or draft '
        "contract with a document template has none yet.",
    )
    jesignexpert_is_cdd = fields.Boolean(
        "Fixed-term contract (CDD)",
        compute="_compute_jesignexpert_is_cdd",
        store=True,
        help="A CDD: its document template is a fixed-term one, or its contract type is Temporary or Seasonal.",
    )
    jesignexpert_cdd_deadline = fields.Date(
        "Hand over to the employee by",
        compute="_compute_jesignexpert_cdd_deadline",
        help="Code du travail, article L1242-13: a CDD is handed to the employee within the two working days "
        "after the hiring (the hiring day, Sundays and public holidays do not count). Shown until it is signed.",
    )
    jesignexpert_cdd_holidays = fields.Char(
        "Public holidays counted",
        compute="_compute_jesignexpert_cdd_deadline",
        help="The public holidays of the working schedule that pushed the deadline back.",
    )
    jesignexpert_cdd_at_risk = fields.Boolean(
        "CDD at risk",
        compute="_compute_jesignexpert_cdd_deadline",
        search="_search_jesignexpert_cdd_at_risk",
        help="Not signed, and its deadline to hand it to the employee is past or due within a day.",
    )
    jesignexpert_employer_unsigned = fields.Boolean(
        "Signed by the employee only",
        compute="_compute_jesignexpert_employer_unsigned",
        store=True,
        help="The employee signed this CDD but the employer did not: an unsigned CDD can be requalified as a CDI.",
    )

    # ------------------------------------------------------------ state --

    @api.depends("jesignexpert_collection_ids.state", "jesignexpert_template_id", "state", "active")
    def _compute_jesignexpert_signature_state(self):
        for contract in self:
            latest = max(contract.jesignexpert_collection_ids, key=lambda c: c.id, default=None)
            if latest:
                contract.jesignexpert_signature_state = latest.state
            elif contract.active and contract.jesignexpert_template_id and contract.state in ("draft", "open"):
                contract.jesignexpert_signature_state = "to_send"
            else:
                contract.jesignexpert_signature_state = False

    # -------------------------------------------------------------- CDD --

    @api.model
    def _jesignexpert_cdd_types(self):
        return self.env["hr.contract.type"].browse(
            [t.id for t in (self.env.ref(x, raise_if_not_found=False) for x in CDD_CONTRACT_TYPES) if t]
        )

    @api.depends("jesignexpert_template_id.fixed_term", "contract_type_id")
    def _compute_jesignexpert_is_cdd(self):
        cdd_types = self._jesignexpert_cdd_types()
        for contract in self:
            contract.jesignexpert_is_cdd = bool(
                contract.jesignexpert_template_id.fixed_term or contract.contract_type_id in cdd_types
            )

    def _jesignexpert_signed(self):
        """Whether some collection of the contract is signed by all."""
        self.ensure_one()
        return "signed" in self.sudo().jesignexpert_collection_ids.mapped("state")

    def _jesignexpert_calendar(self):
        return self.resource_calendar_id or self.company_id.resource_calendar_id

    @api.model
    def _jesignexpert_holidays(self, calendar, company, first_day, last_day):
        """The public holidays Odoo knows for ``calendar`` (its global time
        off: no resource; or the company's for every schedule), between two
        days, as {date: name}, in the schedule's time zone."""
        tz = pytz.timezone(calendar.tz or "UTC")
        start = tz.localize(datetime.combine(first_day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
        end = tz.localize(datetime.combine(last_day, time.max)).astimezone(pytz.utc).replace(tzinfo=None)
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id", "=", False),
                    ("calendar_id", "in", [False, calendar.id]),
                    ("company_id", "=", company.id),
                    ("time_type", "=", "leave"),
                    ("date_from", "<=", end),
                    ("date_to", ">=", start),
                ],
                order="date_from",
            )
        )
        holidays = {}
        for leave in leaves:
            local_from = pytz.utc.localize(leave.date_from).astimezone(tz).date()
            local_to = pytz.utc.localize(leave.date_to).astimezone(tz).date()
            for day in labour_law.expand_days(max(local_from, first_day), min(local_to, last_day)):
                holidays.setdefault(day, leave.name or "")
        return holidays

    @api.depends(
        "jesignexpert_is_cdd",
        "date_start",
        "state",
        "active",
        "resource_calendar_id",
        "company_id",
        "jesignexpert_collection_ids.state",
    )
    @api.depends_context("tz")
    def _compute_jesignexpert_cdd_deadline(self):
        today = fields.Date.context_today(self)
        pending = self.filtered(
            lambda c: c.jesignexpert_is_cdd and c.date_start and c.state != "cancel" and not c._jesignexpert_signed()
        )
        (self - pending).update(
            {"jesignexpert_cdd_deadline": False, "jesignexpert_cdd_holidays": False, "jesignexpert_cdd_at_risk": False}
        )
        groups = defaultdict(list)
        for contract in pending:
            groups[contract._jesignexpert_calendar(), contract.company_id].append(contract)
        for (calendar, company), contracts in groups.items():
            first = min(c.date_start for c in contracts)
            last = max(c.date_start for c in contracts) + timedelta(days=HOLIDAY_WINDOW_DAYS)
            holidays = self._jesignexpert_holidays(calendar, company, first, last) if calendar else {}
            for contract in contracts:
                try:
                    deadline = labour_law.transmission_deadline(contract.date_start, holidays)
                except ValueError:
                    deadline = None
                contract.jesignexpert_cdd_deadline = deadline and deadline.day
                contract.jesignexpert_cdd_holidays = deadline and contract._jesignexpert_holidays_text(
                    deadline, holidays, calendar
                )
                contract.jesignexpert_cdd_at_risk = bool(
                    deadline
                    and contract.active
                    and contract.state in ("draft", "open")
                    and labour_law.is_at_risk(deadline.day, today)
                )

    def _jesignexpert_holidays_text(self, deadline, holidays, calendar):
        """Which public holidays pushed the deadline back, in words."""
        if deadline.skipped_holidays:
            return ", ".join(
                f"{holidays[day]} ({format_date(self.env, day)})" if holidays[day] else format_date(self.env, day)
                for day in deadline.skipped_holidays
            )
        if not calendar or not self.env["resource.calendar.leaves"].sudo().search_count(
            [("resource_id", "=", False), ("calendar_id", "in", [False, calendar.id])], limit=1
        ):
            return self.env._("None: Odoo knows no public holiday of this working schedule (add them as its time off).")
        return self.env._("None between the hiring and the deadline.")

    def _search_jesignexpert_cdd_at_risk(self, operator, value):
        def at_risk():
            candidates = self.search(
                [("jesignexpert_is_cdd", "=", True), ("state", "in", ("draft", "open")), ("date_start", "!=", False)]
            )
            return [("id", "in", candidates.filtered("jesignexpert_cdd_at_risk").ids)]

        return boolean_search.boolean_domain(self, "jesignexpert_cdd_at_risk", operator, value, at_risk)

    @api.depends(
        "jesignexpert_is_cdd",
        "jesignexpert_collection_ids.state",
        "jesignexpert_collection_ids.signer_ids.state",
        "jesignexpert_collection_ids.signer_ids.referent",
    )
    def _compute_jesignexpert_employer_unsigned(self):
        """A CDD that some collection had signed by the employee, not by the
        employer, while none is signed by all."""
        for contract in self:
            collections = contract.jesignexpert_collection_ids
            contract.jesignexpert_employer_unsigned = bool(
                contract.jesignexpert_is_cdd
                and "signed" not in collections.mapped("state")
                and any(collection._jesignexpert_employee_only() for collection in collections)
            )

    # -------------------------------------------- cancelled or archived --

    def write(self, vals):
        cancelled = self.filtered(lambda c: c.state != "cancel") if vals.get("state") == "cancel" else self.browse()
        archived = self.filtered("active") if "active" in vals and not vals["active"] else self.browse()
        res = super().write(vals)
        for contract in cancelled | archived:
            contract._jesignexpert_ask_about_collections(cancelled=contract in cancelled)
        return res

    def _jesignexpert_ask_about_collections(self, cancelled):
        """The contract was cancelled or archived: the initiator of each of
        its collections in progress is asked, on the contract's chatter and
        by an activity on the collection, whether to cancel it there."""
        self.ensure_one()
        activity_type = self.env.ref("jesignexpert_connector.mail_activity_type_contract_changed")
        _ = self.env._
        for collection in self.sudo().jesignexpert_collection_ids.filtered(lambda c: c.state in jse.OPEN_STATUSES):
            if collection.activity_ids.filtered(lambda a, t=activity_type: a.activity_type_id == t):
                continue  # already asked
            initiator = collection.initiator_id
            if cancelled:
                body = _(
                    "This contract was cancelled while its signature collection %(name)s is in progress on "
                    "jesignexpert.com: %(user)s is asked whether to cancel the collection.",
                    name=collection.name,
                    user=initiator.name,
                )
                summary = _("Contract cancelled: cancel the collection?")
            else:
                body = _(
                    "This contract was archived while its signature collection %(name)s is in progress on "
                    "jesignexpert.com: %(user)s is asked whether to cancel the collection.",
                    name=collection.name,
                    user=initiator.name,
                )
                summary = _("Contract archived: cancel the collection?")
            self.sudo().message_post(body=body)
            collection.activity_schedule(
                "jesignexpert_connector.mail_activity_type_contract_changed",
                user_id=initiator.id,
                summary=summary,
                note=_(
                    "%(contract)s is no longer current, yet its signers can still sign this collection. Cancel it "
                    "on jesignexpert.com (Cancel the collection, or Delete the draft), or mark this activity done "
                    "to let it go on.",
                    contract=self.name,
                ),
            )
