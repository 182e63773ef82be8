"""Reading reports for staff: queue listings with filters, nearby reports, the field list."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from meldpunt.db_types import id_from, utcnow
from meldpunt.extensions import db
from meldpunt.geo import LatLon, spatial
from meldpunt.geo.areas import report_ids_in_area
from meldpunt.reports.models import OPEN_STATES, STATES, Category, Queue, Report
from meldpunt.staff.roles import can_read_queue

PERIODS = {"7d": 7, "30d": 30, "90d": 90, "365d": 365}
SORTS = {
    "newest": Report.created_at.desc(),
    "oldest": Report.created_at.asc(),
    "state": Report.state.asc(),
}
# The column and direction of each sort, for stepping to the previous or next report.
SORT_KEYS = {
    "newest": (Report.created_at, True),
    "oldest": (Report.created_at, False),
    "state": (Report.state, False),
}
LIVE_WINDOW = timedelta(hours=2)
NEARBY_RADIUS_M = 50
NEARBY_WINDOW = timedelta(weeks=12)


# The filter keys a queue page reads from its query string (and a saved filter stores).
FILTER_KEYS = ("state", "kind", "category", "area", "assignee", "safety", "period", "overdue", "sort")
# "Unassigned" in the assignee filter; any other value is a staff user's id.
UNASSIGNED = "geen"
# The state filter's value for every state; without a state the queue shows the open reports.
ALL_STATES = "alle"
# The queue map shows single reports up to this many; beyond it the database groups them into grid cells.
MAP_POINT_LIMIT = 2000
MAP_CELL_M = 250


@dataclass
class QueueFilters:
    state: str | None = None  # None: all states; "open": the open ones; else one state
    kind: str | None = None
    category: str | None = None
    area: int | None = None
    assignee: str | None = None  # UNASSIGNED or a user id (as text)
    safety: bool = False
    period: str | None = None
    overdue: bool = False
    sort: str = "newest"
    page: int = 1

    @classmethod
    def from_args(cls, args, *, kinds=()) -> "QueueFilters":
        """Filters from a query string (untrusted): unknown values are dropped. No state means the open reports,
        the view a desk starts from; "alle" means every state."""
        state = args.get("state") or "open"
        assignee = args.get("assignee") or None
        if assignee not in (None, UNASSIGNED) and id_from(assignee) is None:
            assignee = None
        try:
            page = int(args.get("page", 1))
        except (TypeError, ValueError):
            page = 1
        return cls(
            state=None if state == ALL_STATES else state if state == "open" or state in STATES else "open",
            kind=args.get("kind") if args.get("kind") in kinds else None,
            category=args.get("category") or None,
            area=id_from(args.get("area")),
            assignee=assignee,
            safety=args.get("safety") == "1",
            period=args.get("period") if args.get("period") in PERIODS else None,
            overdue=args.get("overdue") == "1",
            sort=args.get("sort") if args.get("sort") in SORTS else "newest",
            page=page,
        )

    def as_args(self) -> dict[str, str]:
        """The query string of these filters (without the page): what a back link or a saved filter keeps."""
        values = {
            "state": ALL_STATES if self.state is None else self.state,
            "kind": self.kind,
            "category": self.category,
            "area": str(self.area) if self.area else None,
            "assignee": self.assignee,
            "safety": "1" if self.safety else None,
            "period": self.period,
            "overdue": "1" if self.overdue else None,
            "sort": self.sort if self.sort != "newest" else None,
        }
        return {k: v for k, v in values.items() if v}


@dataclass
class QueuePage:
    items: list[Report]
    total: int
    page: int
    pages: int
    counts: dict[str, int]


def unrestricted() -> sa.ColumnElement:
    """Reports outside the restricted categories (DESIGN §6): the condition every view and count without access to
    restricted reports starts from."""
    return Report.category_id.in_(sa.select(Category.id).where(Category.restricted.is_(False)))


def _visible(viewer) -> sa.ColumnElement:
    if viewer.sees_restricted:
        return sa.true()
    return unrestricted()


def readable_queues(viewer) -> list[Queue]:
    """The queues this staff member may read, policy queues first."""
    queues = db.session.scalars(sa.select(Queue).order_by(Queue.is_field, Queue.id))
    return [q for q in queues if can_read_queue(viewer.role_set, q)]


def overdue_condition(now: datetime) -> sa.ColumnElement:
    """Open and past the end of its handling term (Report.due_at, in working days; indexed). The Python form is
    Report.is_overdue: change both together."""
    return sa.and_(Report.state.in_(OPEN_STATES), Report.due_at < now)


def _conditions_but_state(queue: Queue, filters: QueueFilters, viewer, now: datetime) -> list:
    base = [Report.queue_id == queue.id, _visible(viewer)]
    if filters.kind:
        base.append(Report.kind == filters.kind)
    if filters.category:
        base.append(Report.category_id.in_(sa.select(Category.id).where(Category.code == filters.category)))
    if filters.area:
        base.append(Report.id.in_(report_ids_in_area(filters.area)))  # linked to it, or to one of its buurten
    if filters.assignee == UNASSIGNED:
        base.append(Report.assigned_to_id.is_(None))
    elif filters.assignee:
        base.append(Report.assigned_to_id == int(filters.assignee))
    if filters.safety:
        base.append(Report.safety_flag.is_(True))
    if filters.period in PERIODS:
        base.append(Report.created_at >= now - timedelta(days=PERIODS[filters.period]))
    if filters.overdue:
        base.append(overdue_condition(now))
    return base


def _state_condition(filters: QueueFilters) -> list:
    if filters.state == "open":
        return [Report.state.in_(OPEN_STATES)]
    if filters.state:
        return [Report.state == filters.state]
    return []


def queue_conditions(queue: Queue, filters: QueueFilters, viewer, *, now=None) -> list:
    """The SQL conditions of a queue with its filters: the list, its map and its neighbours use the same."""
    return _conditions_but_state(queue, filters, viewer, now or utcnow()) + _state_condition(filters)


def queue_page(queue: Queue, filters: QueueFilters, viewer, *, per_page: int = 25, now=None) -> QueuePage:
    now = now or utcnow()
    base = _conditions_but_state(queue, filters, viewer, now)
    counts = dict(
        db.session.execute(sa.select(Report.state, sa.func.count()).where(*base).group_by(Report.state)).all()
    )
    # The total follows from the counts per state: no second count over the table.
    if filters.state == "open":
        total = sum(n for state, n in counts.items() if state in OPEN_STATES)
    elif filters.state:
        total = counts.get(filters.state, 0)
    else:
        total = sum(counts.values())
    where = base + _state_condition(filters)
    pages = max(1, -(-total // per_page))
    page = min(max(filters.page, 1), pages)
    items = list(
        db.session.scalars(
            sa.select(Report)
            .where(*where)
            .options(
                so.selectinload(Report.area),
                so.selectinload(Report.assigned_to),
                so.selectinload(Report.category),
                so.selectinload(Report.merged_into),
            )  # fmt: skip
            .order_by(SORTS.get(filters.sort, SORTS["newest"]), Report.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return QueuePage(items, total, page, pages, counts)


def queue_neighbours(queue: Queue, filters: QueueFilters, viewer, report: Report) -> tuple[int | None, int | None]:
    """The previous and next report of the filtered list around this one (ids), in the list's order: keyset
    conditions on the sort column and the id, so it stays two small index reads however long the queue is."""
    column, descending = SORT_KEYS.get(filters.sort, SORT_KEYS["newest"])
    where = queue_conditions(queue, filters, viewer)
    value = getattr(report, column.key)
    after = sa.or_(column < value if descending else column > value, sa.and_(column == value, Report.id < report.id))
    before = sa.or_(column > value if descending else column < value, sa.and_(column == value, Report.id > report.id))
    following = db.session.scalar(
        sa.select(Report.id).where(*where, after)
        .order_by(column.desc() if descending else column.asc(), Report.id.desc()).limit(1)
    )  # fmt: skip
    previous = db.session.scalar(
        sa.select(Report.id).where(*where, before)
        .order_by(column.asc() if descending else column.desc(), Report.id.asc()).limit(1)
    )  # fmt: skip
    return previous, following


def queue_map_data(queue: Queue, filters: QueueFilters, viewer, *, limit: int = MAP_POINT_LIMIT) -> dict:
    """Every report that matches the filters, for the queue map, as GeoJSON: single reports (with what the popup
    shows) up to `limit`; beyond it grid cells of MAP_CELL_M metres with their count and the mean position of
    their reports, so the answer stays bounded however many reports match."""
    where = queue_conditions(queue, filters, viewer)
    rows = db.session.execute(
        sa.select(Report.id, Report.reference, Report.category_id, Report.state, Report.created_at,
                  Report.merged_into_id, sa.func.ST_Y(Report.location), sa.func.ST_X(Report.location))
        .where(*where)
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(limit + 1)
    ).all()  # fmt: skip
    if len(rows) <= limit:
        features = [
            _point_feature(
                lat,
                lon,
                id=rid,
                reference=ref,
                category_id=cat,
                state=state,
                created_at=created,
                merged=merged is not None,
            )  # fmt: skip
            for rid, ref, cat, state, created, merged, lat, lon in rows
        ]
        return {"type": "FeatureCollection", "features": features, "grouped": False}
    gx, gy = spatial.grid_cell(Report.location_rd, MAP_CELL_M)
    cells = db.session.execute(
        sa.select(sa.func.count(), sa.func.avg(sa.func.ST_Y(Report.location)),
                  sa.func.avg(sa.func.ST_X(Report.location)))
        .where(*where)
        .group_by(gx, gy)
    ).all()  # fmt: skip
    features = [_point_feature(lat, lon, count=int(n)) for n, lat, lon in cells]
    return {"type": "FeatureCollection", "features": features, "grouped": True}


def _point_feature(lat: float, lon: float, **properties) -> dict:
    # GeoJSON order: [lon, lat].
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}


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


def merged_into(report: Report, viewer) -> list[Report]:
    """The reports merged into this one that the viewer may read."""
    return list(
        db.session.scalars(
            sa.select(Report).where(Report.merged_into_id == report.id, _visible(viewer)).order_by(Report.id)
        )
    )


def _field_base():
    # The SQL form of staff.roles.can_see_in_field_mode: change both together.
    return (
        sa.select(Report)
        .join(Queue)
        .where(
            Queue.is_field.is_(True),
            Report.state.in_(OPEN_STATES),
            unrestricted(),
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
    None. `not_assigned_to`: leave out that officer's own reports (they have their own section), and put the
    reports in the areas where they are the vaste boa right after the safety reports."""
    now = now or utcnow()
    base = _field_base()
    if not_assigned_to is not None:
        base = base.where(sa.or_(Report.assigned_to_id.is_(None), Report.assigned_to_id != not_assigned_to.id))
    live_since = now - LIVE_WINDOW
    safe = Report.safety_flag.is_(False)
    groups = (Report.safety_flag.is_(True), safe & (Report.created_at >= live_since),
              safe & (Report.created_at < live_since))  # fmt: skip
    if not_assigned_to is not None:
        # The officer's own wijken and dorpen (vaste boa) come right after the safety reports.
        from meldpunt.staff.vaste_boa import reports_in_areas_of

        own_area = Report.id.in_(reports_in_areas_of(not_assigned_to))
        groups = (groups[0], safe & own_area, *(g & ~own_area for g in groups[1:]))
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
