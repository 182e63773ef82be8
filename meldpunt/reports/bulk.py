"""Many reports in one go, for `flask reports import` (a municipality's old system) and `flask demo-data --bulk`.

Never through submit_report and never mailed: plain rows go into a temporary staging table (COPY on PostgreSQL,
executemany on SQLite), the database checks them as a set (the municipality, references in use), and one
INSERT ... SELECT stores them, building both points in SQL (WGS84, and RD New by the same ST_Transform as a live
report). Each report gets a "created" history line, and a line for its later state (closed, cancelled, in
handling) when it has one. Like every domain module this flushes; the caller commits or rolls back."""

import operator
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from meldpunt.db_types import UTCDateTime
from meldpunt.events.tagging import tag_reports
from meldpunt.extensions import db
from meldpunt.geo import RD_NEW, WGS84, spatial
from meldpunt.geo.areas import link_report_areas
from meldpunt.geo.boundaries import BOUNDARY_TOLERANCE_M
from meldpunt.geo.models import Municipality
from meldpunt.reports.due import recompute_due_dates
from meldpunt.reports.models import Report, StateChange

# Ids per statement when a list of ids goes into SQL (PostgreSQL takes at most 65,535 parameters).
ID_CHUNK = 10_000
# Rows per executemany on SQLite.
SQLITE_CHUNK = 10_000


@dataclass(slots=True)
class ReportRow:
    """One report to store. The position is `x`, `y` in `srid`: lon/lat in WGS84 (4326) or x/y in RD New
    (28992). `row_no` names the row in messages (the importer: its row in the file) and must be unique."""

    row_no: int
    reference: str
    kind: str
    category_id: int
    queue_id: int
    x: float
    y: float
    srid: int
    created_at: datetime
    state: str
    incident_at: datetime | None = None
    incident_is_now: bool = False
    first_response_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    channel: str = "web"
    location_method: str = "map"
    description: str | None = None
    routing_rule_id: int | None = None
    routed_outside_service_hours: bool = False
    locale: str = "nl"
    # A random value in place of a tracking token's hash: no token exists that opens these reports.
    tracking_token_hash: str | None = None

    @property
    def updated_at(self) -> datetime:
        latest = self.created_at
        for moment in (self.first_response_at, self.closed_at):
            if moment is not None and moment > latest:
                latest = moment
        return latest


