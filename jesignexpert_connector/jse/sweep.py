# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""When the reconciliation sweep reads an open collection again.

The sweep reads each open collection on its own (``GET transaction/{id}``),
whatever the change list says: a safety net for a change the list missed,
and the only way news comes home where the platform has no list.  Plain
Python (no Odoo), so that the bench and the lib tests use it as it is.

KNOWN: documents stay on jesignexpert.com at most one month.  Counted here
as the shortest month, so that the hourly checks begin early enough.
"""

from datetime import timedelta

KEPT = timedelta(days=28)  # at most one month on the platform (KNOWN), read as 28 days
LAST_DAYS = timedelta(days=3)  # the last days before the deletion: read every hour
DAILY = timedelta(days=1)
HOURLY = timedelta(hours=1)


def deletion(start):
    """When jesignexpert.com may delete a collection sent (else made) at ``start``."""
    return start + KEPT


def interval(now, start, alone=False):
    """How long until the next reading of a collection sent at ``start``:
    daily while the change list also brings its news; hourly in its last
    three days before the deletion, and hourly where the sweep is alone (no
    change list: nothing else finds its news).  Past the deletion, daily:
    there is little left to save."""
    left = deletion(start) - now
    if left <= timedelta(0):
        return DAILY
    if alone or left <= LAST_DAYS:
        return HOURLY
    return DAILY


def next_check(now, start, alone=False):
    """When to read it next, read ``now``: never past the start of its last
    three days, when the hourly readings begin."""
    later = now + interval(now, start, alone)
    tighten = deletion(start) - LAST_DAYS
    if now < tighten < later:
        return tighten
    return later


def calls_per_day(ages, alone=False):
    """The readings a day of the open collections whose ages (timedeltas
    since they were sent) are ``ages``, at the rate of their schedule now."""
    day = timedelta(days=1)
    return sum(day / interval(age, timedelta(0), alone) for age in ages)
