"""When the reconciliation sweep reads an open collection again (jse/sweep.py)."""

from datetime import datetime, timedelta

from jse import sweep

SENT = datetime(2026, 3, 1, 9, 0)


def test_a_young_collection_is_read_daily_while_the_list_works():
    now = SENT + timedelta(days=2)
    assert sweep.next_check(now, SENT) == now + timedelta(days=1)


def test_its_last_three_days_before_the_deletion_are_read_hourly():
    now = sweep.deletion(SENT) - timedelta(days=2)
    assert sweep.next_check(now, SENT) == now + timedelta(hours=1)


def test_a_daily_check_never_skips_past_the_start_of_the_hourly_ones():
    tighten = sweep.deletion(SENT) - timedelta(days=3)
    now = tighten - timedelta(hours=5)
    assert sweep.next_check(now, SENT) == tighten


def test_without_change_list_every_open_collection_is_read_hourly():
    for day in (0, 5, 20):
        now = SENT + timedelta(days=day)
        assert sweep.next_check(now, SENT, alone=True) == now + timedelta(hours=1)


def test_the_first_check_counts_from_the_sending():
    assert sweep.next_check(SENT, SENT) == SENT + timedelta(days=1)


def test_past_the_deletion_it_is_read_daily_only():
    now = sweep.deletion(SENT) + timedelta(hours=2)
    assert sweep.next_check(now, SENT) == now + timedelta(days=1)
    assert sweep.next_check(now, SENT, alone=True) == now + timedelta(days=1)


def test_calls_per_day_follow_the_schedule():
    young, old = timedelta(days=1), timedelta(days=26)
    assert sweep.calls_per_day([young, old]) == 1 + 24
    assert sweep.calls_per_day([young, old], alone=True) == 24 + 24
