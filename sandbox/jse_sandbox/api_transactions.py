"""The editor API's signature collections ("transactions"): creating one,
uploading its PDF with its signature fields, adding signatories, leaving it
as a draft or sending it (KNOWN calls, jse-api-facts.md), and reading it, the
change list, the signed PDF, the proof, cancelling and deleting (ASSUMED
calls: the sandbox's reading, see README.md)."""

import json
import re
from urllib.parse import quote

from pypdf.errors import PdfReadError
from werkzeug.wrappers import Response

from .api_linking import LinkingApi
from .pdf import page_count
from .routing import json_reply, route
from .store import SandboxError, expires_at

# KNOWN limits of the transaction's texts, and of a PDF.
LIMITS = {"object": 45, "message": 4000, "mailSender": 100, "mailSubject": 100}
PDF_MAX_BYTES = 10 * 1024 * 1024
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# ASSUMED: the mobile phone, in international (E.164) format.
PHONE_RE = re.compile(r"^\+[1-9][0-9]{7,14}$")
TRANSACTION = "/editor/<sc>/transaction/<tid>"


def transaction_json(call, row):
    """A transaction as the platform knows it (ASSUMED fields)."""
    data = json.loads(row["data"])
    return {
        "id": row["id"],
        "object": data.get("object"),
        "status": row["status"],
        "url": f"{call.base}/collecte/{row['id']}",
        "message": data.get("message"),
        "mailSender": data.get("mailSender"),
        "mailSubject": data.get("mailSubject"),
        "invitationMode": data.get("invitationMode"),
        "createdAt": row["created_ms"],
        "updatedAt": row["updated_ms"],
        "sentAt": row["sent_ms"],
        "expiresAt": expires_at(row["sent_ms"]),
        "closedAt": row["closed_ms"],
        "documents": [
            {
                "order": d["ord"],
                "name": d["filename"],
                "size": len(d["content"]),
                "signFields": json.loads(d["sign_fields"]),
            }
            for d in call.store.documents(row["id"])
        ],
        "signatories": [
            {
                "level": s["level"],
                "name": s["name"],
                "email": s["email"],
                "phone": s["phone"],
                "status": s["status"],
                "positions": json.loads(s["positions"]),
                "signedAt": s["signed_ms"],
                "refusedAt": s["refused_ms"],
            }
            for s in call.store.signatories(row["id"])
        ],
    }


