# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How a cabinet is checked: whether its collaborators' accesses hold (by
the daily check, a manager's connection test, an initiator's check of their
own), and, when an administrator asks, which of the client's assumptions
hold on the jesignexpert.com it is linked to (see jse/platform_check.py),
kept on the cabinet in words, and the sync's strategy set from it."""

import logging

from markupsafe import Markup, escape

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from .. import jse
from ..jse import platform_check

_logger = logging.getLogger(__name__)


class JesignexpertFirmCheckMixin(models.AbstractModel):
    """How jesignexpert.firm is checked (see the module's docstring); its
    fields are stored on the cabinet."""

    _name = "jesignexpert.firm.check.mixin"
    _description = "Checks of a jesignexpert.com cabinet"

    platform_check_on = fields.Datetime("Platform checked on", readonly=True)
    platform_check_result = fields.Html("Platform check", readonly=True, sanitize=True)

    # ------------------------------------------------------------ accesses --

    def _check_connection(self, user=None):
        """validateCheck with this cabinet's accesses, ``user``'s first: an
        access jesignexpert.com refuses is marked so and the next is tried;
        the cabinet expires only when none holds.  Returns whether an access
        holds, and a message saying so."""
        self.ensure_one()
        api = self.env["jesignexpert.api"]
        firm = self.sudo()
        now = fields.Datetime.now()
        for access in firm._usable_accesses(user):
            try:
                with firm._client(access) as client:
                    client.validate_check()
            except jse.JseAuthError:
                access._refused()
                continue
            except jse.JseError as error:
                message = api._error_message(error)
                firm.write({"last_check": now, "last_check_message": message})
                return False, message
            message = self.env._("Connection OK (checked with the access of %s).", access.user_id.name)
            firm.write({"last_check": now, "last_check_message": message, "state": "linked"})
            return True, message
        message = self.env._("jesignexpert.com accepts none of the collaborators' accesses: link yours again.")
        firm.write({"last_check": now, "last_check_message": message})
        firm._no_usable_access()
        return False, message

    def action_check_my_access(self):
        """Checks the current user's own jesignexpert.com access.  Without one,
        or when jesignexpert.com refuses it, sends the user through the
        linking flow, then back to this cabinet."""
        self.ensure_one()
        self.check_access("read")
        own = self._own_access()
        if own:
            try:
                with self.sudo()._client(own) as client:
                    client.validate_check()
            except jse.JseAuthError:
                own._refused()
                own = False
            except jse.JseError as error:
                raise self.env["jesignexpert.api"]._user_error(error) from None
        if not own:
            return self.action_link_my_access()
        return self.env["jesignexpert.api"]._notification(
            self.env._("Your jesignexpert.com access holds."), next_action={"type": "ir.actions.act_window_close"}
        )

    def action_test_connection(self):
        """Managers of the cabinet's company only: the check speaks with the
        company's tokens, and may mark collaborators' accesses refused and
        the cabinet expired.  An initiator checks their own access
        (action_check_my_access)."""
        self.ensure_one()
        self._check_manager()
        ok, message = self._check_connection(self.env.user)
        return self.env["jesignexpert.api"]._notification(
            message, ok, next_action={"type": "ir.actions.act_window_close"}
        )

    # ------------------------------------------------------------ platform --

    def _platform_check(self):
        """Runs the platform check with an access that holds, keeps its
        result on the cabinet and sets how news is found.  For system
        administrators: the caller checked it; this runs as superuser."""
        self.ensure_one()
        if not self.env.is_system():
            raise AccessError(self.env._("Only administrators may check jesignexpert.com."))
        firm = self.sudo()
        api = self.env["jesignexpert.api"]
        for access in firm._usable_accesses(self.env.user):
            try:
                with firm._client(access) as client:
                    report = platform_check.run(client)
            except jse.JseAuthError:
                access._refused()
                continue
            except jse.JseError as error:
                raise api._user_error(error) from None
            break
        else:
            raise UserError(
                self.env._("jesignexpert.com accepts none of the collaborators' accesses: link yours again.")
            )
        firm.write(
            {
                "platform_check_on": fields.Datetime.now(),
                "platform_check_result": self._platform_check_html(report, access),
                "sync_strategy": report.strategy,
            }
        )
        summary = self._platform_check_summary(report)
        firm.message_post(body=summary)
        _logger.info(
            "jesignexpert.com platform check of cabinet %s: %s",
            self.id,
            ", ".join(f"{f.key} {f.verdict}" for f in report.findings),
        )
        return api._notification(summary, ok=not report.count("differs") and not report.left_behind, sticky=True)

    # ------------------------------------------------------------ wording --

    def _platform_check_summary(self, report):
        _ = self.env._
        strategy = dict(self._fields["sync_strategy"]._description_selection(self.env))[report.strategy]
        summary = _(
            "jesignexpert.com checked: %(holds)s assumption(s) hold, %(differs)s differ, %(absent)s absent, "
            "%(untested)s not tried. Signed documents are found by: %(strategy)s. The details are on the cabinet.",
            holds=report.count("holds"),
            differs=report.count("differs"),
            absent=report.count("absent"),
            untested=report.count("untested"),
            strategy=strategy,
        )
        if report.left_behind:
            summary += " " + _(
                "The throw-away draft %s could not be deleted: delete it on jesignexpert.com.", report.transaction_id
            )
        return summary

    def _platform_check_html(self, report, access):
        _ = self.env._
        labels = {
            "signatory.phone": _("A signer's mobile phone"),
            "draft.url": _("The draft's page address"),
            "transaction.get": _("Reading one collection"),
            "id_format": _("The format of collection ids"),
            "status_case": _("The case of status names"),
            "transaction.list": _("The change list"),
            "transaction.document": _("Downloading the signed document"),
            "transaction.proof": _("Downloading the proof file"),
            "transaction.cancel": _("Cancelling a collection"),
            "transaction.delete": _("Deleting a draft"),
            "transaction.check": _("The check itself"),
        }
        verdicts = {
            "holds": (_("Holds"), "text-success"),
            "differs": (_("Differs"), "text-warning"),
            "absent": (_("Absent"), "text-danger"),
            "untested": (_("Not tried"), "text-muted"),
        }
        rows = Markup("").join(
            Markup('<tr><td>%s</td><td class="%s"><strong>%s</strong></td><td>%s</td></tr>')
            % (labels.get(f.key, f.key), verdicts[f.verdict][1], verdicts[f.verdict][0], self._finding_text(f))
            for f in report.findings
        )
        intro = _("Checked with the access of %s, on a throw-away draft that was never sent.", access.user_id.name)
        return Markup('<p>%s</p><table class="table table-sm"><tbody>%s</tbody></table>') % (escape(intro), rows)

    def _finding_text(self, finding):
        """A finding in words (translated); ``value`` is what came back."""
        _ = self.env._
        value = finding.value
        by_key = {
            ("signatory.phone", "refused"): _("Refused (%s): signers are sent without their mobile phone.", value),
            ("transaction.list", "http"): _(
                "Not on this platform (%s): the daily check alone finds the signed documents.", value
            ),
        }
        if (finding.key, finding.code) in by_key:
            return by_key[(finding.key, finding.code)]
        texts = {
            "accepted": _("jesignexpert.com accepts it."),
            "url": _("jesignexpert.com gives it."),
            "none": _("No address came back: the collection's page cannot be opened from Odoo."),
            "ok": _("Read as expected."),
            "status": _("Unexpected status: %s.", value),
            "odd": _("Read, with oddities: %s.", value),
            "text": _("Text, compared as given (%s).", value),
            "number": _("A number (%s): Odoo keeps it as the text given and compares it so.", value),
            "other_id": _("Another id came back (%s).", value),
            "lower": _("Lower case, as expected (%s).", value),
            "other_case": _("Another case (%s): Odoo reads status names whatever their case.", value),
            "unknown": _("A status Odoo does not know (%s).", value),
            "items": _("Read, with the new draft in it."),
            "shape": _("Read in another shape (%s), which Odoo reads too.", value),
            "missing": _("Read, but the new draft was not in it: the daily check finds what the list misses."),
            "unreadable": _("Answered in a shape Odoo does not read: %s", value),
            "http": _("Not on this platform (%s).", value),
            "error": _("Unexpected answer: %s", value),
            "file": _("A file came back (%s).", value),
            "refused": _("Refused on a draft, as may be expected (%s).", value),
            "cancelled": _("The draft was cancelled."),
            "unread": _("Could not be read back afterwards: %s", value),
            "deleted": _("The draft was deleted: nothing is left on jesignexpert.com."),
            "still_there": _("The draft %s is still on jesignexpert.com: delete it there.", value),
            "stopped": _("Stopped part way: %s", value),
            "not_reached": _("Not tried: an earlier step failed."),
        }
        return texts.get(finding.code, value)
