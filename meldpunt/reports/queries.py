"""Reading reports for staff: queue listings with filters, nearby reports, the field list."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo import LatLon, spatial
from meldpunt.geo.areas import report_ids_in_area
from meldpunt.reports.models import OPEN_STATES, Category, Queue, Report
from meldpunt.staff.roles import can_read_queue

PERIODS = {"7d": 7, "30d": 30, "90d": 90, "365d": 365}
SORTS = {
    "newest": Report.created_at.desc(),
    "oldest": Report.created_at.asc(),
    "state": Report.state.asc(),
}
LIVE_WINDOW = timedelta(hours=2)
NEARBY_RADIUS_M = 50
NEARBY_WINDOW = timedelta(weeks=12)


@dataclass
class QueueFilters:
    state: str | None = None
    kind: str | None = None
    category: str | None = None
    area: int | None = None
    period: str | None = None
    overdue: bool = False
    sort: str = "newest"
    page: int = 1


@dataclass
class QueuePage:
    items: list[Report]
    total: int
    page: int
    pages: int
    counts: dict[str, int]


def _visible(viewer) -> sa.ColumnElement:
    if viewer.sees_restricted:
        return sa.true()
    return Report.category_id.in_(sa.select(Category.id).where(Category.restricted.is_(False)))


def readable_queues(viewer) -> list[Queue]:
    """The queues this staff member may read, policy queues first."""
    queues = db.session.scalars(sa.select(Queue).order_by(Queue.is_field, Queue.id))
    return [q for q in queues if can_read_queue(viewer.role_set, q)]


def overdue_condition(now: datetime) -> sa.ColumnElement:
    """Open and past the end of its handling term (Report.due_at, in working days; indexed). The Python form is
    Report.is_overdue: change both together."""
    return sa.and_(Report.state.in_(OPEN_STATES), Report.due_at < now)


def queue_page(queue: Queue, filters: QueueFilters, viewer, *, per_page: int = 25, now=None) -> QueuePage:
    now = now or utcnow()
    base = [Report.queue_id == queue.id, _visible(viewer)]
    if filters.kind:
        base.append(Report.kind == filters.kind)
    if filters.category:
        base.append(Report.category_id.in_(sa.select(Category.id).where(Category.code == filters.category)))
    if filters.area:
        base.append(Report.id.in_(report_ids_in_area(filters.area)))  # linked to it, or to one of its buurten
    if filters.period in PERIODS:
        base.append(Report.created_at >= now - timedelta(days=PERIODS[filters.period]))
    if filters.overdue:
        base.append(overdue_condition(now))
    counts = dict(
        db.session.execute(sa.select(Report.state, sa.func.count()).where(*base).group_by(Report.state)).all()
    )
    where = list(base)
    if filters.state == "open":
        where.append(Report.state.in_(OPEN_STATES))
    elif filters.state:
        where.append(Report.state == filters.state)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(*where))
    pages = max(1, -(-total // per_page))
    page = min(max(filters.page, 1), pages)
    items = list(
        db.session.scalars(
            sa.select(Report)
            .where(*where)
            .order_by(SORTS.get(filters.sort, SORTS["newest"]), Report.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return QueuePage(items, total, page, pages, counts)


def report_points(reports: list[Report]) -> list[tuple[int, LatLon]]:
    """(id, position) of the given reports, read by the database."""
    if not reports:
        return []
    rows = db.session.execute(
        sa.select(Report.id, sa.func.ST_Y(Report.location), sa.func.ST_X(Report.location)).where(
            Report.id.in_([r.id for r in reports])
        )
    )
    return [(rid, LatLon(lat, lon)) for rid, lat, lon in rows]


def lat_lon(report: Report) -> LatLon:
    [(_, position)] = report_points([report])
    return position


def nearby_reports(report: Report, viewer, *, now=None) -> list[tuple[Report, float]]:
    """Same kind, within 50 m, last 12 weeks: candidates for a duplicate."""
    now = now or utcnow()
    other = sa.orm.aliased(Report)
    distance = spatial.planar_distance(Report.location_rd, other.location_rd)
    rows = db.session.execute(
        sa.select(Report, distance)
        .join(other, other.id == report.id)
        .where(
            Report.id != report.id,
            Report.kind == report.kind,
            Report.created_at >= now - NEARBY_WINDOW,
            distance <= NEARBY_RADIUS_M,
            _visible(viewer),
            Report.queue_id.in_([q.id for q in readable_queues(viewer)]),
        )
        .order_by(distance)
        .limit(20)
    )
    return [(r, d) for r, d in rows]


def _field_base():
    # The SQL form of staff.roles.can_see_in_field_mode: change both together.
    return (
        sa.select(Report)
        .join(Queue)
        .where(
            Queue.is_field.is_(True),
            Report.state.in_(OPEN_STATES),
            Report.category_id.in_(sa.select(Category.id).where(Category.restricted.is_(False))),
        )
    )


def _nearest_first(stmt, position: LatLon | None, *, first=()):
    if position is None:
        return stmt.add_columns(sa.null()).order_by(*first, Report.created_at.desc())
    here = spatial.to_rd(spatial.point(position))
    return stmt.add_columns(spatial.planar_distance(Report.location_rd, here)).order_by(
        *first, spatial.NearestFirst(Report.location_rd, here)
    )


def open_field_reports_near(position: LatLon | None, *, limit: int = 30, now=None, not_assigned_to=None):
    """Open reports of the field queues: those with the safety flag on top, then live ones (last 2 hours), then
    the rest; each group nearest first, with the distance in metres. Without a position: newest first, distance
    None. `not_assigned_to`: leave out that officer's own reports (they have their own section)."""
    now = now or utcnow()
    base = _field_base()
    if not_assigned_to is not None:
        base = base.where(sa.or_(Report.assigned_to_id.is_(None), Report.assigned_to_id != not_assigned_to.id))
    live_since = now - LIVE_WINDOW
    safe = Report.safety_flag.is_(False)
    groups = (Report.safety_flag.is_(True), safe & (Report.created_at >= live_since),
              safe & (Report.created_at < live_since))  # fmt: skip
    results = []
    for group in groups:
        stmt = _nearest_first(base.where(group), position)
        results.extend(db.session.execute(stmt.limit(limit - len(results))).all())
        if len(results) >= limit:
            break
    return [(report, distance, report.created_at >= live_since) for report, distance in results]


def my_field_reports(officer, position: LatLon | None, *, now=None):
    """The open field reports this officer claimed: safety flag first, then nearest first."""
    live_since = (now or utcnow()) - LIVE_WINDOW
    stmt = _nearest_first(_field_base().where(Report.assigned_to_id == officer.id), position,
                          first=(Report.safety_flag.desc(),))  # fmt: skip
    return [(report, distance, report.created_at >= live_since) for report, distance in db.session.execute(stmt)]
