# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A collection's signed document, taken home: downloaded with its proof,
read, attached to the contract (else to the employee) once; a fetch that
fails is kept on the collection and tried again after a growing wait.  A
mixin of ``jesignexpert.collection``."""

import io
import logging
import tempfile
from datetime import timedelta

from odoo import fields, models

from .. import jse
from ..transactions import CONCURRENT_UPDATE
from .jesignexpert_sync_fetch_mixin import FETCH_REMIND_ATTEMPTS, SignedNotAttached

_logger = logging.getLogger(__name__)


class JesignexpertCollectionFetchMixin(models.AbstractModel):
    _name = "jesignexpert.collection.fetch.mixin"
    _description = "Signed document of a signature collection, taken home"

    # ---------------------------------------------------- signed document --

    def _still_unfetched(self):
        """Whether the signed document is still to fetch, as committed now
        (called under the row lock: what was read before may be stale)."""
        self.ensure_one()
        self.invalidate_recordset(["state", "signed_attachment_id"])
        return self.state == "signed" and not self.signed_attachment_id

    def _fetch(self, client):
        """Fetches the signed document.  Whatever goes wrong with this one
        document (a refusal, a 409 or a 410, an answer Odoo cannot read, an
        unexpected error) is kept on the collection, which is tried again
        after a growing wait (see _fetch_due): it never stops the cabinet's
        other documents, nor the run.  Returns the rate limit error, if
        jesignexpert.com asked to wait (the whole cabinet then waits)."""
        # No savepoint of its own: nothing is written before the document is
        # read, and what fails in the writing raises SignedNotAttached for the
        # caller's savepoint to undo (see _take_news, _fetch_collections).
        try:
            self._fetch_signed(client)
        except CONCURRENT_UPDATE:
            raise  # another run wrote meanwhile: the caller reads it again (see _take_news)
        except (jse.JseAuthError, jse.JseDeadlineReached, SignedNotAttached):
            # The access's trouble, or the batch's time: not the document's (the caller decides).
            raise
        except jse.JseError as error:
            _logger.info("jesignexpert.com collection %s: signed document not fetched: %s", self.id, error)
            self._fetch_failed(self.env["jesignexpert.api"]._error_message(error), error)
            return error if isinstance(error, jse.JseRateLimited) else None
        except Exception as error:
            self._fetch_unexpected(error)
        return None

    def _fetch_unexpected(self, error):
        """The signed document could not be taken home for a reason nobody
        foresaw: logged for a developer, said on the collection, tried again."""
        _logger.error(
            "jesignexpert.com collection %s: the signed document could not be taken home", self.id, exc_info=error
        )
        self._fetch_failed(
            self.env._(
                "Unexpected error while taking the signed document home (%s): Odoo tries again later.",
                error.__class__.__name__,
            )
        )

    def _fetch_failed(self, message, error=None):
        """Keeps a failed fetch on the collection: the problem shown, the next
        attempt after a growing wait, the initiator told when it lasts."""
        attempts = self.fetch_attempts + 1
        wait = self.env["jesignexpert.sync"]._retry_wait(attempts)
        if isinstance(error, jse.JseRateLimited):
            wait = timedelta(seconds=error.retry_after)  # as long as jesignexpert.com asked
        self.sudo().write(
            {
                "fetch_error": message[:300],
                "fetch_attempts": attempts,
                "next_fetch_on": fields.Datetime.now() + wait,
            }
        )
        if attempts >= FETCH_REMIND_ATTEMPTS:
            self._remind_fetch()

    def _fetch_signed(self, client):
        """Downloads the signed PDF and the proof, reads the PDF (only an
        unreadable one is refused), attaches both to the contract (else to
        the employee), once."""
        self.ensure_one()
        with tempfile.SpooledTemporaryFile(max_size=2 * 1024 * 1024) as spool:
            download = client.download_document(self.jse_id, 1, spool)
            spool.seek(0)
            signed_pdf = jse.read_signed_pdf(spool, self.page_count)
            spool.seek(0)
            pdf = spool.read()
        proof = io.BytesIO()
        # None: the platform has no proof call; the signed document comes alone.
        has_proof = client.download_proof_if_any(self.jse_id, proof) is not None
        try:
            self._attach_signed(pdf, download.sha256, has_proof and proof.getvalue(), signed_pdf.notes)
        except CONCURRENT_UPDATE:
            raise
        except Exception as error:
            raise SignedNotAttached() from error

    def _attach_signed(self, pdf, sha256, proof, notes):
        """Attaches the signed document read, and its proof (if any), to the
        contract (else to the employee), and says so: the writing of
        _fetch_signed, once all is read."""
        subject = self._subject()
        # A contract's document is named after the contract; another one after the collection.
        base = subject.name if self.contract_id else self.name
        files = [
            {
                "name": f"{base} - signé.pdf",
                "raw": pdf,  # not base64: a 10 MB document is not copied three times
                "res_model": subject._name,
                "res_id": subject.id,
                "company_id": self.company_id.id,
                "mimetype": "application/pdf",
            }
        ]
        if proof is not False:
            files.append(
                {
                    "name": f"{base} - preuve.zip",
                    "raw": proof,
                    "res_model": subject._name,
                    "res_id": subject.id,
                    "company_id": self.company_id.id,
                }
            )
        created = self.env["ir.attachment"].sudo().create(files)  # both in one INSERT
        signed, proof_file = created[0], created[1:]
        reminder = self.sudo().fetch_activity_id
        self.sudo().write(
            {
                "signed_attachment_id": signed.id,
                "proof_attachment_id": proof_file and proof_file.id,
                "signed_sha256": sha256,
                "signed_on": fields.Datetime.now(),
                "fetch_error": False,
                "fetch_attempts": 0,
                "next_fetch_on": False,
                "fetch_reminded": False,
                "fetch_activity_id": False,
            }
        )
        if reminder.exists() and reminder.active:  # still open: done now
            reminder.action_feedback(feedback=self.env._("The signed document came home."))
        body = self.env._(
            "Signed by every signer: %(name)s is attached (SHA-256 %(sha)s).", name=signed.name, sha=sha256
        )
        if notes:
            body += " " + self.env._(
                "Note: the signed document has %s.", "; ".join(self._problem_text(n) for n in notes)
            )
        chatter = self.env["jesignexpert.chatter"]
        chatter._post(subject, body, signed.ids)
        chatter._post(self.sudo(), body)
        if self.contract_id:
            subject_line = self.env._("Contract signed: %s", subject.name)
            news = self.env._("%s was signed by every signer; the signed document is on the contract.", subject.name)
        else:
            subject_line = self.env._("Document signed: %s", self.name)
            news = self.env._(
                "%(name)s was signed by every signer; the signed document is on %(employee)s's form.",
                name=self.name,
                employee=subject.name,
            )
        chatter._notify(self.sudo(), self.initiator_id.partner_id.ids, subject_line, news)
