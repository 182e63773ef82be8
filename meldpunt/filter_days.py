"""Days typed into a staff filter's query string ("from", "to", "measure taken on"), and their local midnights.

A filter's day is held to EARLIEST..LATEST: local midnights, "a year earlier" and "the day after" of 0001-01-01 or
9999-12-31 overflow Python's dates and the databases' timestamps. A page that clamped a day says so
(out_of_range_message) rather than silently showing another period than the one asked for."""

from datetime import date, datetime, time

from flask_babel import format_date
from flask_babel import gettext as _

from meldpunt.profiles import LOCAL_TZ

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def _parsed(text) -> date | None:
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def filter_day(text) -> date | None:
    """The day an ISO date names, held to EARLIEST..LATEST; None when empty or not a date."""
    day = _parsed(text)
    return min(max(day, EARLIEST), LATEST) if day else None


def outside_range(*texts) -> bool:
    """Whether any of these names a real date that filter_day moves into range."""
    return any(day and not EARLIEST <= day <= LATEST for day in map(_parsed, texts))


def out_of_range_message() -> str:
    first, last = format_date(EARLIEST, "long"), format_date(LATEST, "long")
    return _("Choose a date between %(first)s and %(last)s.", first=first, last=last)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, LOCAL_TZ)
