"""Events and risk zones. Both keep their own outline (copied from an area, or drawn), so that a later re-import
or removal of that area does not move what was planned."""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from geoalchemy2 import Geometry

from meldpunt.db_types import UTCDateTime, utcnow
from meldpunt.extensions import db
from meldpunt.geo import RD_NEW, WGS84
from meldpunt.geo.models import Area


class Event(db.Model):
    """A planned event: a place and a time window. A report made (incident time, or for a lasting condition the
    time it was reported) inside both is tagged with it (`report_event`)."""

    __tablename__ = "event"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    # The area the outline was copied from (None: drawn or pasted, or that area was removed since).
    area_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("area.id", ondelete="SET NULL"))
    geom = so.mapped_column(Geometry("MULTIPOLYGON", srid=WGS84, spatial_index=False), nullable=False)
    geom_rd = so.mapped_column(Geometry("MULTIPOLYGON", srid=RD_NEW, spatial_index=False), nullable=False)
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    area: so.Mapped[Area | None] = so.relationship()

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="window"),)


# The reports made during an event: filled when a report is stored (events/tagging.py) and again for an event
# when it is planned or changed.
report_event = sa.Table(
    "report_event",
    db.metadata,
    sa.Column("report_id", sa.ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("event_id", sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True, index=True),
)


def report_ids_in_event(event_id: int) -> sa.Select:
    """A SELECT of the ids of the reports tagged with this event: for the queue's and the analysis' filters."""
    return sa.select(report_event.c.report_id).where(report_event.c.event_id == event_id)


class RiskZone(db.Model):
    """A hotspot designated for the field team from one day to another (local days, both included). Routing rules
    may test "inside an active risk zone"; the field list marks the reports inside one."""

    __tablename__ = "risk_zone"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    area_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("area.id", ondelete="SET NULL"))
    geom = so.mapped_column(Geometry("MULTIPOLYGON", srid=WGS84, spatial_index=False), nullable=False)
    geom_rd = so.mapped_column(Geometry("MULTIPOLYGON", srid=RD_NEW, spatial_index=False), nullable=False)
    starts_on: so.Mapped[date] = so.mapped_column(sa.Date())
    ends_on: so.Mapped[date] = so.mapped_column(sa.Date())
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    area: so.Mapped[Area | None] = so.relationship()

    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="period"),)
