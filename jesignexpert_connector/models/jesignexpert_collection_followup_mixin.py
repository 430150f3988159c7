# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The follow-up of the collections: how long signing takes, what needs a
person (expiring soon, late, refused, a signed document that does not come
home), and whether the contract's document changed since it was sent."""

import hashlib
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_date

from .. import boolean_search, jse

EXPIRY_NOTICE_DAYS = 3  # the initiator is told this long before a collection expires
LATE_AFTER_DAYS = 7  # a collection sent longer ago and not signed is late
EXPIRING = "jesignexpert_connector.mail_activity_type_collection_expiring"
REFUSED = "jesignexpert_connector.mail_activity_type_collection_refused"
CONTRACT_CHANGED = "jesignexpert_connector.mail_activity_type_contract_changed"


class JesignexpertCollectionFollowupMixin(models.AbstractModel):
    """What jesignexpert.collection does to follow its collections up (see
    the module's docstring); its fields are stored on the collection."""

    _name = "jesignexpert.collection.followup.mixin"
    _description = "Follow-up of a signature collection"

    signature_days = fields.Float(
        "Days to sign",
        compute="_compute_signature_days",
        store=True,
        aggregator="avg",
        digits=(16, 2),
        help="From the sending to the last signature, in days (signed collections only).",
    )
    # The same figure, whose aggregate is the median (see _read_group_select).
    signature_days_median = fields.Float(
        "Days to sign (median)",
        compute="_compute_signature_days",
        store=True,
        aggregator="median",
        digits=(16, 2),
    )
    document_sha256 = fields.Char(
        "Fingerprint of the document sent",
        readonly=True,
        copy=False,
        help="SHA-256 of the contract's document as Odoo rendered it when the collection was made.",
    )
    document_changed = fields.Boolean(
        "Document changed since sent", compute="_compute_document_changed", compute_sudo=True
    )
    expiring_soon = fields.Boolean(
        "Expiring within 3 days", compute="_compute_follow_up", search="_search_expiring_soon"
    )
    late_unsigned = fields.Boolean(
        "Sent more than 7 days ago, not signed", compute="_compute_follow_up", search="_search_late_unsigned"
    )
    expiry_reminded = fields.Boolean("Initiator reminded of the expiry", readonly=True, copy=False)

    # ------------------------------------------------------------ times --

    @api.depends("sent_on", "completed_on")
    def _compute_signature_days(self):
        for collection in self:
            days = 0.0
            if collection.sent_on and collection.completed_on:
                days = (collection.completed_on - collection.sent_on).total_seconds() / 86400
            collection.signature_days = collection.signature_days_median = days

    def _read_group_select(self, aggregate_spec, query):
        """The times to sign are aggregated over the signed collections only
        (the others hold 0, not NULL); their median is PostgreSQL's."""
        if aggregate_spec not in ("signature_days:avg", "signature_days_median:median"):
            return super()._read_group_select(aggregate_spec, query)
        days = SQL(
            "CASE WHEN %s IS NOT NULL AND %s IS NOT NULL THEN %s END",
            self._field_to_sql(self._table, "sent_on", query),
            self._field_to_sql(self._table, "completed_on", query),
            self._field_to_sql(self._table, "signature_days", query),
        )
        if aggregate_spec == "signature_days:avg":
            return SQL("AVG(%s)", days)
        return SQL("PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %s)", days)

    # -------------------------------------------------------- follow-up --

    def _compute_follow_up(self):
        now = fields.Datetime.now()
        for collection in self:
            sent = collection.state == "sent"
            expires_on = collection.expires_on
            collection.expiring_soon = bool(
                sent and expires_on and now < expires_on <= now + timedelta(days=EXPIRY_NOTICE_DAYS)
            )
            collection.late_unsigned = bool(
                sent and collection.sent_on and collection.sent_on <= now - timedelta(days=LATE_AFTER_DAYS)
            )

    def _search_expiring_soon(self, operator, value):
        now = fields.Datetime.now()
        domain = [
            ("state", "=", "sent"),
            ("expires_on", ">", now),
            ("expires_on", "<=", now + timedelta(days=EXPIRY_NOTICE_DAYS)),
        ]
        return boolean_search.boolean_domain(self, "expiring_soon", operator, value, domain)

    def _search_late_unsigned(self, operator, value):
        domain = [("state", "=", "sent"), ("sent_on", "<=", fields.Datetime.now() - timedelta(days=LATE_AFTER_DAYS))]
        return boolean_search.boolean_domain(self, "late_unsigned", operator, value, domain)

    def _initiator_env(self):
        """The environment that speaks the initiator's language, for what is written to them."""
        return self.with_context(lang=self.initiator_id.lang or self.env.lang).env

    @api.model
    def _cron_remind_expiring(self):
        """The daily reminder: the initiator of each collection that expires
        within 3 days gets an activity, once per collection."""
        due = self.sudo().search([("expiring_soon", "=", True), ("expiry_reminded", "=", False)])
        for collection in due:
            env = collection._initiator_env()
            initiator_tz = collection.with_context(tz=collection.initiator_id.tz)
            expires_on = fields.Date.context_today(initiator_tz, collection.expires_on)
            collection.activity_schedule(
                EXPIRING,
                date_deadline=expires_on,
                user_id=collection.initiator_id.id,
                summary=env._("Expires on jesignexpert.com soon"),
                note=env._(
                    "%(name)s expires on %(date)s without every signature: remind its signers, or send it again.",
                    name=collection.name,
                    date=format_date(env, expires_on),
                ),
            )
        due.write({"expiry_reminded": True})
        return due

    def _remind_fetch(self):
        """An activity for the initiator: the signed document does not come
        home.  Once per collection, until its document is fetched."""
        for collection in self.sudo().filtered(lambda c: not c.fetch_reminded):
            env = collection._initiator_env()
            activity = collection.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=collection.initiator_id.id,
                summary=env._("Signed document not fetched yet"),
                note=env._("Odoo could not fetch it yet: %s", collection.fetch_error or "?"),
            )
            collection.write({"fetch_reminded": True, "fetch_activity_id": activity.id})

    def _ask_why_refused(self):
        """A signer refused (see _close): the initiator gets an activity to find out why."""
        env = self._initiator_env()
        names = ", ".join(self.signer_ids.filtered(lambda s: s.state == "refused").mapped("name"))
        self.sudo().activity_schedule(
            REFUSED,
            user_id=self.initiator_id.id,
            summary=env._("Signature refused"),
            note=env._(
                "%(signers)s refused to sign %(name)s: find out why, then send a new collection if need be.",
                signers=names or env._("A signer"),
                name=self.name,
            ),
        )

    def _jesignexpert_employee_only(self):
        """Signed by every signer for the employee, not by every one for the
        employer (the referents come from the contract's clause)."""
        self.ensure_one()
        employees = self.signer_ids.filtered(lambda s: s.referent == "employee")
        employers = self.signer_ids.filtered(lambda s: s.referent == "employer")
        return bool(
            employees
            and employers
            and all(s.state == "signed" for s in employees)
            and any(s.state != "signed" for s in employers)
        )

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") and vals["state"] not in jse.OPEN_STATUSES:
            # Ended (signed, refused, expired, cancelled): nothing left to decide about its expiry or its contract.
            self.sudo().filtered("activity_ids").activity_unlink([EXPIRING, CONTRACT_CHANGED])
        return res

    # ------------------------------------------------------- document --

    @api.model
    def _document_hash(self, contract):
        """A fingerprint of ``contract``'s document as Odoo renders it now
        (body, values and clause), in one language whoever asks, to tell
        whether it changed since a collection was made."""
        contract = contract.sudo().with_context(lang="en_US")
        if not contract.jesignexpert_template_id:
            return False
        return hashlib.sha256(str(contract._jesignexpert_render_document()).encode()).hexdigest()

    @api.model_create_multi
    def create(self, vals_list):
        """Each collection keeps the fingerprint of its contract's document as
        it is now, to tell later whether it changed since it was sent.  A
        collection of another PDF (attached, uploaded) is given
        ``document_sha256: False`` by its creator: nothing to compare."""
        hashes = {}
        for vals in vals_list:
            contract_id = vals.get("contract_id")
            if contract_id and "document_sha256" not in vals:
                if contract_id not in hashes:
                    hashes[contract_id] = self._document_hash(self.env["hr.contract"].browse(contract_id))
                vals["document_sha256"] = hashes[contract_id]
        return super().create(vals_list)

    @api.depends("document_sha256", "state", "contract_id.jesignexpert_document")
    def _compute_document_changed(self):
        for collection in self:
            collection.document_changed = bool(
                collection.document_sha256
                and collection.state in (*jse.OPEN_STATUSES, "signed")
                and self._document_hash(collection.contract_id) != collection.document_sha256
            )
