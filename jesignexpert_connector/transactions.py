# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Row locks and commits shared by the jobs (the sync, the sweep, the bulk
sending) and by the requests that meet them (a refresh, a confirmation); what
one batch of the sync or the sweep did (Report)."""

from contextlib import nullcontext

import psycopg2.errors

from odoo.tools import SQL

# What PostgreSQL raises when two transactions write the same rows at once.
CONCURRENT_UPDATE = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.DeadlockDetected,
)


def try_lock(record, savepoint=True):
    """Takes ``record``'s row lock for this transaction, unless another
    transaction holds it, or changed the row since this one began (the
    database then refuses to lock it): either way the other run has it.
    Without ``savepoint``, the caller's own savepoint is rolled back when the
    database refuses (SerializationFailure is raised): one query, not three."""
    try:
        with record.env.cr.savepoint(flush=False) if savepoint else nullcontext():
            record.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
                    SQL.identifier(record._table),
                    record.id,
                ),
                log_exceptions=False,
            )
            return bool(record.env.cr.fetchone())
    except psycopg2.errors.SerializationFailure:
        if not savepoint:
            raise
        return False


def commit(env):
    """Work is committed as it is done, except inside tests' transactions
    and a person's "Synchronise now": the jobs ask for it in the context
    (``jesignexpert_auto_commit``)."""
    if env.context.get("jesignexpert_auto_commit"):
        env.cr.commit()  # pylint: disable=invalid-commit


class Report:
    """What one batch did (changes read, documents tried) and what it left."""

    def __init__(self):
        self.done = 0
        self.remaining = 0
