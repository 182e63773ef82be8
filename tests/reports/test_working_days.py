"""Handling terms count working days in Emmen's time: weekends and the days the municipality is closed do not
count; a term ends at the end of its last working day (midnight, Europe/Amsterdam)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from meldpunt.reports.working_days import add_working_days, is_working_day, last_day_of_term, working_days_between

AMS = ZoneInfo("Europe/Amsterdam")


def local(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS).astimezone(UTC)


def end_of(year, month, day) -> datetime:
    """The end of that local day: midnight at the start of the next one, in UTC."""
    return datetime.combine(date(year, month, day) + timedelta(days=1), datetime.min.time(), AMS).astimezone(UTC)


def test_a_report_on_friday_evening_with_two_days_is_due_at_the_end_of_tuesday():
    friday_evening = local(2026, 11, 20, 21, 30)
    due = add_working_days(friday_evening, 2)
    assert due == end_of(2026, 11, 24)  # Tuesday
    assert due == datetime(2026, 11, 24, 23, 0, tzinfo=UTC)  # midnight CET
    assert due.tzinfo is not None and due.utcoffset() == timedelta(0)


def test_the_day_of_the_report_does_not_count_even_on_a_working_day():
    assert add_working_days(local(2026, 11, 16, 9, 0), 2) == end_of(2026, 11, 18)  # Monday → end of Wednesday
    assert add_working_days(local(2026, 11, 21, 10, 0), 1) == end_of(2026, 11, 23)  # Saturday → end of Monday
    assert add_working_days(local(2026, 11, 18, 10, 0), 0) == end_of(2026, 11, 18)  # no term: end of that day


def test_the_local_day_decides_not_the_utc_day():
    # Sunday 23:30 UTC is Monday 00:30 in Emmen: the term starts from Monday.
    sunday_night_utc = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert add_working_days(sunday_night_utc, 1) == end_of(2026, 11, 24)  # end of Tuesday, not of Monday


def test_summer_time_ends_the_day_at_local_midnight():
    due = add_working_days(local(2026, 3, 27, 20, 0), 2)  # Friday before the clocks go forward
    assert due == end_of(2026, 3, 31) == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # midnight CEST


@pytest.mark.parametrize(
    ("start", "days", "due", "why"),
    [
        ((2026, 4, 24), 1, (2026, 4, 28), "Koningsdag, Monday 27 April 2026"),
        ((2027, 4, 26), 1, (2027, 4, 28), "Koningsdag, Tuesday 27 April 2027"),
        ((2026, 5, 4), 1, (2026, 5, 6), "Bevrijdingsdag, Tuesday 5 May 2026: every year, not only every fifth"),
        ((2029, 5, 4), 1, (2029, 5, 7), "Bevrijdingsdag on a Saturday changes nothing"),
        ((2026, 4, 2), 2, (2026, 4, 7), "Good Friday counts, Easter Monday does not"),
        ((2026, 5, 13), 1, (2026, 5, 15), "Ascension Day, Thursday 14 May 2026"),
        ((2026, 5, 22), 1, (2026, 5, 26), "Whit Monday, 25 May 2026"),
        ((2025, 12, 24), 1, (2025, 12, 29), "Christmas on Thursday and Friday 2025"),
        ((2026, 12, 31), 1, (2027, 1, 4), "New Year's Day, Friday 1 January 2027"),
    ],
)
def test_public_holidays_do_not_count(start, days, due, why):
    assert add_working_days(local(*start, 16, 0), days) == end_of(*due), why


def test_closing_days():
    assert not is_working_day(date(2025, 4, 26))  # Koningsdag moves to Saturday when 27 April is a Sunday
    assert is_working_day(date(2025, 4, 28))
    assert not is_working_day(date(2026, 5, 5)) and not is_working_day(date(2030, 5, 5))
    assert is_working_day(date(2026, 4, 3))  # Good Friday: not in the Algemene termijnenwet
    assert not is_working_day(date(2026, 12, 26)) and not is_working_day(date(2026, 11, 22))  # Saturday, Sunday


def test_working_days_between_counts_the_days_after_the_start_up_to_the_end():
    friday_evening = local(2026, 11, 20, 21, 30)
    assert working_days_between(friday_evening, local(2026, 11, 24, 15, 0)) == 2  # Monday and Tuesday
    assert working_days_between(friday_evening, local(2026, 11, 22, 15, 0)) == 0  # the weekend
    assert working_days_between(local(2026, 11, 16, 9, 0), local(2026, 11, 16, 17, 0)) == 0  # same day
    assert working_days_between(local(2026, 4, 2), local(2026, 4, 7)) == 2  # Good Friday and Tuesday
    assert working_days_between(local(2026, 1, 1), local(2027, 1, 1)) == 254  # a year: 261 weekdays, 7 of them closed
    assert working_days_between(local(2026, 11, 24), local(2026, 11, 20)) == 0  # the end before the start


@pytest.mark.parametrize("days", [0, 1, 2, 5, 10, 20])
def test_a_term_ends_exactly_its_number_of_working_days_after_the_start(days):
    start = local(2026, 3, 20, 18, 45)
    for offset in range(60):  # every start over two months, across Easter, Koningsdag and summer time
        moment = start + timedelta(days=offset)
        due = add_working_days(moment, days)
        assert working_days_between(moment, due) == days
        assert working_days_between(moment, due + timedelta(seconds=1)) == days + is_working_day(
            last_day_of_term(due) + timedelta(days=1)
        )


def test_last_day_of_term_is_the_day_that_ends_at_the_due_moment():
    assert last_day_of_term(add_working_days(local(2026, 11, 20, 21, 30), 2)) == date(2026, 11, 24)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        add_working_days(datetime(2026, 11, 20, 12, 0), 2)
