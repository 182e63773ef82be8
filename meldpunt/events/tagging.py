"""Which reports were made during which event: a report inside an event's outline (geo.areas.contains) whose
moment (the incident time, or for a lasting condition the time it was reported: analysis.filters.MOMENT) lies in
the event's window, start and end included. The database decides, in one INSERT ... SELECT."""

from collections.abc import Iterable

import sqlalchemy as sa

from meldpunt.analysis.filters import MOMENT
from meldpunt.events.models import Event, report_event
from meldpunt.extensions import db
from meldpunt.geo import spatial
from meldpunt.geo.areas import contains
from meldpunt.reports.models import Report
from meldpunt.reports.queries import with_spot


def _during(event_table=Event):
    return sa.and_(
        with_spot(),  # a signal without a spot was made in no event's outline
        contains(event_table.geom_rd, Report.location_rd),
        MOMENT >= event_table.starts_at,
        MOMENT <= event_table.ends_at,
    )


def tag_reports(report_ids: Iterable[int]) -> int:
    """Tag these (new) reports with every event they were made during. Returns the links added; the caller
    commits."""
    report_ids = list(report_ids)
    if not report_ids:
        return 0
    db.session.flush()
    # From the few given reports to the events (a handful): no index needed on either side.
    pairs = sa.select(Report.id, Event.id).join(Event, _during()).where(Report.id.in_(report_ids))
    return _insert(pairs)


def retag_event(event_id: int) -> int:
    """The event's links anew (it was planned, or its place or window changed): through the spatial index on the
    reports' locations. Returns the reports it now tags; the caller commits."""
    db.session.flush()
    db.session.execute(sa.delete(report_event).where(report_event.c.event_id == event_id))
    dialect = db.session.get_bind().dialect.name
    reports = Report.__table__
    pairs = (
        sa.select(reports.c.id, Event.id)
        .select_from(
            spatial.join_points_in_boxes(Event.__table__, Event.geom_rd, reports, reports.c.location_rd, dialect)
        )  # fmt: skip
        .where(Event.id == event_id, _during())
    )
    return _insert(pairs)


def _insert(pairs) -> int:
    dialect = db.session.get_bind().dialect.name
    insert = (
        spatial.insert_ignoring_duplicates(report_event, dialect)
        .from_select([report_event.c.report_id, report_event.c.event_id], pairs)
        .on_conflict_do_nothing()
        .execution_options(preserve_rowcount=True)
    )
    return db.session.execute(insert).rowcount


def events_of(report: Report) -> list[Event]:
    """The events a report was made during, earliest first."""
    return list(
        db.session.scalars(
            sa.select(Event)
            .join(report_event, report_event.c.event_id == Event.id)
            .where(report_event.c.report_id == report.id)
            .order_by(Event.starts_at, Event.id)
        )
    )
