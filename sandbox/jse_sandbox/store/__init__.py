"""The platform's state, in one SQLite file that survives a restart: the
platform's rules as the sandbox plays them, one concern a module."""

from .accounts import DEFAULT_COLLABORATORS, DEFAULT_INTEGRATORS, SECRET, SHORTCUT, Accounts
from .controls import DIALECT_DEFAULTS, Controls
from .database import Database, SandboxError
from .transactions import Transactions, expires_at


class Store(Accounts, Transactions, Controls, Database):
    """Integrators, collaborators and their cabinets (accounts.py), the
    signature collections (transactions.py), what tests set (controls.py),
    in one database (database.py)."""

    def __init__(self, path, integrators=None, collaborators=None):
        super().__init__(path)
        self.seed(integrators or DEFAULT_INTEGRATORS, collaborators or DEFAULT_COLLABORATORS)
