"""Ids in addresses. A number beyond the database's id range (db_types.MAX_ID) is a 404, never a database
error."""

from werkzeug.routing import IntegerConverter

from meldpunt.db_types import MAX_ID, id_from  # noqa: F401  (id_from: for query parameters)


class DatabaseIdConverter(IntegerConverter):
    """`<int:report_id>` matches 1 … 2^31-1 only."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
