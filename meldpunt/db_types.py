"""Column types shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both backends (SQLite stores naive values and returns them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use timezone-aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Table ids are 32-bit integers on PostgreSQL (at most 64-bit on SQLite): a larger number is not an id of anything.
MAX_ID = 2**31 - 1


def id_from(text) -> int | None:
    """An id from untrusted text (a query parameter), or None when it cannot be one."""
    try:
        value = int(text)
    except (TypeError, ValueError):
        return None
    return value if 1 <= value <= MAX_ID else None
