# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A collection's news, said in the chatter at once.

Taking one collection's news home says up to five things (a signer signed,
its state changed, the signed document is attached, on the contract and on
the collection, and the initiator is notified).  Posted one by one, each costs Odoo's mail
machinery five to ten queries, most of them asking again what the message
before just asked (the thread's first message, its reply-to address, its
alias domain, whether a follower reads notes).  Here the messages of one
collection are created together, with the values message_post and
message_notify give them, when its news is taken (before its commit, so
that they stand or fall with it); what the messages of a page of changes
share is read once for the page; followers are notified as message_post
notifies them.  The initiator's notification is message_notify's message,
committed with the collection, whose inbox entry or e-mail Odoo's scheduled
notifications make a second later: rendering and sending e-mails is not the
sync's work (it cost eight queries per collection, and an e-mail sent after
each collection's commit).
"""

from collections import defaultdict
from datetime import timedelta

from markupsafe import escape

from odoo import api, models
from odoo.tools.mail import generate_tracking_message_id


class Chatter:
    """The messages of one collection's news, to be written at once, and
    what the records they are posted on share (``memo``, for a whole run)."""

    def __init__(self, memo=None):
        self.entries = []
        self.memo = memo if memo is not None else {}

    def expect(self, *collections):
        """These collections' news may be said in this run: what the messages
        on them and on their contracts (or employees) share is read for all of
        them at the first need."""
        expected = self.memo.setdefault("expected", defaultdict(set))
        for collection in collections:
            expected[collection._name].add(collection.id)
            subject = collection.contract_id or collection.employee_id
            expected[subject._name].add(subject.id)

    def track(self, record):
        """The changes of ``record``'s tracked fields are logged here, in the
        order of what is said, as Odoo's tracking would log them at the flush."""
        self.entries.append({"record": record, "track": True})


