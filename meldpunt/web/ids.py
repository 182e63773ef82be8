"""Ids in addresses and filters. Table ids are 32-bit integers on PostgreSQL (and at most 64-bit on SQLite): a
larger number is not an id of anything, so it is a 404 or an ignored filter, never a database error."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:report_id>` matches 1 … 2^31-1 only."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def id_from(text: str | None) -> int | None:
    """An id from a query parameter, or None when it cannot be one."""
    try:
        value = int(text)
    except (TypeError, ValueError):
        return None
    return value if 1 <= value <= MAX_ID else None
