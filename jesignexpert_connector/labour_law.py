# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""French labour-law deadlines, in plain Python (nothing from Odoo).

Code du travail, article L1242-13: a fixed-term contract (CDD) is handed to
the employee at the latest within the two working days ("jours ouvrables")
that follow the hiring.  Working days are every day of the week but Sunday
and the public holidays: the hiring day does not count, a Saturday does, a
Sunday or a public holiday in between does not.
"""

from collections import namedtuple
from datetime import date, timedelta

CDD_TRANSMISSION_DAYS = 2  # L1242-13
SUNDAY = 6
# Enough to cross any run of public holidays and closures; a longer one is an error in the data.
MAX_DAYS_SKIPPED = 366

Deadline = namedtuple("Deadline", "day skipped_holidays")
Deadline.__doc__ = """``day``: the last day to hand the contract over;
``skipped_holidays``: the public holidays (not Sundays) that pushed it back."""


def transmission_deadline(hired_on: date, holidays=(), working_days: int = CDD_TRANSMISSION_DAYS) -> Deadline:
    """The last day to hand a CDD to the employee hired on ``hired_on``:
    the ``working_days``-th working day after it.  ``holidays`` holds the
    public holidays (dates); those that fell in the count are returned."""
    day, left, skipped = hired_on, working_days, []
    while left:
        day += timedelta(days=1)
        if (day - hired_on).days > MAX_DAYS_SKIPPED:
            raise ValueError(f"no working day within {MAX_DAYS_SKIPPED} days after {hired_on}: check the holidays")
        if day.weekday() == SUNDAY:
            continue
        if day in holidays:
            skipped.append(day)
            continue
        left -= 1
    return Deadline(day, tuple(skipped))


def days_left(deadline: date, today: date) -> int:
    """Calendar days from ``today`` to ``deadline`` (negative once past)."""
    return (deadline - today).days


def is_at_risk(deadline: date, today: date, margin_days: int = 1) -> bool:
    """Past, or due within ``margin_days`` calendar days."""
    return days_left(deadline, today) <= margin_days


def expand_days(start: date, end: date):
    """Every date from ``start`` to ``end``, both included (a holiday may last several days)."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]
