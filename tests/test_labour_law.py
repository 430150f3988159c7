"""The CDD transmission deadline (Code du travail, L1242-13), without Odoo."""

from datetime import date

import pytest
from labour_law import expand_days, is_at_risk, transmission_deadline

# French public holidays of 2026 that fall in the cases below.
MAY_1 = date(2026, 5, 1)  # a Friday
ASCENSION = date(2026, 5, 14)  # a Thursday
ALL_SAINTS = date(2026, 11, 1)  # a Sunday
BASTILLE_DAY = date(2026, 7, 14)  # a Tuesday
CHRISTMAS = date(2026, 12, 25)  # a Friday
HOLIDAYS = {MAY_1, ASCENSION, ALL_SAINTS, BASTILLE_DAY, CHRISTMAS}


def test_two_working_days_after_a_monday_hiring():
    assert transmission_deadline(date(2026, 3, 2), HOLIDAYS) == (date(2026, 3, 4), ())


def test_a_saturday_counts_a_sunday_does_not():
    # Hired on Friday: Saturday is the first working day, Monday the second.
    assert transmission_deadline(date(2026, 3, 6), HOLIDAYS) == (date(2026, 3, 9), ())


def test_hiring_on_a_saturday():
    # The Saturday does not count (hiring day), nor the Sunday: Monday, then Tuesday.
    assert transmission_deadline(date(2026, 3, 7), HOLIDAYS) == (date(2026, 3, 10), ())


def test_hiring_on_a_sunday():
    assert transmission_deadline(date(2026, 3, 8)).day == date(2026, 3, 10)


def test_a_public_holiday_in_between_does_not_count_and_is_named():
    # Hired on Wednesday: Ascension Thursday is skipped, then Friday and Saturday.
    assert transmission_deadline(date(2026, 5, 13), HOLIDAYS) == (date(2026, 5, 16), (ASCENSION,))


def test_over_a_public_holiday_and_a_weekend():
    # Hired on Thursday 30 April: 1 May (Friday) skipped, Saturday, Sunday skipped, Monday.
    assert transmission_deadline(date(2026, 4, 30), HOLIDAYS) == (date(2026, 5, 4), (MAY_1,))
    assert transmission_deadline(date(2026, 12, 24), HOLIDAYS) == (date(2026, 12, 28), (CHRISTMAS,))


def test_without_the_holidays_the_deadline_is_earlier():
    assert transmission_deadline(date(2026, 4, 30)).day == date(2026, 5, 2)


def test_a_holiday_on_a_sunday_is_not_counted_twice():
    # Hired on Saturday 31 October: All Saints' Day is a Sunday, skipped as a Sunday.
    assert transmission_deadline(date(2026, 10, 31), HOLIDAYS) == (date(2026, 11, 3), ())


def test_a_hiring_on_a_public_holiday_is_not_counted():
    assert transmission_deadline(BASTILLE_DAY, HOLIDAYS) == (date(2026, 7, 16), ())


def test_a_closure_of_several_days():
    closure = set(expand_days(date(2026, 8, 3), date(2026, 8, 14)))  # two weeks, Monday to Friday
    deadline = transmission_deadline(date(2026, 7, 31), closure)  # a Friday
    assert deadline.day == date(2026, 8, 15)  # Saturday 1 August, then Saturday 15
    assert len(deadline.skipped_holidays) == 11  # the closure, but its Sunday


def test_a_calendar_of_holidays_only_is_refused():
    with pytest.raises(ValueError):
        transmission_deadline(date(2026, 1, 1), set(expand_days(date(2026, 1, 2), date(2028, 1, 1))))


def test_at_risk_when_past_or_due_within_a_day():
    deadline = date(2026, 3, 4)
    assert not is_at_risk(deadline, date(2026, 3, 2))
    assert is_at_risk(deadline, date(2026, 3, 3))
    assert is_at_risk(deadline, date(2026, 3, 4))
    assert is_at_risk(deadline, date(2026, 3, 10))


def test_expand_days_includes_both_ends():
    assert expand_days(date(2026, 12, 24), date(2026, 12, 26)) == [
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2026, 12, 26),
    ]
