# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a person does to a collection on jesignexpert.com: open its page
there, refresh it now, cancel it or delete its draft; and who may."""

from odoo import models
from odoo.exceptions import AccessError, UserError

from .. import jse
from .jesignexpert_firm import GROUP_MANAGER


class JesignexpertCollectionActionMixin(models.AbstractModel):
    """The buttons of jesignexpert.collection that act on jesignexpert.com."""

    _name = "jesignexpert.collection.action.mixin"
    _description = "Acting on a signature collection on jesignexpert.com"

    def action_open_jesignexpert(self):
        self.ensure_one()
        self.check_access("read")
        return {"type": "ir.actions.act_url", "url": self.jse_url, "target": "new"}

    def _check_may_act(self):
        """Acting on jesignexpert.com for a collection (refreshing it,
        cancelling it, deleting its draft) is for its initiator, a
        jesignexpert.com manager of its company, or an administrator:
        reading it is not enough."""
        self.check_access("read")  # the record rules: one's own, or the company's for managers
        user = self.env.user
        if self.env.su or user.has_group(GROUP_MANAGER) or user._is_system():
            return
        for collection in self:
            if collection.initiator_id != user:
                raise AccessError(
                    self.env._(
                        "Only %(user)s or a jesignexpert.com manager can do this on %(name)s.",
                        user=collection.initiator_id.name,
                        name=collection.name,
                    )
                )

    def action_refresh(self):
        """Asks jesignexpert.com now, as the sync does, signed document included.
        What could not be done is said in a notification (an error would undo
        the news taken)."""
        self._check_may_act()
        api = self.env["jesignexpert.api"]
        problems = []
        for collection in self:
            try:
                with collection._client() as client:
                    transaction = client.get_transaction(collection.jse_id)
                    taken = collection._take_news(client, transaction, fetch_now=True)
            except jse.JseRateLimited as error:  # the news it took stays
                problems.append(api._error_message(error))
                continue
            except jse.JseError as error:
                raise api._user_error(error) from None
            if taken and not (collection.state == "signed" and not collection.signed_attachment_id):
                continue
            if taken:
                problems.append(
                    self.env._(
                        "%(name)s: the signed document could not be fetched yet (%(error)s); Odoo tries again "
                        "at its next synchronisation.",
                        name=collection.name,
                        error=collection.fetch_error,
                    )
                )
            else:
                problems.append(
                    self.env._("%s is being synchronised right now: refresh it again in a moment.", collection.name)
                )
        reload = {"type": "ir.actions.client", "tag": "soft_reload"}
        if not problems:
            return reload
        return api._notification("\n".join(problems), ok=False, sticky=True, next_action=reload)

    def action_cancel(self):
        """Stops a collection in progress, as jesignexpert.com has it now: a
        draft is deleted there, a sent one is cancelled (its signers can no
        longer sign)."""
        self._check_may_act()
        api = self.env["jesignexpert.api"]
        for collection in self:
            if collection.state not in ("draft", "prepared", "sent"):
                raise UserError(self.env._("Only a collection in progress can be cancelled."))
            try:
                outcome = collection._cancel_on_jesignexpert()
            except jse.JseError as error:
                raise api._user_error(error) from None
            if outcome not in ("deleted", "cancelled"):
                states = dict(self._fields["state"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "%(name)s is already %(state)s on jesignexpert.com: it can no longer be cancelled.",
                        name=collection.name,
                        state=states.get(outcome, outcome),
                    )
                )
            collection.sudo().state = "cancelled"
            if outcome == "deleted":
                message = self.env._("Draft deleted, on jesignexpert.com too.")
            else:
                message = self.env._(
                    "Cancelled on jesignexpert.com by %s: nobody can sign it any more.", self.env.user.name
                )
            collection.sudo().message_post(body=message)
            collection._subject().message_post(
                body=self.env._("%(name)s: %(message)s", name=collection.name, message=message)
            )
        return True

    def action_delete_draft(self):
        """The draft's button: the same, said for a draft."""
        return self.action_cancel()

    def _cancel_on_jesignexpert(self):
        """Deletes the draft there, or cancels the sent collection.  Returns
        "deleted", "cancelled", or the status that forbids both."""
        self.ensure_one()
        with self._client() as client:
            try:
                status = client.get_transaction(self.jse_id).status
            except jse.JseNotFound:
                return "deleted"  # already deleted there
            if status in ("draft", "prepared"):
                client.delete_transaction(self.jse_id)
                return "deleted"
            if status != "sent":
                return status
            client.cancel_transaction(self.jse_id)
        return "cancelled"
