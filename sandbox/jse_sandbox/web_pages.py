"""The pages a person sees on jesignexpert.com: the home page, the linking
page (``/connect/{idRequest}``: log in, pick a cabinet, back to the software)
and a collection's page (``/collecte/{id}``: the draft, with "Supprimer le
brouillon", "Marquer comme préparé" and "Envoyer la collecte")."""

import html
import io
import json
from urllib.parse import urlencode

from pypdf import PdfReader
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from .routing import Call, route
from .store import SandboxError
from .vocabulary import DRAFT_STATUSES, SIGN_FIELD_HEIGHT, SIGN_FIELD_WIDTH, SIGNATORY_LABELS, TRANSACTION_LABELS

SESSION_COOKIE = "jse_sandbox_session"
STYLE = """
body { font-family: sans-serif; margin: 0; background: #f4f6f9; color: #1d2733; }
header { background: #00558c; color: #fff; padding: 12px 24px; }
header small { opacity: .8; margin-left: 8px; }
main { max-width: 900px; margin: 24px auto; background: #fff; padding: 24px; border-radius: 6px; }
h1 { font-size: 22px; } table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #dde3ea; padding: 6px; text-align: left; }
button { padding: 8px 14px; margin: 4px 6px 4px 0; border-radius: 4px; border: 1px solid #00558c;
  background: #00558c; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #00558c; } button.danger { background: #b3261e; border-color: #b3261e; }
.status { font-weight: bold; }
.pages { display: flex; flex-wrap: wrap; gap: 12px; }
.page { position: relative; background: #fff; border: 1px solid #b8c2cc; box-shadow: 0 1px 3px #0002; }
.pageno { position: absolute; bottom: 2px; right: 4px; font-size: 10px; color: #889; }
.field { position: absolute; border: 1px dashed #00558c; background: #00558c22; font-size: 8px;
  overflow: hidden; color: #00558c; } .error { color: #b3261e; } label { display: block; margin: 8px 0; }
"""


def page(title, body, status=200):
    """A page of the platform.  Each names itself in the browser console, so
    that browser tests (Odoo tours) know where the browser landed."""
    trace = json.dumps(f"jesignexpert.com sandbox: {title}").replace("<", "\\u003c")
    doc = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<script>console.log({trace});</script>
<title>{html.escape(title)} - jesignexpert.com (sandbox)</title>
<style>{STYLE}</style></head><body>
<header><strong>jesignexpert.com</strong><small>sandbox locale, aucune valeur légale</small></header>
<main><h1>{html.escape(title)}</h1>{body}</main></body></html>"""
    return Response(doc, status=status, mimetype="text/html")


def error_page(status, details):
    return page("Erreur", f'<p class="error">{_e(details)}</p>', status)


def _e(value):
    return html.escape(str(value if value is not None else ""))


def _login_form(action, error=""):
    err = f'<p class="error">{_e(error)}</p>' if error else ""
    return (
        f'{err}<form method="post" action="{_e(action)}"><input type="hidden" name="step" value="login">'
        '<label>E-mail <input name="email" type="email" required></label>'
        '<label>Mot de passe <input name="password" type="password" required></label>'
        "<button type=submit>Se connecter</button></form>"
    )


def _logged_in(response, session):
    """``response``, which opens the person's session on the platform."""
    response.set_cookie(SESSION_COOKIE, session, path="/", httponly=True, samesite="Lax")
    return response


def _pages_preview(docs, signers):
    """Each page drawn to scale, with the signature fields placed on it."""
    scale = 0.3
    owner = {p: s for s in signers for p in json.loads(s["positions"])}
    html_pages = []
    for doc in docs:
        reader = PdfReader(io.BytesIO(doc["content"]))
        fields = json.loads(doc["sign_fields"])
        for number, pdf_page in enumerate(reader.pages, start=1):
            width, height = float(pdf_page.mediabox.width), float(pdf_page.mediabox.height)
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


