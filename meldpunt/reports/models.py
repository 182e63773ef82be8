"""Reports, the data that classifies and routes them, and their append-only history."""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from geoalchemy2 import Geometry

from meldpunt.db_types import UTCDateTime, utcnow
from meldpunt.extensions import db
from meldpunt.geo import RD_NEW, WGS84
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.working_days import last_day_of_term

KIND_CODES = tuple(KINDS)
STATES = ("nieuw", "in_behandeling", "ingepland", "doorgezet", "afgehandeld", "geannuleerd", "heropend")
OPEN_STATES = ("nieuw", "in_behandeling", "ingepland", "doorgezet", "heropend")
# "gebied" and "gemeente": a signal without a spot (kinds.Kind.has_spot False). Its point is the chosen wijk's or
# dorp's point on surface, or the municipality's, stored only because the schema needs one: never shown as a spot.
AREA_LOCATION_METHODS = ("gebied", "gemeente")
LOCATION_METHODS = ("gps", "map", "search", *AREA_LOCATION_METHODS)
# "import": loaded from a municipality's old system (flask reports import); never mailed, no usable tracking link.
# "api": filed by a partner's app through Open311 (the key's name is in the audit log with the report).
CHANNELS = ("web", "telefoon", "spreekuur", "straat", "schouw", "import", "api", "groep")
PRIVACY_LEVELS = ("standard", "generic")  # generic: only generic outcomes may be told (DESIGN §5)


class Queue(db.Model):
    """A team's work queue (Emmen: OOV and TNH). A field queue's reports are picked up in the street."""

    __tablename__ = "queue"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    names: so.Mapped[dict] = so.mapped_column(sa.JSON)  # {"nl": ..., "en": ...}
    is_field: so.Mapped[bool] = so.mapped_column(default=False)

    def name(self, locale: str = "nl") -> str:
        return self.names.get(locale) or self.names["nl"]


class Category(db.Model):
    """A subcategory of one of the kinds (DESIGN §2). Data, so a beheerder can change it."""

    __tablename__ = "category"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(30))
    names: so.Mapped[dict] = so.mapped_column(sa.JSON)
    position: so.Mapped[int] = so.mapped_column(default=0)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    # Restricted: seen only by staff with that permission, no contact data, no feedback, never exported.
    restricted: so.Mapped[bool] = so.mapped_column(default=False)
    privacy_level: so.Mapped[str] = so.mapped_column(sa.String(20), default="standard")
    typical_handling_days: so.Mapped[int] = so.mapped_column(default=10)

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {KIND_CODES!r}", name="kind"),
        sa.CheckConstraint(f"privacy_level IN {PRIVACY_LEVELS!r}", name="privacy_level"),
    )

    def name(self, locale: str = "nl") -> str:
        return self.names.get(locale) or self.names["nl"]


class RoutingRule(db.Model):
    """One ordered routing rule (DESIGN §3). Every condition left empty matches anything; the first rule whose
    conditions all hold decides the queue."""

    __tablename__ = "routing_rule"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    position: so.Mapped[int] = so.mapped_column(unique=True)
    description: so.Mapped[str] = so.mapped_column(sa.String(200))
    kinds: so.Mapped[list | None] = so.mapped_column(sa.JSON(none_as_null=True))
    category_codes: so.Mapped[list | None] = so.mapped_column(sa.JSON(none_as_null=True))
    area_kinds: so.Mapped[list | None] = so.mapped_column(sa.JSON(none_as_null=True))
    area_codes: so.Mapped[list | None] = so.mapped_column(sa.JSON(none_as_null=True))
    # The incident happened at most this many minutes before the report (reports without a time never match).
    max_minutes_since_incident: so.Mapped[int | None]
    # True: only while the field team is on duty; False: only outside its service hours.
    field_team_on_duty: so.Mapped[bool | None]
    # True: only inside a risk zone active that day (meldpunt/events/risk_zones.py); False: only outside one.
    in_risk_zone: so.Mapped[bool | None]
    queue_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("queue.id"))
    active: so.Mapped[bool] = so.mapped_column(default=True)

    queue: so.Mapped[Queue] = so.relationship()


