"""The platform's signature collections ("transactions"): their life from
draft to sent, then signed, refused, expired or cancelled; their documents,
signatories and signed copies; and the change list's pages."""

import hashlib
import json
import secrets

from ..pdf import proof_file, sign_pdf
from ..vocabulary import DRAFT_STATUSES
from .database import DAY_MS, SandboxError

# KNOWN: a collection expires 15 days after it is sent.
EXPIRY_MS = 15 * DAY_MS


def expires_at(sent_ms):
    """When a collection sent at ``sent_ms`` expires (None: not sent)."""
    return sent_ms + EXPIRY_MS if sent_ms else None


class Transactions:
    def create_transaction(self, shortcut, office_id, collaborator_id, data):
        # The "number" dialect's ids are digits (12, never a leading zero),
        # which the API writes as JSON numbers.
        number = self.dialect()["id_format"] == "number"
        tid = str(10**11 + secrets.randbelow(9 * 10**11)) if number else secrets.token_hex(8)
        now = self.now()
        with self.transaction():
            self._q(
                "INSERT INTO txn (id, shortcut, office_id, created_by, data, status, created_ms, updated_ms) "
                "VALUES (?, ?, ?, ?, ?, 'draft', ?, ?)",
                tid,
                shortcut,
                office_id,
                collaborator_id,
                json.dumps(data),
                now,
                now,
            )
        return tid

    def get_txn(self, shortcut, office_id, tid):
        """The transaction ``tid`` of a cabinet, as its tokens may see it."""
        row = self.txn_by_id(tid)
        if (row["shortcut"], row["office_id"]) != (shortcut, office_id):
            raise SandboxError(404, "no such transaction")
        return row

    def txn_by_id(self, tid):
        self._expire_due()
        row = self._one("SELECT * FROM txn WHERE id = ?", tid)
        if not row:
            raise SandboxError(404, "no such transaction")
        return row

    def _touch(self, tid, status=None, **cols):
        sets, args = ["updated_ms = ?"], [self.now()]
        if status:
            sets.append("status = ?")
            args.append(status)
        for col, value in cols.items():
            sets.append(f"{col} = ?")
            args.append(value)
        self._q(f"UPDATE txn SET {', '.join(sets)} WHERE id = ?", *args, tid)

    def _require_draft(self, row):
        if row["status"] not in DRAFT_STATUSES:
            raise SandboxError(400, f"the transaction is {row['status']}, no longer a draft")

    def put_document(self, row, order, filename, content, sign_fields):
        with self.transaction():
            self._require_draft(row)
            self._q(
                "INSERT OR REPLACE INTO document (txn_id, ord, filename, content, sign_fields) VALUES (?, ?, ?, ?, ?)",
                row["id"],
                order,
                filename,
                content,
                json.dumps(sign_fields),
            )
            self._touch(row["id"])

    def add_signatory(self, row, sig):
        with self.transaction():
            self._require_draft(row)
            if self._one("SELECT 1 FROM signatory WHERE txn_id = ? AND level = ?", row["id"], sig["level"]):
                raise SandboxError(400, f"a signatory of level {sig['level']} already exists")
            if self._one(
                "SELECT 1 FROM signatory WHERE txn_id = ? AND lower(email) = lower(?)", row["id"], sig["email"]
            ):
                raise SandboxError(400, f"the e-mail {sig['email']} already signs this transaction")
            self._q(
                "INSERT INTO signatory (txn_id, level, name, email, phone, positions, status) "
                "VALUES (?, ?, ?, ?, ?, ?, 'waiting')",
                row["id"],
                sig["level"],
                sig["name"],
                sig["email"],
                sig.get("phone"),
                json.dumps(sig["positions"]),
            )
            self._touch(row["id"])

    def documents(self, tid):
        return [dict(r) for r in self._q("SELECT * FROM document WHERE txn_id = ? ORDER BY ord", tid)]

    def signatories(self, tid):
        return [dict(r) for r in self._q("SELECT * FROM signatory WHERE txn_id = ? ORDER BY level", tid)]

    def set_draft(self, row):
        with self.transaction():
            self._require_draft(row)
            self._touch(row["id"], "draft")

    def prepare(self, row):
        with self.transaction():
            self._require_draft(row)
            self._touch(row["id"], "prepared")

    def send(self, row):
        """Sends the invitations: the first signer (sequential) or all (parallel)."""
        with self.transaction():
            self._require_draft(row)
            if not self.documents(row["id"]):
                raise SandboxError(400, "the transaction has no document")
            signers = self.signatories(row["id"])
            if not signers:
                raise SandboxError(400, "the transaction has no signatory")
            parallel = json.loads(row["data"]).get("invitationMode") == "parallel"
            for n, signer in enumerate(signers):
                if parallel or n == 0:
                    self._q(
                        "UPDATE signatory SET status = 'invited' WHERE txn_id = ? AND level = ?",
                        row["id"],
                        signer["level"],
                    )
            now = self.now()
            self._touch(row["id"], "sent", sent_ms=now)

    def delete(self, row):
        """Deletes a draft, or a draft that was cancelled before it was ever sent."""
        with self.transaction():
            if not (row["status"] == "cancelled" and not row["sent_ms"]):
                self._require_draft(row)
            for table in ("document", "signatory"):
                self._q(f"DELETE FROM {table} WHERE txn_id = ?", row["id"])
            self._q("DELETE FROM txn WHERE id = ?", row["id"])

    def cancel(self, row):
        """Cancels a collection not yet ended: nobody can sign it any more.
        Cancelling it again changes nothing."""
        with self.transaction():
            if row["status"] == "cancelled":
                return
            if row["status"] not in ("draft", "prepared", "sent"):
                raise SandboxError(400, f"the transaction is {row['status']}, it can no longer be cancelled")
            self._touch(row["id"], "cancelled", closed_ms=self.now())

    def sign(self, tid, level):
        with self.transaction():
            self._invited_signer(tid, level)
            now = self.now()
            self._q(
                "UPDATE signatory SET status = 'signed', signed_ms = ? WHERE txn_id = ? AND level = ?", now, tid, level
            )
            waiting = [s for s in self.signatories(tid) if s["status"] == "waiting"]
            if waiting:
                self._q(
                    "UPDATE signatory SET status = 'invited' WHERE txn_id = ? AND level = ?", tid, waiting[0]["level"]
                )
                self._touch(tid)
            elif all(s["status"] == "signed" for s in self.signatories(tid)):
                self._touch(tid, "signed", closed_ms=now)
            else:
                self._touch(tid)

    def refuse(self, tid, level):
        with self.transaction():
            self._invited_signer(tid, level)
            now = self.now()
            self._q(
                "UPDATE signatory SET status = 'refused', refused_ms = ? WHERE txn_id = ? AND level = ?",
                now,
                tid,
                level,
            )
            self._touch(tid, "refused", closed_ms=now)

    def _invited_signer(self, tid, level):
        """The signatory ``level`` of a sent transaction, who must be invited."""
        row = self.txn_by_id(tid)
        if row["status"] != "sent":
            raise SandboxError(400, f"the transaction is {row['status']}, not sent")
        signer = self._one("SELECT * FROM signatory WHERE txn_id = ? AND level = ?", tid, int(level))
        if not signer:
            raise SandboxError(404, f"no signatory {level}")
        if signer["status"] != "invited":
            raise SandboxError(400, f"signatory {level} is {signer['status']}, not invited")
        return signer

    def advance_clock(self, days):
        """Moves the platform's clock ``days`` forward (back, when negative)."""
        with self.transaction():
            self._set_meta("clock_offset_ms", int(self._meta("clock_offset_ms") or 0) + int(float(days) * DAY_MS))
            self._expire_due()
        return self.now()

    def _expire_due(self):
        """Sent transactions expire 15 days after they were sent."""
        now = self.now()
        due = self._q("SELECT id FROM txn WHERE status = 'sent' AND sent_ms <= ?", now - EXPIRY_MS).fetchall()
        for row in due:
            self._touch(row["id"], "expired", closed_ms=now)

    def changed_since(self, shortcut, office_id, since, after_id=None):
        """One page of the transactions changed after the position (``since``,
        ``after_id``), ordered by (updated_ms, id): keyset paging, so that a
        change between two pages moves a transaction later, never out."""
        self._expire_due()
        page_size = self.page_size()
        rows = self._q(
            "SELECT * FROM txn WHERE shortcut = ? AND office_id = ? "
            "AND (updated_ms > ? OR (updated_ms = ? AND id > ?)) "
            "AND id NOT IN (SELECT txn_id FROM txn_option WHERE key = 'hidden_from_list') "
            "ORDER BY updated_ms, id LIMIT ?",
            shortcut,
            office_id,
            int(since),
            int(since),
            after_id if after_id is not None else "\uffff",
            page_size + 1,
        ).fetchall()
        return rows[:page_size], len(rows) > page_size

    def signed_document(self, row, order):
        """The signed PDF of a signed transaction, made once from the original."""
        if row["status"] != "signed":
            raise SandboxError(400, f"the transaction is {row['status']}, not signed")
        doc = self._one("SELECT * FROM document WHERE txn_id = ? AND ord = ?", row["id"], order)
        if not doc:
            raise SandboxError(404, f"no document {order}")
        if doc["signed"]:
            return doc["filename"], doc["signed"]
        fields = {f["order"]: f for f in json.loads(doc["sign_fields"])}
        marks = []
        for signer in self.signatories(row["id"]):
            for pos in json.loads(signer["positions"]) or [None]:
                spot = fields.get(pos, {"page": -1, "positionX": 40, "positionY": 40})
                marks.append(
                    {
                        "name": signer["name"],
                        "email": signer["email"],
                        "signed_at": signer["signed_ms"],
                        "page": spot["page"],
                        "x": spot["positionX"],
                        "y": spot["positionY"],
                    }
                )
        signed = sign_pdf(doc["content"], marks, certificate_page=bool(self.option(row["id"], "certificate_page")))
        with self.transaction():
            self._q("UPDATE document SET signed = ? WHERE txn_id = ? AND ord = ?", signed, row["id"], order)
        return doc["filename"], signed

    def proof(self, row):
        _filename, signed = self.signed_document(row, 1)
        signers = [
            {"level": s["level"], "name": s["name"], "email": s["email"], "signedAt": s["signed_ms"]}
            for s in self.signatories(row["id"])
        ]
        info = {"id": row["id"], "object": json.loads(row["data"])["object"], "closedAt": row["closed_ms"]}
        return proof_file(info, signers, hashlib.sha256(signed).hexdigest())