_staging_metadata = sa.MetaData()
STAGING = sa.Table(
    "bulk_report_staging",
    _staging_metadata,
    sa.Column("row_no", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("reference", sa.String(16)),
    sa.Column("tracking_token_hash", sa.String(64)),
    sa.Column("kind", sa.String(30)),
    sa.Column("category_id", sa.Integer),
    sa.Column("queue_id", sa.Integer),
    sa.Column("x", sa.Float),
    sa.Column("y", sa.Float),
    sa.Column("srid", sa.Integer),
    sa.Column("created_at", UTCDateTime()),
    sa.Column("updated_at", UTCDateTime()),
    sa.Column("state", sa.String(20)),
    sa.Column("incident_at", UTCDateTime()),
    sa.Column("incident_is_now", sa.Boolean),
    sa.Column("first_response_at", UTCDateTime()),
    sa.Column("closed_at", UTCDateTime()),
    sa.Column("outcome", sa.String(40)),
    sa.Column("channel", sa.String(12)),
    sa.Column("location_method", sa.String(10)),
    sa.Column("description", sa.Text),
    sa.Column("routing_rule_id", sa.Integer),
    sa.Column("routed_outside_service_hours", sa.Boolean),
    sa.Column("locale", sa.String(5)),
    sa.Column("report_id", sa.Integer),  # filled once the report is stored
    prefixes=["TEMPORARY"],
)
_COLUMNS = [c.name for c in STAGING.columns if c.name != "report_id"]


# PostgreSQL's names for the staging columns' types, for a binary COPY.
_COPY_TYPES = [
    {sa.Integer: "int4", sa.Float: "float8", sa.Boolean: "bool", sa.Text: "text", sa.String: "varchar",
     UTCDateTime: "timestamptz"}[type(STAGING.c[name].type)]
    for name in _COLUMNS
]  # fmt: skip
_row_values = operator.attrgetter(*_COLUMNS)
_TOKEN_INDEX = _COLUMNS.index("tracking_token_hash")


def _values(rows: Sequence[ReportRow]) -> Iterator[tuple]:
    """Each row's values in staging order. A row without a tracking hash gets 32 random bytes (hex), drawn for
    the whole batch at once: one system call instead of one per row."""
    pool = secrets.token_bytes(32 * len(rows))
    for n, row in enumerate(rows):
        values = _row_values(row)
        if values[_TOKEN_INDEX] is None:
            values = (*values[:_TOKEN_INDEX], pool[32 * n : 32 * n + 32].hex(), *values[_TOKEN_INDEX + 1 :])
        yield values


def _chunks(items: Sequence, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class StagedReports:
    """Report rows in the staging table of the current transaction, to check as a set and then store.
    Use `staged_reports(rows)`; the table is dropped when the block ends (or rolled back with the transaction)."""

    def __init__(self, connection: sa.Connection):
        self.connection = connection
        s = STAGING.c
        position = spatial.MakePoint(s.x, s.y, WGS84)
        from_rd = sa.func.ST_Transform(spatial.MakePoint(s.x, s.y, RD_NEW), WGS84)
        # The WGS84 point as SQL: given, or transformed from RD New by the database.
        self.location = sa.case((s.srid == RD_NEW, from_rd), else_=position)

    def load(self, rows: Iterable[ReportRow]) -> None:
        rows = list(rows)
        if self.connection.dialect.name == "postgresql":
            # The planner prices PostGIS functions high, so a bulk statement would be JIT-compiled: seconds of
            # compiling for a plain scan. Off for this transaction only.
            self.connection.exec_driver_sql("SET LOCAL jit = off")
            raw = self.connection.connection.dbapi_connection
            statement = f"COPY {STAGING.name} ({', '.join(_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                copy.set_types(_COPY_TYPES)
                for values in _values(rows):
                    copy.write_row(values)
            return
        for chunk in _chunks(rows, SQLITE_CHUNK):
            self.connection.execute(STAGING.insert(), [dict(zip(_COLUMNS, v, strict=True)) for v in _values(chunk)])

    def outside_municipality(self, cbs_code: str) -> list[tuple[int, str | None]]:
        """Rows whose point lies outside the municipality, by the rule for live reports (meldpunt/geo/boundaries:
        inside, or within BOUNDARY_TOLERANCE_M of the simplified border), with the municipality it lies in
        (None: outside every Dutch municipality)."""
        own = Municipality.__table__.alias("own")
        other = Municipality.__table__.alias("other")
        near_enough = spatial.planar_distance(own.c.geom_rd, spatial.to_rd(self.location)) <= BOUNDARY_TOLERANCE_M
        # CASE: the distance is only worked out for points that do not lie inside.
        accepted = sa.case((sa.func.ST_Intersects(own.c.geom, self.location), 1), (near_enough, 1), else_=0)
        lies_in = (
            sa.select(other.c.name)
            .where(sa.func.ST_Intersects(other.c.geom, self.location))
            .order_by(other.c.code)
            .limit(1)
            .scalar_subquery()
        )
        query = (
            sa.select(STAGING.c.row_no, lies_in)
            .select_from(STAGING.join(own, own.c.code == cbs_code))
            .where(accepted == 0)
            .order_by(STAGING.c.row_no)
        )
        if self.connection.scalar(sa.select(own.c.code).where(own.c.code == cbs_code)) is None:
            raise LookupError(f"municipality {cbs_code} is not loaded: run `flask seed`")
        return [(row_no, name) for row_no, name in self.connection.execute(query)]

    def references_in_use(self) -> list[tuple[int, str]]:
        """Rows whose reference a stored report has already."""
        report = Report.__table__
        query = (
            sa.select(STAGING.c.row_no, STAGING.c.reference)
            .join(report, report.c.reference == STAGING.c.reference)
            .order_by(STAGING.c.row_no)
        )
        return [(row_no, reference) for row_no, reference in self.connection.execute(query)]

    def discard(self, row_numbers: Iterable[int]) -> None:
        for chunk in _chunks(sorted(set(row_numbers)), ID_CHUNK):
            self.connection.execute(sa.delete(STAGING).where(STAGING.c.row_no.in_(chunk)))

    def store(self, *, actor: str, reason: str) -> list[int]:
        """Insert every staged row as a report, with its history; returns the new reports' ids."""
        s = STAGING.c
        report = Report.__table__
        copied = [
            "reference", "tracking_token_hash", "kind", "category_id", "queue_id", "created_at", "updated_at",
            "state", "incident_at", "incident_is_now", "first_response_at", "closed_at", "outcome", "channel",
            "location_method", "description", "routing_rule_id", "routed_outside_service_hours", "locale",
        ]  # fmt: skip
        select = sa.select(
            *(s[name] for name in copied),
            self.location,
            spatial.to_rd(self.location),
            sa.literal({}, sa.JSON),
            sa.false(),
            sa.false(),
            sa.literal(1),
        ).order_by(s.row_no)
        insert = report.insert().from_select(
            [*copied, "location", "location_rd", "answers", "safety_flag", "email_consent", "version"], select
        )
        self.connection.execute(insert)
        stored_id = sa.select(report.c.id).where(report.c.reference == s.reference).scalar_subquery()
        self.connection.execute(STAGING.update().values(report_id=stored_id))
        self._history(actor=actor, reason=reason)
        ids = list(self.connection.scalars(sa.select(s.report_id).order_by(s.row_no)))
        after_bulk_insert(ids)
        return ids

    def _history(self, *, actor: str, reason: str) -> None:
        s = STAGING.c
        history = StateChange.__table__
        columns = ["report_id", "at", "from_state", "to_state", "event", "queue_id", "actor", "reason"]
        created = sa.select(
            s.report_id, s.created_at, sa.null(), sa.literal("nieuw"), sa.literal("created"), s.queue_id,
            sa.literal(actor), sa.literal(reason),
        ).order_by(s.row_no)  # fmt: skip
        self.connection.execute(history.insert().from_select(columns, created))
        # The report's later state in one line: closed at its closing time, cancelled, or taken up.
        event = sa.case((s.state == "afgehandeld", "close"), (s.state == "geannuleerd", "cancel"), else_="state")
        at = sa.func.coalesce(s.closed_at, s.first_response_at, s.created_at)
        later = (
            sa.select(
                s.report_id,
                at,
                sa.literal("nieuw"),
                s.state,
                event,
                s.queue_id,
                sa.literal(actor),
                sa.case((s.outcome.is_not(None), s.outcome), else_=sa.literal(reason)),
            )  # fmt: skip
            .where(s.state != "nieuw")
            .order_by(s.row_no)
        )
        self.connection.execute(history.insert().from_select(columns, later))


@contextmanager
def staged_reports(rows: Iterable[ReportRow]) -> Iterator[StagedReports]:
    """Stage rows in the current transaction (see StagedReports); the staging table is dropped afterwards (after
    an error the caller rolls back, and the table goes with the transaction)."""
    connection = db.session.connection()
    STAGING.drop(connection, checkfirst=True)  # SQLite keeps a temporary table made outside a transaction
    STAGING.create(connection)
    staged = StagedReports(connection)
    staged.load(rows)
    connection.exec_driver_sql(f"ANALYZE {STAGING.name}")  # counts for the planner: a temporary table has none
    yield staged
    STAGING.drop(connection)


def insert_reports(rows: Iterable[ReportRow], *, actor: str, reason: str) -> list[int]:
    """Store many reports in one go, with their history lines, in the caller's transaction; returns their ids.
    The rows must already be valid (the importer checks them first)."""
    with staged_reports(rows) as staged:
        return staged.store(actor=actor, reason=reason)


def after_bulk_insert(report_ids: Sequence[int]) -> None:
    """What a report gets after it is stored, for reports stored in bulk: THE one place for it. Its due moment in
    working days (Report.due_at), its areas: linked to every area it lies in, `area` the smallest of them, and the
    events it was made during, as submit_report does."""
    if not report_ids:
        return
    recompute_due_dates(report_ids)
    for chunk in _chunks(list(report_ids), ID_CHUNK):
        link_report_areas(chunk)
        tag_reports(chunk)
