"""jesignexpert.com on 127.0.0.1: the sandbox's HTTP server.

Three faces:

* ``/editor/{shortcut}/...``: the editor API, known and assumed calls alike
  (see ``jse/client.py``), checking the HMAC, the timestamp and the tokens as
  the platform does;
* the pages a person sees: ``/connect/{idRequest}`` (log in, pick a cabinet,
  back to the software) and ``/collecte/{id}`` (the draft collection page with
  "Supprimer le brouillon", "Marquer comme préparé", "Envoyer la collecte");
* ``/_sandbox/...``: a control API for tests and demos (confirm, sign, refuse,
  move the clock, inject faults, approve a link, revoke tokens).
"""

import email.parser
import email.policy
import hmac
import html
import io
import json
import logging
import re
import threading
import time
from collections import Counter
from hashlib import sha256
from http import cookies
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .store import SandboxError, Store, expires_at
from .vocabulary import DRAFT_STATUSES, SIGN_FIELD_HEIGHT, SIGN_FIELD_WIDTH, SIGNATORY_LABELS, TRANSACTION_LABELS

_logger = logging.getLogger(__name__)

TS_TOLERANCE_MS = 5 * 60 * 1000
MAX_BODY = 12 * 1024 * 1024
LIMITS = {"object": 45, "message": 4000, "mailSender": 100, "mailSubject": 100}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+[1-9][0-9]{7,14}$")


class Reply(Exception):
    """An answer (status, body, headers): routes return it; only faults, which
    strike before any change, raise it."""

    def __init__(self, status, body=b"", content_type="application/json", headers=None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}


def _json(status, data):
    return Reply(status, json.dumps(data).encode(), "application/json")


def _page(title, body, status=200, headers=None):
    # Each page names itself in the browser console, so that browser tests
    # (Odoo tours) know where the browser landed.
    trace = json.dumps(f"jesignexpert.com sandbox: {title}").replace("<", "\\u003c")
    doc = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<script>console.log({trace});</script>
