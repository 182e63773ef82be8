"""The analysis and the public figures may read from a PostgreSQL streaming replica (REPLICA_DATABASE_URL), so that
heavy aggregation never competes with residents' reports and the boa's polls for the primary. A view opts in with
read_from_replica(); only its SELECTs go to the replica, and only on GET: a write (an export's audit line, an
acknowledged signal) and whatever an action reads before it writes stay on the primary."""

import sqlalchemy as sa
from flask import has_request_context, request
from flask_sqlalchemy.session import Session

REPLICA = "replica"
# Kept in the request's environ, not in g: the flag must end with the request (tests share one app context).
FLAG = "meldpunt.read_from_replica"


class ReplicaAwareSession(Session):
    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if (
            bind is None
            and isinstance(clause, (sa.Select, sa.CompoundSelect))
            and has_request_context()
            and request.environ.get(FLAG)
            and REPLICA in self._db.engines
        ):
            return self._db.engines[REPLICA]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def read_from_replica() -> None:
    """For this request, plain reads may come from the replica (they may lag the primary by seconds)."""
    if request.method in ("GET", "HEAD"):
        request.environ[FLAG] = True