class WebPages(Call):
    def _collaborator(self):
        """The collaborator logged in on the platform, or None."""
        return self.store.collaborator_of_session(self.request.cookies.get(SESSION_COOKIE))

    def _login(self):
        """The session of the person whose e-mail and password the form gives, or None."""
        return self.store.login(self.request.form.get("email"), self.request.form.get("password"))

    @route("/", "GET")
    def page_index(self):
        rows = "".join(
            f"<tr><td>{_e(c['name'])}</td><td>{_e(c['email'])}</td><td>{_e(c['password'])}</td>"
            f"<td>{_e(', '.join(c['offices']))}</td></tr>"
            for c in self.store.collaborators()
        )
        return page(
            "Sandbox jesignexpert.com",
            "<p>Cette sandbox simule l'API éditeur de jesignexpert.com pour les tests et la démonstration.</p>"
            "<h2>Collaborateurs</h2><table><tr><th>Nom</th><th>E-mail</th><th>Mot de passe</th>"
            f"<th>Cabinets</th></tr>{rows}</table>",
        )

    # -------------------------------------------------------- linking --

    @route("/connect/<idr>", "GET")
    def page_connect(self, idr, error="", collaborator=None):
        if not self.store.link_request(idr):
            raise SandboxError(404, "Cette demande de liaison a expiré : recommencez depuis votre logiciel.")
        collaborator = collaborator or self._collaborator()
        if not collaborator:
            return page(
                "Connexion à jesignexpert.com",
                "<p>Connectez-vous pour choisir le cabinet à lier à votre logiciel.</p>"
                + _login_form(f"/connect/{idr}", error),
            )
        options = "".join(
            f'<label><input type="radio" name="office_id" value="{o["id"]}" {"checked" if n == 0 else ""}> '
            f"{_e(o['name'])}</label>"
            for n, o in enumerate(self.store.offices_of(collaborator["id"]))
        )
        return page(
            "Choisissez le cabinet à lier",
            f"<p>Connecté en tant que <strong>{_e(collaborator['name'])}</strong> ({_e(collaborator['email'])}).</p>"
            f'<form method="post" action="/connect/{idr}"><input type="hidden" name="step" value="choose">'
            f'{options}<button type="submit">Lier ce cabinet</button></form>',
        )

    @route("/connect/<idr>", "POST")
    def page_connect_post(self, idr):
        form = self.request.form
        if form.get("step") == "login":
            session = self._login()
            if not session:
                return self.page_connect(idr, error="Identifiants incorrects.")
            collaborator = self.store.collaborator_of_session(session)
            return _logged_in(self.page_connect(idr, collaborator=collaborator), session)
        collaborator = self._collaborator()
        if not collaborator:
            return self.page_connect(idr, error="Connectez-vous d'abord.")
        office = form.get("office_id", "")
        if not office.isdigit():
            return self.page_connect(idr, error="Choisissez un cabinet.")
        target = self.store.approve_link(idr, collaborator["id"], int(office))["success_url"]
        # Nothing public says that the platform appends idRequest: a dialect leaves it out.
        if self.store.dialect()["return_id_request"]:
            target += ("&" if "?" in target else "?") + urlencode({"idRequest": idr})
        return redirect(target, 303)

    # ----------------------------------------------------- collection --

    def _collection_access(self, tid):
        """The transaction and the collaborator logged in (None if nobody is),
        who must work for the transaction's cabinet."""
        row = self.store.txn_by_id(tid)
        collaborator = self._collaborator()
        if collaborator and row["office_id"] not in {o["id"] for o in self.store.offices_of(collaborator["id"])}:
            raise SandboxError(403, "Vous n'avez pas accès au cabinet de cette collecte.")
        return row, collaborator

    @route("/collecte/<tid>", "GET")
    def page_collection(self, tid, error=""):
        row, collaborator = self._collection_access(tid)
        if not collaborator:
            return page(
                "Connexion à jesignexpert.com",
                "<p>Connectez-vous avec un compte ayant accès au cabinet pour consulter la collecte.</p>"
                + _login_form(f"/collecte/{tid}/login", error),
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
        fields = {f["order"]: f for d in docs for f in json.loads(d["sign_fields"])}
        signer_rows = ""
        for s in signers:
            spots = ", ".join(
                f"{'dernière page' if fields[p]['page'] == -1 else 'page %s' % fields[p]['page']} "
                f"(x={fields[p]['positionX']}, y={fields[p]['positionY']})"
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
            f"<h2>Signatures sur le document</h2>{_pages_preview(docs, signers)}"
            f"<h2>Mails</h2><p>Émetteur : {_e(data.get('mailSender'))}<br>Objet : {_e(data.get('mailSubject'))}</p>"
            f"<pre>{_e(data.get('message'))}</pre>{buttons}"
            f"<p><small>Connecté en tant que {_e(collaborator['name'])}</small></p>"
        )
        return page(f"Collecte de signature du {office}", body)

    @route("/collecte/<tid>/login", "POST")
    def page_collection_login(self, tid):
        session = self._login()
        if not session:
            return self.page_collection(tid, error="Identifiants incorrects.")
        return _logged_in(redirect(f"/collecte/{tid}", 303), session)

    @route("/collecte/<tid>/<any(delete, prepare, send):action>", "POST")
    def page_collection_action(self, tid, action):
        row, collaborator = self._collection_access(tid)
        if not collaborator:
            return redirect(f"/collecte/{tid}", 303)
        if action == "delete":
            self.store.delete(row)
            return page("Brouillon supprimé", "<p>La collecte a été supprimée.</p>")
        try:
            getattr(self.store, action)(row)  # prepare or send, as the route says
        except SandboxError as exc:
            return self.page_collection(tid, error=exc.details)
        return redirect(f"/collecte/{tid}", 303)

    @route("/collecte/<tid>/document/<int:order>", "GET")
    def page_document(self, tid, order):
        row, collaborator = self._collection_access(tid)
        if not collaborator:
            raise SandboxError(403, "Connectez-vous pour voir ce document.")
        doc = {d["ord"]: d for d in self.store.documents(row["id"])}.get(order)
        if not doc:
            raise SandboxError(404, "Document introuvable.")
        return Response(doc["content"], mimetype="application/pdf")
