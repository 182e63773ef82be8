"""Handling terms in working days (DESIGN §9), in the municipality's time (Europe/Amsterdam).

- A **working day** is Monday to Friday, except the days the municipality is closed.
- **Closing days** are the days of the Algemene termijnenwet, which also extends the legal terms of government
  bodies: New Year's Day, Easter Monday, Koningsdag (27 April; the 26th when the 27th is a Sunday), Ascension
  Day, Whit Monday, Christmas Day and Boxing Day, and Bevrijdingsdag (5 May) **every year**. The dates come from
  the maintained `holidays` package (country NL). Its public calendar has 5 May only every fifth year (as many
  collective agreements do) and it has Good Friday, which the Algemene termijnenwet does not name and on which
  the municipality works: we add its every-year 5 May (its "optional" category) and leave Good Friday out. Easter
  Sunday and Whit Sunday are Sundays anyway. Local closing days (the days between Christmas and New Year, a
  bridge day) are not counted: change CLOSED_DAYS below when a municipality decides otherwise.
- **The term starts after the day of the report**: that day never counts, however early it was made. A report
  made on Friday evening with a 2-day term has Monday and Tuesday.
- **The end of a day** is midnight at the start of the next day, local time: a term of N working days ends at
  00:00 after its Nth working day (23:00 or 22:00 UTC). `due < now` is overdue from that moment on.
"""

from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

from meldpunt.profiles import LOCAL_TZ

# Names as the library spells them in en_US, per category: the closing days we take from each.
CLOSED_DAYS = {
    holidays.PUBLIC: {
        "New Year's Day",
        "Easter Monday",
        "King's Day",
        "Queen's Day",
        "Liberation Day",
        "Ascension Day",
        "Pentecost Monday",
        "Christmas Day",
        "Second Day of Christmas",
    },
    holidays.OPTIONAL: {"Liberation Day"},  # 5 May in the years the public calendar leaves it out
}


@lru_cache(maxsize=64)
def closing_days(year: int) -> frozenset[date]:
    """The days of that year on which the municipality is closed (weekends apart)."""
    closed = set()
    for category, names in CLOSED_DAYS.items():
        calendar = holidays.country_holidays("NL", years=year, categories=(category,), language="en_US")
        for day, name in calendar.items():
            # The library joins the names of two holidays on one day ("Ascension Day; Liberation Day").
            if names & {part.strip() for part in name.split(";")}:
                closed.add(day)
    return frozenset(closed)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in closing_days(day.year)


def _local_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("naive datetime; use timezone-aware datetimes")
    return moment.astimezone(LOCAL_TZ).date()


def end_of_day(day: date) -> datetime:
    """The end of a local day (midnight at the start of the next), in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), LOCAL_TZ).astimezone(UTC)


def last_day_of_term(due: datetime) -> date:
    """The local day that ends at `due`: the last day of the term, as staff read it."""
    return _local_day(due - timedelta(microseconds=1))


def add_working_days(start: datetime, days: int) -> datetime:
    """The end (UTC) of the `days`-th working day after the local day of `start`; with 0 days, the end of that
    day itself."""
    if days < 0:
        raise ValueError("a term cannot be negative")
    return _term_end(_local_day(start), days)


@lru_cache(maxsize=8192)
def _term_end(day: date, days: int) -> datetime:
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return end_of_day(day)


def _weekdays_after(first: date, last: date) -> int:
    """Monday to Friday in (first, last]."""
    span = (last - first).days
    weeks, rest = divmod(span, 7)
    return weeks * 5 + sum((first + timedelta(days=i)).weekday() < 5 for i in range(1, rest + 1))


def working_days_between(start: datetime, end: datetime) -> int:
    """The working days after the local day of `start`, up to and including the day `end` falls in (a moment at
    midnight ends the day before, so `working_days_between(s, add_working_days(s, n)) == n`). 0 when `end` is
    not on a later day."""
    first, last = _local_day(start), last_day_of_term(end)
    if last <= first:
        return 0
    closed = 0
    for year in range(first.year, last.year + 1):
        days = _closed_weekdays(year)
        closed += bisect_right(days, last.toordinal()) - bisect_right(days, first.toordinal())
    return _weekdays_after(first, last) - closed


@lru_cache(maxsize=64)
def _closed_weekdays(year: int) -> tuple[int, ...]:
    """The closing days of a year that fall on a weekday, as sorted ordinals."""
    return tuple(sorted(day.toordinal() for day in closing_days(year) if day.weekday() < 5))