class TransactionsApi(LinkingApi):
    def _api_transaction_json(self, row):
        """A transaction as the API reports it: in the dialect's words, with the
        fields a test asked it to report instead (``/_sandbox/transaction/{id}/answer``)."""
        answer = transaction_json(self, row)
        dialect = self.store.dialect()
        if dialect["status_case"] == "upper":
            answer["status"] = answer["status"].upper()
            for signatory in answer["signatories"]:
                signatory["status"] = signatory["status"].upper()
        answer["id"] = self._api_id(row["id"], dialect)
        for key, value in (self.store.option(row["id"], "answer") or {}).items():
            if value is None:
                answer.pop(key, None)
            else:
                answer[key] = value
        return answer

    def _api_id(self, tid, dialect=None):
        """A transaction id as the API writes it: text, or (dialect ``id_format``
        "number") a JSON number when it is made of digits."""
        dialect = dialect or self.store.dialect()
        return int(tid) if dialect["id_format"] == "number" and tid.isdigit() else tid

    def _transaction(self, sc, tid):
        """The transaction ``tid`` of the cabinet whose tokens the call carries."""
        office_id, _collaborator_id = self.authenticate(sc)
        return self.store.get_txn(sc, office_id, tid)

    @route("/editor/<sc>/transaction", "POST")
    def api_create(self, sc):
        office_id, collaborator_id = self.authenticate(sc)
        data = self.json_body()
        for key, limit in LIMITS.items():
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise SandboxError(400, f"{key} must be a string")
            if len(value or "") > limit:
                raise SandboxError(400, f"{key} is longer than {limit} characters")
        for key in ("object", "mailSender", "mailSubject"):
            if not (data.get(key) or "").strip():
                raise SandboxError(400, f"{key} is required")
        if data.get("invitationMode", "sequential") not in ("sequential", "parallel"):
            raise SandboxError(400, "invitationMode must be sequential or parallel")
        tid = self.store.create_transaction(sc, office_id, collaborator_id, data)
        return json_reply({"id": self._api_id(tid)})

    @route("/editor/<sc>/transaction", "GET")
    def api_list(self, sc):
        """ASSUMED: one page of the transactions changed after a position
        (``updatedSince``, ``afterId``), shaped as the dialect says."""
        office_id, _collaborator_id = self.authenticate(sc)
        absent = self.store.dialect()["change_list"]
        if absent != "yes":  # a platform with no change list
            raise SandboxError(int(absent), "no such call")
        since = self.request.args.get("updatedSince") or "0"
        after_id = self.request.args.get("afterId") or None
        if not since.isdigit():
            raise SandboxError(400, "updatedSince must be a positive integer")
        if after_id is not None and not re.fullmatch(r"\w+", after_id):
            raise SandboxError(400, "afterId is not a transaction id")
        rows, more = self.store.changed_since(sc, office_id, int(since), after_id)
        items = [self._api_transaction_json(r) for r in rows]
        shape = self.store.dialect()["list_shape"]
        if shape == "content":  # a Spring page: no hasMore, a "last" flag
            return json_reply({"content": items, "last": not more, "numberOfElements": len(items)})
        return json_reply({shape: items, "hasMore": more})

    @route(TRANSACTION, "GET")
    def api_get(self, sc, tid):
        return json_reply(self._api_transaction_json(self._transaction(sc, tid)))

    @route(TRANSACTION, "DELETE")
    def api_delete(self, sc, tid):
        self.store.delete(self._transaction(sc, tid))
        return Response(status=204, mimetype="application/json")

    @route(f"{TRANSACTION}/uploadFile/<int:order>", "PUT")
    def api_upload(self, sc, tid, order):
        row = self._transaction(sc, tid)
        if self.request.mimetype != "multipart/form-data":
            raise SandboxError(400, "multipart/form-data expected")
        upload = self.request.files.get("file")
        if upload is None:
            raise SandboxError(400, "the part 'file' is missing")
        content = upload.read()
        if not (upload.filename or "").lower().endswith(".pdf") or not content.lstrip().startswith(b"%PDF-"):
            raise SandboxError(400, "only PDF files are accepted")
        if len(content) > PDF_MAX_BYTES:
            raise SandboxError(400, "a file weighs at most 10 MB")
        try:
            pages = page_count(content)
        except (PdfReadError, ValueError, KeyError, TypeError) as exc:
            raise SandboxError(400, f"the file is not a readable PDF ({exc.__class__.__name__})") from None
        try:
            fields = json.loads(self.request.form.get("SignFields") or "[]")
        except ValueError:
            raise SandboxError(400, "SignFields is not JSON") from None
        if not isinstance(fields, list):
            raise SandboxError(400, "SignFields must be a list")
        for f in fields:
            if not isinstance(f, dict) or not {"order", "positionX", "positionY", "page"} <= set(f):
                raise SandboxError(400, "each SignField needs order, positionX, positionY and page")
            if f["page"] != -1 and not 1 <= int(f["page"]) <= pages:
                raise SandboxError(400, f"SignField {f['order']}: the document has no page {f['page']}")
        self.store.put_document(row, order, upload.filename, content, fields)
        return json_reply({"order": order, "pages": pages, "size": len(content)})

    @route(f"{TRANSACTION}/signatory", "POST")
    def api_signatory(self, sc, tid):
        row = self._transaction(sc, tid)
        data = self.json_body()
        name = (data.get("name") or "").strip()
        mail = (data.get("email") or "").strip()
        if not name:
            raise SandboxError(400, "name is required")
        if not EMAIL_RE.match(mail):
            raise SandboxError(400, "email is not valid")
        if not isinstance(data.get("level"), int) or data["level"] < 1:
            raise SandboxError(400, "level must be a positive integer")
        phone = data.get("phone")
        if phone and not PHONE_RE.match(phone):
            raise SandboxError(400, "phone must be in international format")
        positions = data.get("positions") or []
        known = {f["order"] for d in self.store.documents(tid) for f in json.loads(d["sign_fields"])}
        unknown = [p for p in positions if p not in known]
        if unknown:
            raise SandboxError(400, f"positions {unknown} match no SignField")
        self.store.add_signatory(
            row, {"name": name, "email": mail, "level": data["level"], "phone": phone, "positions": positions}
        )
        return json_reply({"level": data["level"]})

    @route(f"{TRANSACTION}/draft", "POST")
    def api_draft(self, sc, tid):
        self.store.set_draft(self._transaction(sc, tid))
        return json_reply({"id": self._api_id(tid), "url": f"{self.base}/collecte/{tid}"})

    @route(f"{TRANSACTION}/send", "POST")
    def api_send(self, sc, tid):
        self.store.send(self._transaction(sc, tid))
        return json_reply({"id": self._api_id(tid)})

    @route(f"{TRANSACTION}/cancel", "POST")
    def api_cancel(self, sc, tid):
        self.store.cancel(self._transaction(sc, tid))
        return Response(status=204, mimetype="application/json")

    @route(f"{TRANSACTION}/document/<int:order>", "GET")
    def api_document(self, sc, tid, order):
        filename, content = self.store.signed_document(self._transaction(sc, tid), order)
        disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
        return Response(content, mimetype="application/pdf", headers={"Content-Disposition": disposition})

    @route(f"{TRANSACTION}/proof", "GET")
    def api_proof(self, sc, tid):
        if self.store.dialect()["proof"] == "404":  # a platform without this call
            raise SandboxError(404, "not found")
        content = self.store.proof(self._transaction(sc, tid))
        return Response(
            content, mimetype="application/zip", headers={"Content-Disposition": 'attachment; filename="preuve.zip"'}
        )