# Every area a report lies in (a buurt, its wijk, a dorp, a zone): filled when the report is stored and by
# `flask areas link` (meldpunt/geo/areas.py). Report.area stays the smallest of them, the one shown with it.
report_area = sa.Table(
    "report_area",
    db.metadata,
    sa.Column("report_id", sa.ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_id", sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True, index=True),
)


# What the analysis views read of a report besides created_at (meldpunt/analysis), kept in its index on PostgreSQL.
ANALYSIS_COLUMNS = ("category_id", "kind", "state", "incident_at", "id", "rd_x", "rd_y")
# What the queue's counts read besides the indexed columns, kept in its indexes on PostgreSQL.
QUEUE_INDEX_INCLUDE = ("category_id", "due_at")
OPEN_CONDITION = f"state IN {OPEN_STATES!r}"
# What the counts over time read (trends, targets): a slim index of its own on PostgreSQL, a seventh of the one above,
# so that two years of a million reports are counted from it in a fraction of the time.
COUNT_COLUMNS = ("category_id", "kind", "state")


class Report(db.Model):
    """A melding. Contact data, description and photos are personal data with their own retention."""

    __tablename__ = "report"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    reference: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True)
    tracking_token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    submission_key_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)

    kind: so.Mapped[str] = so.mapped_column(sa.String(30))
    category_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("category.id"), index=True)
    description: so.Mapped[str | None] = so.mapped_column(sa.Text)
    answers: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    # A weapon, violence or a group was mentioned: the field officer is warned before going alone.
    safety_flag: so.Mapped[bool] = so.mapped_column(default=False)
    # "How safe do you feel here?" 1 (very unsafe) to 5 (very safe); None: not answered or rather not said.
    # Only ever shown aggregated per area (analysis/safety_feeling.py).
    safety_feeling: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)

    location = so.mapped_column(Geometry("POINT", srid=WGS84, spatial_index=True), nullable=False)
    location_rd = so.mapped_column(Geometry("POINT", srid=RD_NEW, spatial_index=True), nullable=False)
    # location_rd's x and y (metres in RD New), computed by the database from it whenever it is written (insert,
    # bulk insert, coarsening), never by Python: the analysis counts per grid cell and clusters from these two
    # numbers, which PostgreSQL keeps in ix_report_created_at (a generated column is STORED there; on SQLite,
    # which cannot add a stored one to an existing table, it is VIRTUAL: computed when read).
    rd_x: so.Mapped[float] = so.mapped_column(sa.Double, sa.Computed("ST_X(location_rd)"))
    rd_y: so.Mapped[float] = so.mapped_column(sa.Double, sa.Computed("ST_Y(location_rd)"))
    location_method: so.Mapped[str] = so.mapped_column(sa.String(10))
    # Free text the reporter adds to a place found by search ("corner of X and Y, by the bus stop").
    location_description: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    area_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("area.id"), index=True)

    incident_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    incident_is_now: so.Mapped[bool] = so.mapped_column(default=False)

    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    email_consent: so.Mapped[bool] = so.mapped_column(default=False)
    locale: so.Mapped[str] = so.mapped_column(sa.String(5), default="nl")
    channel: so.Mapped[str] = so.mapped_column(sa.String(12), default="web")

    queue_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("queue.id"))  # indexed by ix_report_queue_state
    routing_rule_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("routing_rule.id", ondelete="SET NULL"))
    # The reporter was told to call 112/the police because the field team was off duty.
    routed_outside_service_hours: so.Mapped[bool] = so.mapped_column(default=False)
    state: so.Mapped[str] = so.mapped_column(sa.String(20), default="nieuw", index=True)
    assigned_to_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"), index=True)
    merged_into_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("report.id"))
    planned_for: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    forwarded_to: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    outcome: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    on_site_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    first_response_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # The end of the handling term (the category's working days, meldpunt/reports/due.py), set when the report is
    # made, re-routed or reopened. None: the category has no term.
    due_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime(), index=True)
    # Privacy life cycle (meldpunt/privacy): when each kind of personal data was removed.
    contact_erased_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    content_erased_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    location_coarsened_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Optimistic locking: a stale staff form cannot overwrite someone else's change.
    version: so.Mapped[int] = so.mapped_column(default=1)

    category: so.Mapped[Category] = so.relationship()
    queue: so.Mapped[Queue] = so.relationship()
    area: so.Mapped["Area | None"] = so.relationship()  # noqa: F821
    areas: so.Mapped[list["Area"]] = so.relationship(secondary=report_area, order_by="Area.id")  # noqa: F821
    assigned_to: so.Mapped["User | None"] = so.relationship()  # noqa: F821
    merged_into: so.Mapped["Report | None"] = so.relationship(remote_side=[id])

    messages: so.Mapped[list["ReporterMessage"]] = so.relationship(
        back_populates="report", order_by="ReporterMessage.id", cascade="all, delete-orphan"
    )
    photos: so.Mapped[list["ReportPhoto"]] = so.relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportPhoto.id"
    )
    history: so.Mapped[list["StateChange"]] = so.relationship(back_populates="report", order_by="StateChange.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(f"state IN {STATES!r}", name="state"),
        sa.CheckConstraint(f"kind IN {KIND_CODES!r}", name="kind"),
        sa.CheckConstraint(f"location_method IN {LOCATION_METHODS!r}", name="location_method"),
        sa.CheckConstraint(f"channel IN {CHANNELS!r}", name="channel"),
        # The analysis reads a period of reports by created_at. On PostgreSQL the index also holds what the
        # analysis views read (ANALYSIS_COLUMNS), so a year of a million reports comes from the index alone.
        sa.Index("ix_report_created_at", "created_at", postgresql_include=ANALYSIS_COLUMNS),
        # The staff queue (reports/queries.py): its counts per state are one bounded read each, and a page in one
        # state (or sorted by state) is read in order from here. On PostgreSQL category_id and due_at ride along,
        # so that the counts for a viewer without restricted categories, and the overdue ones, come from the index
        # alone.
        sa.Index(
            "ix_report_queue_state", "queue_id", "state", "created_at", "id", postgresql_include=QUEUE_INDEX_INCLUDE
        ),  # fmt: skip
        # The view a desk works from, its open reports newest or oldest first (with any filter), read in order from
        # a small index that holds only the open reports: the first page and the last are alike.
        sa.Index(
            "ix_report_open_by_queue",
            "queue_id",
            "created_at",
            "id",
            postgresql_include=QUEUE_INDEX_INCLUDE,
            postgresql_where=sa.text(OPEN_CONDITION),
            sqlite_where=sa.text(OPEN_CONDITION),
        ),  # fmt: skip
        sa.Index("ix_report_created_at_counts", "created_at", postgresql_include=COUNT_COLUMNS).ddl_if(
            dialect="postgresql"
        ),
    )

    @property
    def due_day(self) -> date | None:
        """The last day of the handling term (local): due_at is the end of that day."""
        return last_day_of_term(self.due_at) if self.due_at else None

    def is_overdue(self, now: datetime | None = None) -> bool:
        """The Python form of queries.overdue_condition: change both together."""
        return self.state in OPEN_STATES and self.due_at is not None and self.due_at < (now or utcnow())