<title>{html.escape(title)} - jesignexpert.com (sandbox)</title>
<style>
body {{ font-family: sans-serif; margin: 0; background: #f4f6f9; color: #1d2733; }}
header {{ background: #00558c; color: #fff; padding: 12px 24px; }}
header small {{ opacity: .8; margin-left: 8px; }}
main {{ max-width: 900px; margin: 24px auto; background: #fff; padding: 24px; border-radius: 6px; }}
h1 {{ font-size: 22px; }} table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #dde3ea; padding: 6px; text-align: left; }}
button {{ padding: 8px 14px; margin: 4px 6px 4px 0; border-radius: 4px; border: 1px solid #00558c;
  background: #00558c; color: #fff; cursor: pointer; }}
button.secondary {{ background: #fff; color: #00558c; }} button.danger {{ background: #b3261e; border-color: #b3261e; }}
.status {{ font-weight: bold; }}
.pages {{ display: flex; flex-wrap: wrap; gap: 12px; }}
.page {{ position: relative; background: #fff; border: 1px solid #b8c2cc; box-shadow: 0 1px 3px #0002; }}
.pageno {{ position: absolute; bottom: 2px; right: 4px; font-size: 10px; color: #889; }}
.field {{ position: absolute; border: 1px dashed #00558c; background: #00558c22; font-size: 8px;
  overflow: hidden; color: #00558c; }} .error {{ color: #b3261e; }} label {{ display: block; margin: 8px 0; }}
</style></head><body><header><strong>jesignexpert.com</strong><small>sandbox locale, aucune valeur légale</small>
</header><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"""
    return Reply(status, doc.encode(), "text/html; charset=utf-8", headers)


def _e(value):
    return html.escape(str(value if value is not None else ""))


def _pdf_pages(content):
    try:
        return len(PdfReader(io.BytesIO(content)).pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise SandboxError(400, f"the file is not a readable PDF ({exc.__class__.__name__})") from None


class SandboxHandler(BaseHTTPRequestHandler):
    server_version = "jesignexpert-sandbox/1.0"
    protocol_version = "HTTP/1.1"
    # One write per answer, sent at once: no 40 ms Nagle/delayed-ACK stalls.
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024

    # -------------------------------------------------------- plumbing --

    def log_message(self, fmt, *args):  # requests go to the logger, not stderr
        _logger.debug("%s %s", self.address_string(), fmt % args)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")

    @property
    def store(self):
        return self.server.store

    def _handle(self, method):
        split = urlsplit(self.path)
        self.route_path = split.path
        self.query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._reply(_json(413, {"details": "request too large"}))
            self.close_connection = True
            return
        self.body = self.rfile.read(length) if length else b""
        try:
            fault = None
            if self.route_path.startswith("/editor/"):
                delay = self.store.latency()
                if delay:
                    time.sleep(delay)  # outside the store's lock: calls wait side by side
                fault = self.store_fault(method)
            with self.store.transaction():
                reply = self._dispatch(method)
            if fault == "corrupt_pdf" and reply.status == 200:
                reply.body = reply.body[: len(reply.body) // 3] + b"\x00garbled\x00" * 8
        except Reply as r:
            reply = r
        except SandboxError as exc:
            reply = self._error(exc.status, exc.details)
        except Exception:  # the sandbox must answer, whatever its bug
            _logger.exception("sandbox failure on %s %s", method, self.route_path)
            reply = self._error(500, "sandbox internal error")
        self._reply(reply)

    def _error(self, status, details):
        if self.route_path.startswith(("/editor/", "/_sandbox/")):
            return _json(status, {"details": details})
        return _page("Erreur", f'<p class="error">{_e(details)}</p>', status)

    def _reply(self, reply):
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout fault): nothing more to tell it.
            self.close_connection = True

    def store_fault(self, method):
        download = method == "GET" and re.search(r"/(document/\d+|proof)$", self.route_path) is not None
        with self.store.transaction():
            fault = self.store.take_fault(self.route_path, download=download)
        if not fault:
            return None
        mode = fault["mode"]
        if mode == "500":
            raise _json(500, {"details": "injected server error"})
        if mode == "429":
            retry = fault["retry_after"] if fault["retry_after"] is not None else 1
            raise Reply(429, b'{"details": "too many requests"}', headers={"Retry-After": f"{retry:g}"})
        if mode == "403":
            raise _json(403, {"details": "tokens expired or revoked"})
        if mode == "status":
            status = fault["status"]
            headers = {"Retry-After": f"{fault['retry_after']:g}"} if fault["retry_after"] is not None else {}
            if status in (204, 304):
                raise Reply(status, headers=headers)
            raise Reply(
                status, json.dumps({"details": fault["details"] or f"injected HTTP {status}"}).encode(), headers=headers
            )
        if mode == "timeout":
            # Hang past the client's timeout, then carry the request out all
            # the same: the answer is lost, the effect is not.
            time.sleep(fault["seconds"] if fault["seconds"] is not None else 10)
        return mode

    def _base(self):
        return f"http://{self.headers.get('Host') or '%s:%s' % self.server.server_address[:2]}"

    def _json_body(self):
        if not self.body:
            return {}
        try:
            data = json.loads(self.body)
        except ValueError:
            raise SandboxError(400, "the body is not JSON") from None
        if not isinstance(data, dict):
            raise SandboxError(400, "the body must be a JSON object")
        return data

    def _form(self):
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}

    def _multipart(self):
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("multipart/form-data"):
            raise SandboxError(400, "multipart/form-data expected")
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {ctype}\r\n\r\n".encode() + self.body
        )
        parts = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            parts[name] = (part.get_filename(), part.get_payload(decode=True) or b"")
        return parts

    def _session(self):
        jar = cookies.SimpleCookie(self.headers.get("Cookie", ""))
        token = jar["jse_sandbox_session"].value if "jse_sandbox_session" in jar else None
        return self.store.collaborator_of_session(token)

    # --------------------------------------------------------- routing --

    ROUTES = [
        ("POST", r"/editor/(?P<sc>[^/]+)/token/officeAndUser/auth/(?P<idr>[^/]+)/(?P<mac>[^/]+)", "api_link_auth"),
        ("GET", r"/editor/(?P<sc>[^/]+)/token/officeAndUser/fetch/(?P<idr>[^/]+)/(?P<mac>[^/]+)", "api_link_fetch"),
        ("GET", r"/editor/(?P<sc>[^/]+)/token/validateCheck", "api_validate"),
        ("POST", r"/editor/(?P<sc>[^/]+)/transaction", "api_create"),
        ("GET", r"/editor/(?P<sc>[^/]+)/transaction", "api_list"),
        ("GET", r"/editor/(?P<sc>[^/]+)/transaction/(?P<tid>\w+)", "api_get"),
        ("DELETE", r"/editor/(?P<sc>[^/]+)/transaction/(?P<tid>\w+)", "api_delete"),
        ("PUT", r"/editor/(?P<sc>[^/]+)/transaction/(?P<tid>\w+)/uploadFile/(?P<order>\d+)", "api_upload"),
        ("POST", r"/editor/(?P<sc>[^/]+)/transaction/(?P<tid>\w+)/signatory", "api_signatory"),
        ("POST", r"/editor/(?P<sc>[^/]+)/transaction/(?P<tid>\w+)/draft", "api_draft"),
        ("POST", r"/editor/(?P<sc>[^/]+)/transaction/(?P<tid>\w+)/send", "api_send"),
        ("POST", r"/editor/(?P<sc>[^/]+)/transaction/(?P<tid>\w+)/cancel", "api_cancel"),
        ("GET", r"/editor/(?P<sc>[^/]+)/transaction/(?P<tid>\w+)/document/(?P<order>\d+)", "api_document"),
        ("GET", r"/editor/(?P<sc>[^/]+)/transaction/(?P<tid>\w+)/proof", "api_proof"),
        ("GET", r"/", "page_index"),
        ("GET", r"/connect/(?P<idr>\w+)", "page_connect"),
        ("POST", r"/connect/(?P<idr>\w+)", "page_connect_post"),
        ("GET", r"/collecte/(?P<tid>\w+)", "page_collection"),
        ("POST", r"/collecte/(?P<tid>\w+)/login", "page_collection_login"),
        ("POST", r"/collecte/(?P<tid>\w+)/(?P<action>delete|prepare|send)", "page_collection_action"),
        ("GET", r"/collecte/(?P<tid>\w+)/document/(?P<order>\d+)", "page_document"),
        ("GET", r"/_sandbox/health", "ctl_health"),
        ("GET", r"/_sandbox/transaction/(?P<tid>\w+)", "ctl_get"),
        ("POST", r"/_sandbox/transaction/(?P<tid>\w+)/confirm", "ctl_confirm"),
        ("POST", r"/_sandbox/transaction/(?P<tid>\w+)/signatory/(?P<n>\d+)/(?P<action>sign|refuse)", "ctl_sign"),
        ("POST", r"/_sandbox/transaction/(?P<tid>\w+)/(?P<key>answer|certificate_page)", "ctl_option"),
        ("DELETE", r"/_sandbox/transaction/(?P<tid>\w+)/(?P<key>answer|certificate_page)", "ctl_option_clear"),
        ("POST", r"/_sandbox/transaction/(?P<tid>\w+)/hide_from_list", "ctl_hide"),
        ("DELETE", r"/_sandbox/transaction/(?P<tid>\w+)/hide_from_list", "ctl_unhide"),
        ("POST", r"/_sandbox/latency", "ctl_latency"),
        ("POST", r"/_sandbox/page_size", "ctl_page_size"),
        ("GET", r"/_sandbox/calls", "ctl_calls"),
        ("DELETE", r"/_sandbox/calls", "ctl_calls_clear"),
        ("POST", r"/_sandbox/clock", "ctl_clock"),
        ("POST", r"/_sandbox/faults", "ctl_faults"),
        ("DELETE", r"/_sandbox/faults", "ctl_faults_clear"),
        ("GET", r"/_sandbox/dialect", "ctl_dialect_get"),
        ("POST", r"/_sandbox/dialect", "ctl_dialect"),
        ("DELETE", r"/_sandbox/dialect", "ctl_dialect_clear"),
        ("POST", r"/_sandbox/link/(?P<idr>\w+)/approve", "ctl_approve"),
        ("POST", r"/_sandbox/tokens/revoke", "ctl_revoke"),
    ]
    _compiled = [(m, re.compile(p + "$"), h) for m, p, h in ROUTES]

    def _dispatch(self, method):
        allowed = False
        for verb, pattern, handler in self._compiled:
            match = pattern.match(self.route_path)
            if match:
                allowed = True
                if verb == method:
                    if handler.startswith("api_"):
                        with self.server.calls_lock:
                            self.server.calls[handler] += 1
                    return getattr(self, handler)(**match.groupdict())
        if allowed:
            raise SandboxError(405, "method not allowed")
        raise SandboxError(404, "not found")

    # ------------------------------------------------------ API: linking --

    def _check_signature(self, sc, idr, mac, fresh=True):
        """The HMAC of the call (and, when ``fresh``, that its ts is now)."""
        secret = self.store.secret_of(sc)
        ts = self.query.get("ts", "")
        if not ts.isdigit():
            raise SandboxError(400, "ts is missing")
        if fresh and abs(int(time.time() * 1000) - int(ts)) > TS_TOLERANCE_MS:
            raise SandboxError(400, "ts is too far from the current time")
        if not re.fullmatch(r"[A-Za-z0-9]{30}", idr):
            raise SandboxError(400, "idRequest must be 30 characters from [A-Za-z0-9]")
        expected = hmac.new(secret.encode(), f"{sc}||{idr}||{ts}".encode(), sha256).hexdigest()
        if not hmac.compare_digest(expected, mac.lower()):
            raise SandboxError(400, "HMAC incorrect")
        return ts

    def api_link_auth(self, sc, idr, mac):
        ts = self._check_signature(sc, idr, mac)
        data = self._json_body()
        success_url = data.get("success_url") or ""
        if not re.match(r"^https?://", success_url):
            raise SandboxError(400, "success_url is required")
        self.store.open_link(sc, idr, success_url, data.get("callback_url"), ts, mac.lower())
        return _json(200, {"url": f"{self._base()}/connect/{idr}"})

    def api_link_fetch(self, sc, idr, mac):
        """The tokens, to a fetch signed as the dialect says: anew ("fresh"),
        with the start call's own ts and HMAC ("start"), or either ("any")."""
        reading = self.store.dialect()["fetch_signature"]
        ts = self._check_signature(sc, idr, mac, fresh=reading != "start")
        link = self.store.link_request(idr)
        if link and link["auth_ts"]:
            start = hmac.compare_digest(link["auth_ts"], ts) & hmac.compare_digest(link["auth_mac"], mac.lower())
            if reading == "start" and not start:
                raise SandboxError(400, "HMAC incorrect: sign the fetch with the ts and HMAC of the start")
            if reading == "fresh" and start:
                raise SandboxError(400, "ts already used: sign the fetch anew")
        return _json(200, self.store.fetch_link(sc, idr))

    def _auth(self, sc):
        self.store.secret_of(sc)
        return self.store.authenticate(
            sc, self.headers.get("JSE-EDITOR-TOKEN-OFFICE"), self.headers.get("JSE-EDITOR-TOKEN-USER")
        )

    def api_validate(self, sc):
        self._auth(sc)
        return _json(200, {"valid": True})

    # ------------------------------------------------- API: transactions --

    def _api_txn_json(self, row):
        """A transaction as the API reports it, with the fields a test asked
        the platform to report instead (``/_sandbox/transaction/{id}/answer``)."""
        answer = self._txn_json(row)
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
        """A transaction id as the API writes it: text, or (dialect
        ``id_format`` "number") a JSON number when it is made of digits."""
        dialect = dialect or self.store.dialect()
        return int(tid) if dialect["id_format"] == "number" and tid.isdigit() else tid

    def _txn_json(self, row):
        data = json.loads(row["data"])
        docs = self.store.documents(row["id"])
        signers = self.store.signatories(row["id"])
        return {
            "id": row["id"],
            "object": data.get("object"),
            "status": row["status"],
            "url": f"{self._base()}/collecte/{row['id']}",
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
                for d in docs
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
                for s in signers
            ],
        }

    def api_create(self, sc):
        office_id, collaborator_id = self._auth(sc)
        data = self._json_body()
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
        return _json(200, {"id": self._api_id(tid)})

    def _txn(self, sc, tid):
        office_id, _collaborator_id = self._auth(sc)
        return self.store.get_txn(sc, office_id, tid)

    def api_list(self, sc):
        office_id, _collaborator_id = self._auth(sc)
        absent = self.store.dialect()["change_list"]
        if absent != "yes":  # a platform with no change list
            raise SandboxError(int(absent), "no such call")
        since = self.query.get("updatedSince", "0")
        after_id = self.query.get("afterId")
        if not since.isdigit():
            raise SandboxError(400, "updatedSince must be a positive integer")
        if after_id is not None and not re.fullmatch(r"\w+", after_id):
            raise SandboxError(400, "afterId is not a transaction id")
        rows, more = self.store.changed_since(sc, office_id, int(since), after_id)
        items = [self._api_txn_json(r) for r in rows]
        shape = self.store.dialect()["list_shape"]
        if shape == "content":  # a Spring page: no hasMore, a "last" flag
            return _json(200, {"content": items, "last": not more, "numberOfElements": len(items)})
        return _json(200, {shape: items, "hasMore": more})

    def api_get(self, sc, tid):
        return _json(200, self._api_txn_json(self._txn(sc, tid)))

    def api_delete(self, sc, tid):
        self.store.delete(self._txn(sc, tid))
        return Reply(204)

    def api_upload(self, sc, tid, order):
        row = self._txn(sc, tid)
        parts = self._multipart()
        if "file" not in parts:
            raise SandboxError(400, "the part 'file' is missing")
        filename, content = parts["file"]
        if not (filename or "").lower().endswith(".pdf") or not content.lstrip().startswith(b"%PDF-"):
            raise SandboxError(400, "only PDF files are accepted")
        if len(content) > 10 * 1024 * 1024:
            raise SandboxError(400, "a file weighs at most 10 MB")
        pages = _pdf_pages(content)
        try:
            fields = json.loads(parts.get("SignFields", (None, b"[]"))[1] or b"[]")
        except ValueError:
            raise SandboxError(400, "SignFields is not JSON") from None
        if not isinstance(fields, list):
            raise SandboxError(400, "SignFields must be a list")
        for f in fields:
            if not isinstance(f, dict) or not {"order", "positionX", "positionY", "page"} <= set(f):
                raise SandboxError(400, "each SignField needs order, positionX, positionY and page")
            if f["page"] != -1 and not 1 <= int(f["page"]) <= pages:
                raise SandboxError(400, f"SignField {f['order']}: the document has no page {f['page']}")
        self.store.put_document(row, int(order), filename, content, fields)
        return _json(200, {"order": int(order), "pages": pages, "size": len(content)})

    def api_signatory(self, sc, tid):
        row = self._txn(sc, tid)
        data = self._json_body()
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
        return _json(200, {"level": data["level"]})

    def api_draft(self, sc, tid):
        row = self._txn(sc, tid)
        self.store.set_draft(row)
        return _json(200, {"id": self._api_id(tid), "url": f"{self._base()}/collecte/{tid}"})

    def api_send(self, sc, tid):
        self.store.send(self._txn(sc, tid))
        return _json(200, {"id": self._api_id(tid)})

    def api_cancel(self, sc, tid):
        self.store.cancel(self._txn(sc, tid))
        return Reply(204)

    def api_document(self, sc, tid, order):
        filename, content = self.store.signed_document(self._txn(sc, tid), int(order))
        return Reply(
            200,
            content,
            "application/pdf",
            {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
        )

    def api_proof(self, sc, tid):
        if self.store.dialect()["proof"] == "404":  # a platform without this call
            raise SandboxError(404, "not found")
        content = self.store.proof(self._txn(sc, tid))
        return Reply(200, content, "application/zip", {"Content-Disposition": 'attachment; filename="preuve.zip"'})

    # ------------------------------------------------------------- pages --

    def page_index(self):
        rows = "".join(
            f"<tr><td>{_e(c['name'])}</td><td>{_e(c['email'])}</td><td>{_e(c['password'])}</td>"
            f"<td>{_e(', '.join(c['offices']))}</td></tr>"
            for c in self.store.collaborators()
        )
        return _page(
            "Sandbox jesignexpert.com",
            "<p>Cette sandbox simule l'API éditeur de jesignexpert.com pour les tests et la démonstration.</p>"
            "<h2>Collaborateurs</h2><table><tr><th>Nom</th><th>E-mail</th><th>Mot de passe</th>"
            f"<th>Cabinets</th></tr>{rows}</table>",
        )

    def _login_form(self, action, error=""):
        err = f'<p class="error">{_e(error)}</p>' if error else ""
        return (
            f'{err}<form method="post" action="{_e(action)}"><input type="hidden" name="step" value="login">'
            '<label>E-mail <input name="email" type="email" required></label>'
            '<label>Mot de passe <input name="password" type="password" required></label>'
            "<button type=submit>Se connecter</button></form>"
        )

    def _with_session(self, session):
        return {"Set-Cookie": f"jse_sandbox_session={session}; Path=/; HttpOnly; SameSite=Lax"}

    def page_connect(self, idr, error="", headers=None, collaborator=None):
        link = self.store.link_request(idr)
        if not link:
            raise SandboxError(404, "Cette demande de liaison a expiré : recommencez depuis votre logiciel.")
        collaborator = collaborator or self._session()
        if not collaborator:
            return _page(
                "Connexion à jesignexpert.com",
                "<p>Connectez-vous pour choisir le cabinet à lier à votre logiciel.</p>"
                + self._login_form(f"/connect/{idr}", error),
                headers=headers,
            )
        options = "".join(
            f'<label><input type="radio" name="office_id" value="{o["id"]}" {"checked" if n == 0 else ""}> '
            f"{_e(o['name'])}</label>"
            for n, o in enumerate(self.store.offices_of(collaborator["id"]))
        )
        return _page(
            "Choisissez le cabinet à lier",
            f"<p>Connecté en tant que <strong>{_e(collaborator['name'])}</strong> ({_e(collaborator['email'])}).</p>"
            f'<form method="post" action="/connect/{idr}"><input type="hidden" name="step" value="choose">'
            f'{options}<button type="submit">Lier ce cabinet</button></form>',
            headers=headers,
        )

    def page_connect_post(self, idr):
        form = self._form()
        if form.get("step") == "login":
            session = self.store.login(form.get("email"), form.get("password"))
            if not session:
                return self.page_connect(idr, error="Identifiants incorrects.")
            return self.page_connect(
                idr, headers=self._with_session(session), collaborator=self.store.collaborator_of_session(session)
            )
        collaborator = self._session()
        if not collaborator:
            return self.page_connect(idr, error="Connectez-vous d'abord.")
        office = form.get("office_id", "")
        if not office.isdigit():
            return self.page_connect(idr, error="Choisissez un cabinet.")
        link = self.store.approve_link(idr, collaborator["id"], int(office))
        target = link["success_url"]
        # Nothing public says that the platform appends idRequest: a dialect leaves it out.
        if self.store.dialect()["return_id_request"]:
            target += ("&" if "?" in target else "?") + urlencode({"idRequest": idr})
        return Reply(303, b"", "text/plain", {"Location": target})

    def _collection_access(self, tid):
        row = self.store.txn_by_id(tid)
        collaborator = self._session()
        if collaborator and row["office_id"] not in {o["id"] for o in self.store.offices_of(collaborator["id"])}:
            raise SandboxError(403, "Vous n'avez pas accès au cabinet de cette collecte.")
        return row, collaborator

    def page_collection(self, tid, error="", headers=None):
        row, collaborator = self._collection_access(tid)
        if not collaborator:
            return _page(
                "Connexion à jesignexpert.com",
                "<p>Connectez-vous avec un compte ayant accès au cabinet pour consulter la collecte.</p>"
                + self._login_form(f"/collecte/{tid}/login", error),
                headers=headers,
            )
        office = self.store.office_name(row["office_id"])
        data = json.loads(row["data"])
        docs = self.store.documents(tid)
        signers = self.store.signatories(tid)
        mode = "Invitations parallèles" if data.get("invitationMode") == "parallel" else "Invitations séquentielles"
        doc_rows = "".join(
            f'<li><a href="/collecte/{tid}/document/{d["ord"]}">{_e(d["filename"])}</a> '
            f"({max(1, round(len(d['content']) / 1024))} Ko)</li>"
            for d in docs
        )
        fields = {}
        for d in docs:
            for f in json.loads(d["sign_fields"]):
                fields[f["order"]] = (d["filename"], f)
        signer_rows = ""
        for s in signers:
            spots = ", ".join(
                f"{'dernière page' if fields[p][1]['page'] == -1 else 'page %s' % fields[p][1]['page']} "
                f"(x={fields[p][1]['positionX']}, y={fields[p][1]['positionY']})"
                for p in json.loads(s["positions"])
                if p in fields
            )
            signer_rows += (
                f"<tr><td>{s['level']}</td><td>{_e(s['name'])}</td><td>{_e(s['email'])}</td>"
                f"<td>Signature avancée</td><td>{_e(spots or 'à positionner')}</td>"
                f"<td>{_e(SIGNATORY_LABELS.get(s['status'], s['status']))}</td></tr>"
            )
        buttons = ""
        if row["status"] in DRAFT_STATUSES:
            buttons = (
                f'<form method="post" action="/collecte/{tid}/delete" style="display:inline">'
                '<button class="danger" type="submit">Supprimer le brouillon</button></form>'
                f'<form method="post" action="/collecte/{tid}/prepare" style="display:inline">'
                '<button class="secondary" type="submit">Marquer comme préparé</button></form>'
                f'<form method="post" action="/collecte/{tid}/send" style="display:inline">'
                '<button type="submit">Envoyer la collecte</button></form>'
            )
        err = f'<p class="error">{_e(error)}</p>' if error else ""
        body = (
            f"{err}<p>Référence : <strong>{_e(data.get('object'))}</strong> &nbsp; Statut : "
            f'<span class="status">{_e(TRANSACTION_LABELS.get(row["status"], row["status"]))}</span></p>'
            f"<h2>Documents</h2><ul>{doc_rows or '<li>aucun</li>'}</ul>"
            f"<h2>Signataires <small>{mode}</small></h2><table><tr><th>Ordre</th><th>Nom</th><th>E-mail</th>"
            f"<th>Niveau</th><th>Emplacements de signature</th><th>Statut</th></tr>{signer_rows}</table>"
            f"<h2>Signatures sur le document</h2>{self._pages_preview(docs, signers)}"
            f"<h2>Mails</h2><p>Émetteur : {_e(data.get('mailSender'))}<br>Objet : {_e(data.get('mailSubject'))}</p>"
            f"<pre>{_e(data.get('message'))}</pre>{buttons}"
            f"<p><small>Connecté en tant que {_e(collaborator['name'])}</small></p>"
        )
        return _page(f"Collecte de signature du {office}", body, headers=headers)

    @staticmethod
    def _pages_preview(docs, signers):
        """Each page drawn to scale, with the signature fields placed on it."""
        scale = 0.3
        owner = {p: s for s in signers for p in json.loads(s["positions"])}
        html_pages = []
        for doc in docs:
            reader = PdfReader(io.BytesIO(doc["content"]))
            fields = json.loads(doc["sign_fields"])
            for number, page in enumerate(reader.pages, start=1):
                width, height = float(page.mediabox.width), float(page.mediabox.height)
                boxes = ""
                for f in fields:
                    if f["page"] not in (number, -1) or (f["page"] == -1 and number != len(reader.pages)):
                        continue
                    signer = owner.get(f["order"])
                    label = f"Signataire {signer['level']} : {signer['name']}" if signer else "Non attribué"
                    boxes += (
                        f'<div class="field" style="left:{f["positionX"] * scale:.0f}px;'
                        f"top:{f['positionY'] * scale:.0f}px;width:{SIGN_FIELD_WIDTH * scale:.0f}px;"
                        f'height:{SIGN_FIELD_HEIGHT * scale:.0f}px">{_e(label)}</div>'
                    )
                html_pages.append(
                    f'<div class="page" style="width:{width * scale:.0f}px;height:{height * scale:.0f}px">'
                    f'<span class="pageno">{number}/{len(reader.pages)}</span>{boxes}</div>'
                )
        return f'<div class="pages">{"".join(html_pages)}</div>'

    def page_collection_login(self, tid):
        form = self._form()
        session = self.store.login(form.get("email"), form.get("password"))
        if not session:
            return self.page_collection(tid, error="Identifiants incorrects.")
        return Reply(303, b"", "text/plain", {"Location": f"/collecte/{tid}", **self._with_session(session)})

    def page_collection_action(self, tid, action):
        row, collaborator = self._collection_access(tid)
        if not collaborator:
            return Reply(303, b"", "text/plain", {"Location": f"/collecte/{tid}"})
        if action == "delete":
            self.store.delete(row)
            return _page("Brouillon supprimé", "<p>La collecte a été supprimée.</p>")
        try:
            getattr(self.store, action)(row)  # prepare or send, as the route says
        except SandboxError as exc:
            return self.page_collection(tid, error=exc.details)
        return Reply(303, b"", "text/plain", {"Location": f"/collecte/{tid}"})

    def page_document(self, tid, order):
        row, collaborator = self._collection_access(tid)
        if not collaborator:
            raise SandboxError(403, "Connectez-vous pour voir ce document.")
        docs = {d["ord"]: d for d in self.store.documents(row["id"])}
        doc = docs.get(int(order))
        if not doc:
            raise SandboxError(404, "Document introuvable.")
        return Reply(200, doc["content"], "application/pdf")

    # ----------------------------------------------------------- control --

    def ctl_health(self):
        return _json(200, {"ok": True, "now": self.store.now()})

    def ctl_get(self, tid):
        return _json(200, self._txn_json(self.store.txn_by_id(tid)))

    def ctl_confirm(self, tid):
        """What a collaborator does on jesignexpert.com: send the draft."""
        self.store.send(self.store.txn_by_id(tid))
        return _json(200, self._txn_json(self.store.txn_by_id(tid)))

    def ctl_sign(self, tid, n, action):
        getattr(self.store, action)(tid, int(n))
        return _json(200, self._txn_json(self.store.txn_by_id(tid)))

    def ctl_option(self, tid, key):
        """``answer``: the JSON fields the API reports for this transaction
        instead of its own (null removes one); ``certificate_page``: true
        appends a page to its signed PDF."""
        value = self._json_body() if key == "answer" else bool(self._json_body().get("value", True))
        self.store.set_option(tid, key, value)
        return _json(200, {"ok": True})

    def ctl_option_clear(self, tid, key):
        self.store.set_option(tid, key, None)
        return _json(200, {"ok": True})

    def ctl_hide(self, tid):
        """The change list silently leaves this transaction out from now on."""
        self.store.hide_from_list(tid)
        return _json(200, {"ok": True})

    def ctl_unhide(self, tid):
        self.store.hide_from_list(tid, hidden=False)
        return _json(200, {"ok": True})

    def ctl_latency(self):
        ms = self._json_body().get("ms", 0)
        if not isinstance(ms, (int, float)) or ms < 0:
            raise SandboxError(400, "ms must be a positive number")
        self.store.set_latency(ms)
        return _json(200, {"ok": True})

    def ctl_page_size(self):
        size = self._json_body().get("size", 100)
        if not isinstance(size, int) or size < 1:
            raise SandboxError(400, "size must be a positive integer")
        self.store.set_page_size(size)
        return _json(200, {"ok": True})

    def ctl_calls(self):
        """How many times each API call was answered since the last reset."""
        with self.server.calls_lock:
            return _json(200, dict(self.server.calls))

    def ctl_calls_clear(self):
        with self.server.calls_lock:
            self.server.calls.clear()
        return _json(200, {"ok": True})

    def ctl_clock(self):
        days = self._json_body().get("days", 0)
        if not isinstance(days, (int, float)):
            raise SandboxError(400, "days must be a number")
        return _json(200, {"now": self.store.advance_clock(days)})

    def ctl_faults(self):
        """The next API calls fail: ``mode`` (500, 429, 403, timeout,
        corrupt_pdf, or "status" with any HTTP ``status`` and its
        ``details``), ``count`` calls, those whose path holds ``path`` and,
        with ``transaction``, those about that one transaction only."""
        data = self._json_body()
        try:
            count = int(data.get("count", 1))
        except (TypeError, ValueError):
            raise SandboxError(400, "count must be a positive integer") from None
        self.store.add_fault(
            str(data.get("mode")),
            count=count,
            path=data.get("path"),
            retry_after=data.get("retry_after"),
            seconds=data.get("seconds"),
            status=data.get("status"),
            transaction=data.get("transaction"),
            details=data.get("details"),
        )
        return _json(200, {"ok": True})

    def ctl_faults_clear(self):
        self.store.clear_faults()
        return _json(200, {"ok": True})

    def ctl_dialect_get(self):
        return _json(200, self.store.dialect())

    def ctl_dialect(self):
        """Changes how the sandbox reads what the public material leaves open
        (``return_id_request``, ``fetch_signature``, ``change_list``,
        ``list_shape``, ``status_case``, ``id_format``, ``proof``; see
        store/controls.py, DIALECT_DEFAULTS)."""
        return _json(200, self.store.set_dialect(**self._json_body()))

    def ctl_dialect_clear(self):
        return _json(200, self.store.set_dialect(**dict.fromkeys(self.store.dialect())))

    def ctl_approve(self, idr):
        """Completes a link as if a person had logged in and chosen the cabinet."""
        data = self._json_body()
        link = self.store.approve_link_by_name(idr, data.get("email", ""), data.get("office", ""))
        return _json(200, {"success_url": link["success_url"]})

    def ctl_revoke(self):
        data = self._json_body()
        return _json(200, {"revoked": self.store.revoke_tokens(data.get("office"), data.get("email"))})


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, store):
        self.store = store
        self.calls = Counter()  # API calls answered, by route (see /_sandbox/calls)
        self.calls_lock = threading.Lock()
        super().__init__(address, SandboxHandler)

    @property
    def url(self):
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def start(db_path, host="127.0.0.1", port=0, **store_options):
    """Starts a sandbox in a background thread; returns the server (``.url``,
    ``.store``, ``.shutdown()`` then ``.server_close()``)."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the sandbox listens on loopback only")
    server = SandboxServer((host, port), Store(db_path, **store_options))
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="jse-sandbox", daemon=True
    )
    thread.start()
    server.thread = thread
    return server


def stop(server):
    server.shutdown()
    server.server_close()
    server.store.close()
