"""The platform's people and their access: integrators and their secrets,
collaborators and their cabinets (seeded), linking requests, the tokens the
API takes (a user token lasts 5 days), and the sessions of the pages a
person logs in to."""

import secrets

from .database import DAY_MS, SandboxError

LINK_TTL_MS = 10 * 60 * 1000
USER_TOKEN_TTL_MS = 5 * DAY_MS

# The integrator a sandbox knows from the start.
SHORTCUT, SECRET = "sandbox", "sandbox-secret"
DEFAULT_INTEGRATORS = {SHORTCUT: SECRET}
# Seeded accounts: a person can log in as one of them on the linking page.
DEFAULT_COLLABORATORS = [
    # email, password, name, cabinets
    ("jean.doe@cabinet-exemple.fr", "demo", "Jean Doe", ["Cabinet Editeur Oppus 1", "Cabinet Dupont Expertise"]),
    ("marie.martin@cabinet-exemple.fr", "demo", "Marie Martin", ["Cabinet Dupont Expertise"]),
    ("paul.petit@cabinet-exemple.fr", "demo", "Paul Petit", ["Cabinet Petit & Associés"]),
]


class Accounts:
    def seed(self, integrators, collaborators):
        with self.transaction():
            for shortcut, secret in integrators.items():
                self._q("INSERT OR REPLACE INTO integrator VALUES (?, ?)", shortcut, secret)
            for email, password, name, offices in collaborators:
                self._q(
                    "INSERT OR IGNORE INTO collaborator (email, password, name) VALUES (?, ?, ?)", email, password, name
                )
                cid = self._one("SELECT id FROM collaborator WHERE email = ?", email)["id"]
                for office in offices:
                    self._q("INSERT OR IGNORE INTO office (name) VALUES (?)", office)
                    oid = self._one("SELECT id FROM office WHERE name = ?", office)["id"]
                    self._q("INSERT OR IGNORE INTO membership VALUES (?, ?)", cid, oid)

    # ---------------------------------------------------------- linking --

    def secret_of(self, shortcut):
        row = self._one("SELECT secret FROM integrator WHERE shortcut = ?", shortcut)
        if not row:
            raise SandboxError(400, f"unknown editor {shortcut!r}")
        return row["secret"]

    def open_link(self, shortcut, id_request, success_url, callback_url, auth_ts=None, auth_mac=None):
        """A linking attempt, with the signature (ts, HMAC) that started it."""
        with self.transaction():
            if self._one("SELECT 1 FROM link_request WHERE id_request = ?", id_request):
                raise SandboxError(400, "idRequest already used")
            self._q(
                "INSERT INTO link_request (id_request, shortcut, success_url, callback_url, created_ms, auth_ts, "
                "auth_mac) VALUES (?, ?, ?, ?, ?, ?, ?)",
                id_request,
                shortcut,
                success_url,
                callback_url,
                self.now(),
                auth_ts,
                auth_mac,
            )

    def link_request(self, id_request):
        row = self._one("SELECT * FROM link_request WHERE id_request = ?", id_request)
        if not row or self.now() - row["created_ms"] > LINK_TTL_MS:
            return None
        return dict(row)

    def approve_link(self, id_request, collaborator_id, office_id):
        with self.transaction():
            link = self.link_request(id_request)
            if not link:
                raise SandboxError(404, "this link request expired: start again from your software")
            if not self._one(
                "SELECT 1 FROM membership WHERE collaborator_id = ? AND office_id = ?", collaborator_id, office_id
            ):
                raise SandboxError(403, "this collaborator has no access to that cabinet")
            self._q(
                "UPDATE link_request SET office_id = ?, collaborator_id = ? WHERE id_request = ?",
                office_id,
                collaborator_id,
                id_request,
            )
            return link

    def approve_link_by_name(self, id_request, email, office_name):
        collaborator = self._one("SELECT id FROM collaborator WHERE email = ?", email)
        office = self._one("SELECT id FROM office WHERE name = ?", office_name)
        if not collaborator or not office:
            raise SandboxError(404, "unknown collaborator or cabinet")
        return self.approve_link(id_request, collaborator["id"], office["id"])

    def fetch_link(self, shortcut, id_request):
        """Tokens of an approved link, once; 404 when none (expired or not approved)."""
        with self.transaction():
            link = self.link_request(id_request)
            if not link or link["shortcut"] != shortcut or not link["office_id"]:
                raise SandboxError(404, "no approved link for this idRequest (login expired?)")
            self._q("DELETE FROM link_request WHERE id_request = ?", id_request)
            office_token = self._office_token(shortcut, link["office_id"])
            user_token = "usr_" + secrets.token_urlsafe(24)
            self._q(
                "INSERT INTO token (token, kind, shortcut, office_id, collaborator_id, issued_ms) "
                "VALUES (?, 'user', ?, ?, ?, ?)",
                user_token,
                shortcut,
                link["office_id"],
                link["collaborator_id"],
                self.now(),
            )
            office = self._one("SELECT name FROM office WHERE id = ?", link["office_id"])
            user = self._one("SELECT email FROM collaborator WHERE id = ?", link["collaborator_id"])
            return {
                "office": {"token": office_token, "name": office["name"]},
                "user": {"token": user_token, "email": user["email"]},
            }

    def _office_token(self, shortcut, office_id):
        row = self._one(
            "SELECT token FROM token WHERE kind = 'office' AND shortcut = ? AND office_id = ? AND revoked = 0",
            shortcut,
            office_id,
        )
        if row:
            return row["token"]
        token = "off_" + secrets.token_urlsafe(24)
        self._q(
            "INSERT INTO token (token, kind, shortcut, office_id, issued_ms) VALUES (?, 'office', ?, ?, ?)",
            token,
            shortcut,
            office_id,
            self.now(),
        )
        return token

    def authenticate(self, shortcut, office_token, user_token):
        """(office_id, collaborator_id) of valid tokens, else a 403."""
        office = self._one(
            "SELECT * FROM token WHERE token = ? AND kind = 'office' AND shortcut = ?", office_token or "", shortcut
        )
        user = self._one(
            "SELECT * FROM token WHERE token = ? AND kind = 'user' AND shortcut = ?", user_token or "", shortcut
        )
        if not office or not user or office["revoked"] or user["revoked"] or office["office_id"] != user["office_id"]:
            raise SandboxError(403, "tokens expired or revoked")
        if self.now() - user["issued_ms"] > USER_TOKEN_TTL_MS:
            raise SandboxError(403, "user token expired")
        return office["office_id"], user["collaborator_id"]

    def revoke_tokens(self, office_name=None, email=None):
        """Revokes the tokens of a cabinet, or of a collaborator (all when neither)."""
        with self.transaction():
            sql, args = "UPDATE token SET revoked = 1 WHERE 1 = 1", []
            if office_name:
                sql += " AND office_id = (SELECT id FROM office WHERE name = ?)"
                args.append(office_name)
            if email:
                sql += " AND kind = 'user' AND collaborator_id = (SELECT id FROM collaborator WHERE email = ?)"
                args.append(email)
            return self._q(sql, *args).rowcount

    # --------------------------------------------------------- web login --

    def login(self, email, password):
        row = self._one("SELECT * FROM collaborator WHERE email = ?", (email or "").strip().lower())
        if not row or not secrets.compare_digest(row["password"], password or ""):
            return None
        session = secrets.token_urlsafe(24)
        with self.transaction():
            self._q("INSERT INTO web_session VALUES (?, ?)", session, row["id"])
        return session

    def collaborator_of_session(self, session):
        row = self._one(
            "SELECT c.* FROM web_session s JOIN collaborator c ON c.id = s.collaborator_id WHERE s.token = ?",
            session or "",
        )
        return dict(row) if row else None

    def offices_of(self, collaborator_id):
        rows = self._q(
            "SELECT o.* FROM office o JOIN membership m ON m.office_id = o.id "
            "WHERE m.collaborator_id = ? ORDER BY o.name",
            collaborator_id,
        )
        return [dict(r) for r in rows]

    def office_name(self, office_id):
        return self._one("SELECT name FROM office WHERE id = ?", office_id)["name"]

    def collaborators(self):
        rows = self._q("SELECT * FROM collaborator ORDER BY id").fetchall()
        return [dict(r, offices=[o["name"] for o in self.offices_of(r["id"])]) for r in rows]
