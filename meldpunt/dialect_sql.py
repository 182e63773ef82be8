"""SQL that differs between SQLite and PostgreSQL outside geometry (which is in geo/spatial.py): local time of day,
weekday and month in Europe/Amsterdam, and seconds since the epoch. Everything else the analysis asks of the
database is standard SQL (GROUP BY, window functions) that both run."""

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

TIMEZONE = "Europe/Amsterdam"


def _sqlite_local(column: str) -> str:
    """UTC text → Amsterdam local time. SQLite has no time zone data, so the EU rule is written out: summer time
    from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC (the rule since 1996)."""
    year = f"strftime('%Y', {column})"
    start = f"datetime(date({year} || '-03-31', '-6 days', 'weekday 0'), '+1 hour')"
    end = f"datetime(date({year} || '-10-31', '-6 days', 'weekday 0'), '+1 hour')"
    shift = f"CASE WHEN {column} >= {start} AND {column} < {end} THEN '+2 hours' ELSE '+1 hour' END"
    return f"datetime({column}, {shift})"


def _pg_local(column: str) -> str:
    return f"({column} AT TIME ZONE '{TIMEZONE}')"


class LocalHour(GenericFunction):
    """The hour (0-23) of a UTC timestamp in Dutch local time."""

    inherit_cache = True
    name = "local_hour"


@compiles(LocalHour, "postgresql")
def _pg_local_hour(element, compiler, **kw):
    return f"CAST(EXTRACT(HOUR FROM {_pg_local(compiler.process(element.clauses, **kw))}) AS INTEGER)"


@compiles(LocalHour, "sqlite")
def _sqlite_local_hour(element, compiler, **kw):
    return f"CAST(strftime('%H', {_sqlite_local(compiler.process(element.clauses, **kw))}) AS INTEGER)"


class LocalWeekday(GenericFunction):
    """The ISO weekday (1 = Monday … 7 = Sunday) of a UTC timestamp in Dutch local time."""

    inherit_cache = True
    name = "local_weekday"


@compiles(LocalWeekday, "postgresql")
def _pg_local_weekday(element, compiler, **kw):
    return f"CAST(EXTRACT(ISODOW FROM {_pg_local(compiler.process(element.clauses, **kw))}) AS INTEGER)"


@compiles(LocalWeekday, "sqlite")
def _sqlite_local_weekday(element, compiler, **kw):
    sunday_zero = f"CAST(strftime('%w', {_sqlite_local(compiler.process(element.clauses, **kw))}) AS INTEGER)"
    return f"(({sunday_zero} + 6) % 7 + 1)"


class LocalMonth(GenericFunction):
    """'YYYY-MM' of a UTC timestamp in Dutch local time."""

    inherit_cache = True
    name = "local_month"


@compiles(LocalMonth, "postgresql")
def _pg_local_month(element, compiler, **kw):
    return f"to_char({_pg_local(compiler.process(element.clauses, **kw))}, 'YYYY-MM')"


@compiles(LocalMonth, "sqlite")
def _sqlite_local_month(element, compiler, **kw):
    return f"strftime('%Y-%m', {_sqlite_local(compiler.process(element.clauses, **kw))})"


class EpochSeconds(GenericFunction):
    """Seconds since 1970 of a UTC timestamp: subtract two for a duration."""

    inherit_cache = True
    name = "epoch_seconds"


@compiles(EpochSeconds, "postgresql")
def _pg_epoch(element, compiler, **kw):
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


@compiles(EpochSeconds, "sqlite")
def _sqlite_epoch(element, compiler, **kw):
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"