class JesignexpertChatter(models.AbstractModel):
    _name = "jesignexpert.chatter"
    _description = "The news of a signature collection, said at once"

    # ------------------------------------------------------------ saying --

    @api.model
    def _post(self, record, body, attachment_ids=None):
        """``record.message_post(body=..., attachment_ids=...)``, kept for
        the collection's batch when there is one."""
        chatter = self.env.context.get("jesignexpert_chatter")
        if not isinstance(chatter, Chatter):
            return record.message_post(body=body, attachment_ids=attachment_ids or [])
        chatter.entries.append({"record": record, "body": body, "attachment_ids": list(attachment_ids or [])})
        return None

    @api.model
    def _notify(self, record, partner_ids, subject, body):
        """``record.message_notify(...)``, kept for the collection's batch when there is one."""
        chatter = self.env.context.get("jesignexpert_chatter")
        if not isinstance(chatter, Chatter):
            return record.message_notify(partner_ids=partner_ids, subject=subject, body=body)
        chatter.entries.append({"record": record, "body": body, "partner_ids": partner_ids, "subject": subject})
        return None

    # ----------------------------------------------------------- writing --

    @api.model
    def _write(self, chatter):
        """Creates the messages ``chatter`` keeps, in the order they were
        said, and notifies as message_post and message_notify do."""
        entries, chatter.entries = chatter.entries, []
        thread = self.env["mail.thread"].sudo()  # as on the sudo records message_post was called on
        author_id, email_from = thread._message_compute_author(None, None, raise_on_email=True)
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        info = self._thread_info(chatter.memo, [e["record"] for e in entries if "track" not in e], note)
        said = []  # (entry, values, changes tracked)
        for entry in entries:
            record = entry["record"]
            if "track" in entry:
                tracking = self._tracking_values(record, author_id, email_from, note, chatter.memo)
                if tracking:
                    said.append((entry, *tracking))
                continue
            known = info[record._name, record.id]
            values = {
                "author_id": author_id,
                "email_from": email_from,
                "model": record._name,
                "res_id": record.id,
                "body": escape(entry["body"]),
                "subtype_id": note,
                "email_add_signature": True,
                "record_alias_domain_id": known["alias_domain_id"],
                "record_company_id": known["company_id"],
                "reply_to": known["reply_to"] or email_from,
            }
            if "partner_ids" in entry:  # message_notify's
                values |= {
                    "record_name": False,
                    "is_internal": True,
                    "message_type": "user_notification",
                    "subject": entry["subject"],
                    "message_id": generate_tracking_message_id("message-notify"),
                    "partner_ids": entry["partner_ids"],
                }
            else:  # message_post's
                values |= {
                    "author_guest_id": False,
                    "record_name": known["name"],
                    "message_type": "notification",
                    "parent_id": known["parent_id"],
                    "subject": False,
                    "partner_ids": [],
                }
            values |= record._process_attachments_for_post([], entry.get("attachment_ids"), values)
            said.append((entry, values, None))
        if not said:
            return
        messages = thread._message_create([values for _entry, values, _changes in said])
        orphans = defaultdict(lambda: thread.env["mail.message"])  # the notes whose parent came in this batch
        for (entry, values, changes), message in zip(said, messages, strict=True):
            record = entry["record"]
            known = info.get((record._name, record.id), {})
            if known and known["parent_id"] is False and values["message_type"] != "user_notification":
                known["parent_id"] = message.id  # the thread's first message: the next notes' parent
            elif known and "parent_id" in values and not values["parent_id"]:
                orphans[known["parent_id"]] |= message
            if "track" in entry:
                record._message_track_post_template(changes)
            elif "partner_ids" in entry:
                # Its inbox entry or e-mail is made by Odoo's scheduled
                # notifications (triggered for the next second), not here: what
                # _notify_thread does for a scheduled_date, its recipients read
                # by the scheduled job alone.
                self.env["mail.message.schedule"].sudo().create(
                    {
                        "mail_message_id": message.id,
                        "scheduled_datetime": self.env.cr.now() + timedelta(seconds=1),
                        "notification_parameters": "{}",
                    }
                )
            else:
                record._message_post_after_hook(message, values)
                if known["note_followers"]:  # else message_post would notify nobody
                    record._notify_thread(message, values)
        for parent, children in orphans.items():
            children.sudo().parent_id = parent

    @api.model
    def _tracking_values(self, record, author_id, email_from, note, memo):
        """The values of the message Odoo's tracking would log for
        ``record`` at the next flush (its tracked fields written since the
        last one), taken over so that it is written with the batch, in its
        place; None when there is none, or when Odoo says it otherwise (a
        subtype, a body or an author of its own: left to it)."""
        data = self.env.cr.precommit.data
        initial = data.get(f"mail.tracking.{record._name}", {}).get(record.id)
        if not initial or any(
            record.id in data.get(f"mail.tracking.{k}.{record._name}", {}) for k in ("message", "author")
        ):
            return None
        tracked = record.fields_get(
            record._track_get_fields(), attributes=("string", "type", "selection", "currency_field")
        )
        changes, tracking_value_ids = record._mail_track(tracked, initial)
        if changes and record._track_subtype({name: initial[name] for name in changes}):
            return None
        del data[f"mail.tracking.{record._name}"][record.id]
        if not changes:
            return None
        if "log_reply_to" not in memo:
            memo["log_reply_to"] = self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False]
        # As _message_log gives them.
        return {
            "author_id": author_id,
            "email_from": email_from,
            "model": record._name,
            "res_id": record.id,
            "record_alias_domain_id": False,
            "record_company_id": False,
            "record_name": False,
            "body": escape(record._track_get_default_log_message(changes)),
            "message_type": "notification",
            "is_internal": True,
            "subject": False,
            "subtype_id": note,
            "tracking_value_ids": tracking_value_ids,
            "email_add_signature": False,
            "message_id": generate_tracking_message_id("message-notify"),
            "partner_ids": False,
            "reply_to": memo["log_reply_to"],
        }, changes

    @api.model
    def _thread_info(self, memo, records, note):
        """What messages on ``records`` share, per (model, id): the thread's
        first message (False if none), its name, alias domain, company,
        reply-to address (False: the author's) and whether a follower reads
        its notes; read once per run for the records expected."""
        known = memo.setdefault("threads", {})
        wanted = defaultdict(set)
        for record in records:
            if (record._name, record.id) not in known:
                wanted[record._name].add(record.id)
        if wanted:
            for model, ids in memo.pop("expected", {}).items():
                wanted[model] |= {i for i in ids if (model, i) not in known}
        for model, ids in wanted.items():
            threads = self.env[model].sudo().browse(sorted(ids))
            domains = threads._mail_get_alias_domains(default_company=self.env.company)
            companies = threads._mail_get_companies(default=self.env.company)
            replies = threads._notify_get_reply_to(default=False)
            firsts = dict(
                self.env["mail.message"]
                .sudo()
                ._read_group(
                    [("model", "=", model), ("res_id", "in", threads.ids), ("message_type", "!=", "user_notification")],
                    ["res_id"],
                    ["id:min"],
                )
            )
            followed = set(
                self.env["mail.followers"]
                .sudo()
                .search([("res_model", "=", model), ("res_id", "in", threads.ids), ("subtype_ids", "in", [note])])
                .mapped("res_id")
            )
            for thread in threads:
                known[model, thread.id] = {
                    "parent_id": firsts.get(thread.id, False),
                    "name": thread.display_name,
                    "alias_domain_id": domains[thread.id].id,
                    "company_id": companies[thread.id].id,
                    "reply_to": replies[thread.id],
                    "note_followers": thread.id in followed,
                }
        return known