class QueueCount(db.Model):
    """How many reports each queue holds per category, kind and state: kept by database triggers on report (made
    by migration 261efd240ffb, on insert, update and delete, however the rows change: the ORM, bulk inserts, the
    privacy sweep, plain SQL), so that the queue page's counts per state are one read of a few dozen rows instead
    of counting a million reports. Never written by the application."""

    __tablename__ = "queue_count"

    queue_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True)
    category_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("category.id", ondelete="CASCADE"), primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(30), primary_key=True)
    state: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)
    n: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)


class ReportPhoto(db.Model):
    """A re-encoded, metadata-free photo stored outside static/ (UPLOAD_FOLDER/<storage_key>)."""

    __tablename__ = "report_photo"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id", ondelete="CASCADE"), index=True)
    storage_key: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    content_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    width: so.Mapped[int]
    height: so.Mapped[int]
    size_bytes: so.Mapped[int]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    report: so.Mapped[Report] = so.relationship(back_populates="photos")


class StateChange(db.Model):
    """One line of a report's history: who changed what, when and why. Never updated or deleted."""

    __tablename__ = "state_change"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id"), index=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    from_state: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    to_state: so.Mapped[str] = so.mapped_column(sa.String(20))
    # What happened: created, state, assign, reroute, merge, on_site, plan, forward, close, reopen, cancel,
    # claim, hand_back.
    event: so.Mapped[str] = so.mapped_column(sa.String(20), default="state", server_default="state")
    queue_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("queue.id"))
    actor: so.Mapped[str] = so.mapped_column(sa.String(80))  # "melder", "systeem" or a staff user's name
    reason: so.Mapped[str | None] = so.mapped_column(sa.Text)

    report: so.Mapped[Report] = so.relationship(back_populates="history")
    queue: so.Mapped[Queue | None] = so.relationship()


class FieldActionKey(db.Model):
    """A field action sent with a key made on the phone (an outcome recorded offline is sent again until it is
    answered): the first request applies it, any repeat finds the key and changes nothing (exactly once)."""

    __tablename__ = "field_action_key"

    key: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff_user.id"))
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id"), index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(20))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)


class ReporterMessage(db.Model):
    """A message meant for the reporter, shown on the tracking page (and mailed, with the feedback issue)."""

    __tablename__ = "reporter_message"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id", ondelete="CASCADE"), index=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"))
    body: so.Mapped[str] = so.mapped_column(sa.Text)

    report: so.Mapped[Report] = so.relationship(back_populates="messages")


@sa.event.listens_for(StateChange, "before_update")
@sa.event.listens_for(StateChange, "before_delete")
def _history_is_append_only(_mapper, _connection, target):
    raise PermissionError(f"history line {target.id} is append-only")
