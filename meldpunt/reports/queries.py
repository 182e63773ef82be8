"""Reading reports for staff: queue listings with filters, nearby reports, the field list."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from meldpunt.db_types import id_from, utcnow
from meldpunt.events.models import report_ids_in_event
from meldpunt.extensions import db
from meldpunt.geo import LatLon, spatial
from meldpunt.geo.areas import report_ids_in_area
from meldpunt.geo.models import Area
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import AREA_LOCATION_METHODS, OPEN_STATES, STATES, Category, Queue, QueueCount, Report
from meldpunt.staff.roles import can_read_queue

PERIODS = {"7d": 7, "30d": 30, "90d": 90, "365d": 365}
# Each sort's keys and whether each runs descending; the last key is the id, so the order is total. A page link
# carries the key values of a row (keyset pagination), and a report's previous/next follow the same order.
SORT_KEYS = {
    "newest": ((Report.created_at, True), (Report.id, True)),
    "oldest": ((Report.created_at, False), (Report.id, False)),
    # Each state oldest first: the longest waiting on top, in the order of ix_report_queue_state.
    "state": ((Report.state, False), (Report.created_at, False), (Report.id, False)),
}
LIVE_WINDOW = timedelta(hours=2)
NEARBY_RADIUS_M = 50
NEARBY_WINDOW = timedelta(weeks=12)


# The filter keys a queue page reads from its query string (and a saved filter stores).
FILTER_KEYS = ("state", "kind", "category", "area", "event", "assignee", "safety", "period", "overdue", "sort")
# "Unassigned" in the assignee filter; any other value is a staff user's id.
UNASSIGNED = "geen"
# The state filter's value for every state; without a state the queue shows the open reports.
ALL_STATES = "alle"
# The queue map shows single reports up to this many; beyond it the database groups them into grid cells.
MAP_POINT_LIMIT = 2000
MAP_CELL_M = 250


@dataclass(frozen=True)
class QueuePosition:
    """A row's place in a sorted queue: the values of its sort keys (the id last). Page links carry it as text."""

    values: tuple

    def as_arg(self) -> str:
        return "~".join(v.isoformat() if isinstance(v, datetime) else str(v) for v in self.values)

    @classmethod
    def of(cls, report: Report, sort: str) -> "QueuePosition":
        return cls(tuple(getattr(report, column.key) for column, _descending in SORT_KEYS[sort]))

    @classmethod
    def parse(cls, text, sort: str) -> "QueuePosition | None":
        """From a query string (untrusted); None when it is not a position in this sort."""
        parts = (text or "").split("~")
        keys = SORT_KEYS[sort]
        if len(parts) != len(keys):
            return None
        values = tuple(_key_value(column, part) for (column, _descending), part in zip(keys, parts, strict=True))
        return None if None in values else cls(values)


def _key_value(column, text: str):
    if column is Report.id:
        return id_from(text)
    if column is Report.state:
        return text if text in STATES else None
    try:
        moment = datetime.fromisoformat(text)
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):  # not a moment, or one that leaves the calendar in UTC (year 1 or 9999)
        return None


@dataclass
class QueueFilters:
    state: str | None = None  # None: all states; "open": the open ones; else one state
    kind: str | None = None
    category: str | None = None
    area: int | None = None
    event: int | None = None  # made during this event (meldpunt/events)
    assignee: str | None = None  # UNASSIGNED or a user id (as text)
    safety: bool = False
    period: str | None = None
    overdue: bool = False
    sort: str = "newest"
    # Which page: the one after a row, the one before a row, the last one, or (none of these) the first.
    after: QueuePosition | None = None
    before: QueuePosition | None = None
    last: bool = False

    @classmethod
    def from_args(cls, args, *, kinds=()) -> "QueueFilters":
        """Filters from a query string (untrusted): unknown values are dropped. No state means the open reports,
        the view a desk starts from; "alle" means every state."""
        state = args.get("state") or "open"
        assignee = args.get("assignee") or None
        if assignee not in (None, UNASSIGNED) and id_from(assignee) is None:
            assignee = None
        sort = args.get("sort") if args.get("sort") in SORT_KEYS else "newest"
        return cls(
            state=None if state == ALL_STATES else state if state == "open" or state in STATES else "open",
            kind=args.get("kind") if args.get("kind") in kinds else None,
            category=args.get("category") or None,
            area=id_from(args.get("area")),
            event=id_from(args.get("event")),
            assignee=assignee,
            safety=args.get("safety") == "1",
            period=args.get("period") if args.get("period") in PERIODS else None,
            overdue=args.get("overdue") == "1",
            sort=sort,
            after=QueuePosition.parse(args.get("after"), sort),
            before=QueuePosition.parse(args.get("before"), sort),
            last=args.get("last") == "1",
        )

    def as_args(self) -> dict[str, str]:
        """The query string of these filters (without the page): what a back link or a saved filter keeps."""
        values = {
            "state": ALL_STATES if self.state is None else self.state,
            "kind": self.kind,
            "category": self.category,
            "area": str(self.area) if self.area else None,
            "event": str(self.event) if self.event else None,
            "assignee": self.assignee,
            "safety": "1" if self.safety else None,
            "period": self.period,
            "overdue": "1" if self.overdue else None,
            "sort": self.sort if self.sort != "newest" else None,
        }
        return {k: v for k, v in values.items() if v}


@dataclass
class StateCounts:
    """Reports per state, each counted up to a limit: `capped` holds the states with more than `limit`."""

    counts: dict[str, int]
    limit: int
    capped: set[str]

    def total(self, states) -> tuple[int, bool]:
        """The reports in these states (each capped one counted at the limit), and whether there are more."""
        return sum(self.counts.get(s, 0) for s in states), any(s in self.capped for s in states)


@dataclass
class QueuePage:
    items: list[Report]
    counts: StateCounts
    total: int
    more_than_total: bool  # there are more than `total` (a state's count reached its limit)
    has_previous: bool
    has_next: bool
    sort: str

    def first_position(self) -> str:
        return self._position(self.items[0])

    def last_position(self) -> str:
        return self._position(self.items[-1])

    def _position(self, report: Report) -> str:
        return QueuePosition.of(report, self.sort).as_arg()


def unrestricted() -> sa.ColumnElement:
    """Reports outside the restricted categories (DESIGN §6): the condition every view and count without access to
    restricted reports starts from."""
    return Report.category_id.in_(sa.select(Category.id).where(Category.restricted.is_(False)))


def with_spot() -> sa.ColumnElement:
    """Reports that name a spot: not a signal without one (kinds.Kind.has_spot), whose stored point only stands in
    for its wijk, dorp or the municipality. Every view that shows or counts reports as places starts from it: the
    queue map, nearby reports, the field list, hotspots, clusters, grids and the public cells. Asked of the kind, which
    decides it (submission stores such a kind's report with location_method 'gebied' or 'gemeente' only) and which
    the analysis indexes hold, so that the analysis still reads its figures from the index alone."""
    return Report.kind.not_in([kind.code for kind in KINDS.values() if not kind.has_spot])


def _visible(viewer) -> sa.ColumnElement:
    if viewer.sees_restricted:
        return sa.true()
    return unrestricted()


def visible_categories(viewer) -> list[Category]:
    """The categories this staff member may see, in the report form's order. Even the name of a restricted category
    stays with those who may see restricted reports."""
    categories = sa.select(Category).order_by(Category.kind, Category.position)
    if not viewer.sees_restricted:
        categories = categories.where(Category.restricted.is_(False))
    return list(db.session.scalars(categories))


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
    if filters.event:
        base.append(Report.id.in_(report_ids_in_event(filters.event)))
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


def _counted_by_table(filters: QueueFilters) -> bool:
    """Whether queue_count (per queue, category, kind and state) holds these filters' counts exactly."""
    return not (filters.area or filters.event or filters.assignee or filters.safety or filters.period
                or filters.overdue)  # fmt: skip


def state_counts(queue: Queue, filters: QueueFilters, viewer, *, limit: int, now=None) -> StateCounts:
    """Reports per state with the filters but the state's. Without filters, or with only a kind or a category,
    exactly, from queue_count (a few dozen rows, kept by the database's triggers on report). With any other filter
    each count is bounded: up to limit + 1 rows in one statement, each served by an index on (queue, state)."""
    if _counted_by_table(filters):
        return _table_counts(queue, filters, viewer, limit=limit)
    base = _conditions_but_state(queue, filters, viewer, now or utcnow())
    counted = [
        sa.select(sa.func.count())
        .select_from(sa.select(Report.id).where(*base, Report.state == state).limit(limit + 1).subquery())
        .scalar_subquery()
        for state in STATES
    ]
    row = db.session.execute(sa.select(*counted)).one()
    counts = {state: n for state, n in zip(STATES, row, strict=True) if n}
    capped = {state for state, n in counts.items() if n > limit}
    return StateCounts({s: min(n, limit) for s, n in counts.items()}, limit, capped)


def _table_counts(queue: Queue, filters: QueueFilters, viewer, *, limit: int) -> StateCounts:
    counted = sa.select(QueueCount.state, sa.func.sum(QueueCount.n)).where(QueueCount.queue_id == queue.id)
    if not viewer.sees_restricted:
        counted = counted.where(
            QueueCount.category_id.in_(sa.select(Category.id).where(Category.restricted.is_(False)))
        )
    if filters.kind:
        counted = counted.where(QueueCount.kind == filters.kind)
    if filters.category:
        counted = counted.where(
            QueueCount.category_id.in_(sa.select(Category.id).where(Category.code == filters.category))
        )
    counts = {state: int(n) for state, n in db.session.execute(counted.group_by(QueueCount.state)) if n}
    return StateCounts(counts, limit, set())


def _in_order(sort: str, *, reverse: bool = False) -> list:
    return [column.asc() if descending == reverse else column.desc() for column, descending in SORT_KEYS[sort]]


def _beyond(sort: str, position: QueuePosition, *, reverse: bool = False) -> sa.ColumnElement:
    """The rows that come after `position` in the sort (before it, with reverse): for keys k1..kn, k1 beyond, or
    k1 equal and k2 beyond, and so on. The first key's inclusive bound is redundant but lets an index start right
    there instead of filtering its way from the start."""
    keys = [(column, descending != reverse, value)
            for (column, descending), value in zip(SORT_KEYS[sort], position.values, strict=True)]  # fmt: skip
    either = []
    for i, (column, down, value) in enumerate(keys):
        equal = [c == v for c, _down, v in keys[:i]]
        either.append(sa.and_(*equal, column < value if down else column > value))
    first, down, value = keys[0]
    return sa.and_(first <= value if down else first >= value, sa.or_(*either))


def _rows(where: list, sort: str, *, after=None, reverse=False, limit: int) -> list[Report]:
    """A page's reports with what the list shows of their category, area and assignee, in one statement. The ids
    come first in a subquery: they are read from the queue's indexes alone where the filters allow (an index-only
    scan), and only the page's own rows are read from the table."""
    ids = sa.select(Report.id).where(*where)
    if after is not None:
        ids = ids.where(_beyond(sort, after, reverse=reverse))
    ids = ids.order_by(*_in_order(sort, reverse=reverse)).limit(limit)
    return list(
        db.session.scalars(
            sa.select(Report)
            .where(Report.id.in_(ids))
            .options(
                so.joinedload(Report.area).load_only(Area.name, Area.source),
                so.joinedload(Report.assigned_to),
                so.joinedload(Report.category),
            )
            .order_by(*_in_order(sort, reverse=reverse))
        ).unique()
    )


def _page_rows(where: list, sort: str, position, backwards: bool, per_page: int) -> tuple[list[Report], bool]:
    """A page's rows in the list's order, and whether more follow in the direction it was read."""
    rows = _rows(where, sort, after=position, reverse=backwards, limit=per_page + 1)
    more = len(rows) > per_page
    rows = rows[:per_page]
    return (rows[::-1] if backwards else rows), more


def _any_beyond(where: list, sort: str, position: QueuePosition, *, reverse: bool = False) -> bool:
    stmt = sa.select(Report.id).where(*where, _beyond(sort, position, reverse=reverse)).limit(1)
    return db.session.scalar(stmt) is not None


def queue_page(queue: Queue, filters: QueueFilters, viewer, *, per_page: int = 25, count_limit: int | None = None,
               now=None) -> QueuePage:  # fmt: skip
    """One page of the filtered queue and its counts per state, each bounded by count_limit (the setting
    QUEUE_COUNT_LIMIT). Keyset pagination: the page after or before a row (filters.after/before), the last page or
    the first, each one index read however deep."""
    now = now or utcnow()
    limit = count_limit or current_app.config["QUEUE_COUNT_LIMIT"]
    counts = state_counts(queue, filters, viewer, limit=limit, now=now)
    # The total follows from the counts per state: no second count over the table.
    shown = OPEN_STATES if filters.state == "open" else (filters.state,) if filters.state else STATES
    total, more_than_total = counts.total(shown)
    where = queue_conditions(queue, filters, viewer, now=now)
    sort = filters.sort if filters.sort in SORT_KEYS else "newest"
    backwards = filters.last or filters.before is not None
    position = None if filters.last else filters.before or filters.after
    rows, more = _page_rows(where, sort, position, backwards, per_page)
    # A link made before the list changed may point past either end: then the last page, or the first, full.
    if position is not None and not backwards and not rows:
        (rows, more), position, backwards = _page_rows(where, sort, None, True, per_page), None, True
    elif position is not None and backwards and len(rows) < per_page:
        (rows, more), position, backwards = _page_rows(where, sort, None, False, per_page), None, False
    if backwards:
        has_previous = more
        has_next = position is not None and _any_beyond(where, sort, QueuePosition.of(rows[-1], sort))
    else:
        has_next = more
        has_previous = position is not None and _any_beyond(where, sort, QueuePosition.of(rows[0], sort), reverse=True)
    return QueuePage(rows, counts, total, more_than_total, has_previous, has_next, sort)


def queue_neighbours(queue: Queue, filters: QueueFilters, viewer, report: Report) -> tuple[int | None, int | None]:
    """The previous and next report of the filtered list around this one (ids), in the list's order: the same
    keyset conditions as the pages, so it stays two small index reads however long the queue is."""
    sort = filters.sort if filters.sort in SORT_KEYS else "newest"
    where = queue_conditions(queue, filters, viewer)
    here = QueuePosition.of(report, sort)
    following = db.session.scalar(
        sa.select(Report.id).where(*where, _beyond(sort, here)).order_by(*_in_order(sort)).limit(1)
    )
    previous = db.session.scalar(
        sa.select(Report.id).where(*where, _beyond(sort, here, reverse=True))
        .order_by(*_in_order(sort, reverse=True)).limit(1)
    )  # fmt: skip
    return previous, following


def queue_map_data(queue: Queue, filters: QueueFilters, viewer, *, limit: int = MAP_POINT_LIMIT) -> dict:
    """Every report that matches the filters, for the queue map, as GeoJSON: single reports (with what the popup
    shows) up to `limit`; beyond it grid cells of MAP_CELL_M metres with their count and the mean position of
    their reports, so the answer stays bounded however many reports match."""
    where = [*queue_conditions(queue, filters, viewer), with_spot()]
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
    gx, gy = spatial.grid_cell(Report.rd_x, Report.rd_y, MAP_CELL_M)
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
    """Same kind, within 50 m, last 12 weeks: candidates for a duplicate (with the category and the original they
    were merged into, which the list shows, read in the same statement)."""
    now = now or utcnow()
    if report.location_method in AREA_LOCATION_METHODS:  # no spot, so nothing is near it
        return []
    other = sa.orm.aliased(Report)
    distance = spatial.planar_distance(Report.location_rd, other.location_rd)
    rows = db.session.execute(
        sa.select(Report, distance)
        .options(so.joinedload(Report.category), so.joinedload(Report.merged_into).load_only(Report.reference))
        .join(other, other.id == report.id)
        .where(
            Report.id != report.id,
            Report.kind == report.kind,
            Report.created_at >= now - NEARBY_WINDOW,
            with_spot(),
            distance <= NEARBY_RADIUS_M,
            _visible(viewer),
            Report.queue_id.in_([q.id for q in readable_queues(viewer)]),
        )
        .order_by(distance)
        .limit(20)
    )
    return [(r, d) for r, d in rows]


def merged_into(report: Report, viewer) -> list[Report]:
    """The reports merged into this one that the viewer may read, with their categories."""
    return list(
        db.session.scalars(
            sa.select(Report)
            .options(so.joinedload(Report.category))
            .where(Report.merged_into_id == report.id, _visible(viewer))
            .order_by(Report.id)
        )
    )


def _field_base(queue_code: str | None):
    # The SQL form of staff.roles.can_see_in_field_mode: change both together. What a card shows (category, area
    # name, who claimed it) comes in the same statement: the list is polled by every boa every 10 seconds.
    # `queue_code`: the field worker's team's queue (a boa never sees the straatcoaches' reports); None: every
    # field queue.
    team = (Queue.code == queue_code,) if queue_code is not None else ()
    return (
        sa.select(Report)
        .options(
            so.joinedload(Report.category),
            so.joinedload(Report.area).load_only(Area.name, Area.source),
            so.joinedload(Report.assigned_to),
        )
        .join(Queue)
        .where(
            Queue.is_field.is_(True),
            *team,
            Report.state.in_(OPEN_STATES),
            unrestricted(),
            with_spot(),
        )
    )


def _nearest_first(stmt, position: LatLon | None, *, first=()):
    if position is None:
        return stmt.add_columns(sa.null()).order_by(*first, Report.created_at.desc())
    here = spatial.to_rd(spatial.point(position))
    return stmt.add_columns(spatial.planar_distance(Report.location_rd, here)).order_by(
        *first, spatial.NearestFirst(Report.location_rd, here)
    )


def open_field_reports_near(
    position: LatLon | None, *, limit: int = 30, now=None, not_assigned_to=None, queue_code: str | None = None
):
    """Open reports of the field queues: those with the safety flag on top, then live ones (last 2 hours), then
    the rest; each group nearest first, with the distance in metres. Without a position: newest first, distance
    None. `not_assigned_to`: leave out that officer's own reports (they have their own section), and put the
    reports in the areas where they are the vaste boa right after the safety reports. `queue_code`: one team's
    queue only."""
    now = now or utcnow()
    base = _field_base(queue_code)
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


def my_field_reports(officer, position: LatLon | None, *, now=None, queue_code: str | None = None):
    """The open field reports this officer claimed (in their team's queue): safety flag first, then nearest first."""
    live_since = (now or utcnow()) - LIVE_WINDOW
    stmt = _nearest_first(_field_base(queue_code).where(Report.assigned_to_id == officer.id), position,
                          first=(Report.safety_flag.desc(),))  # fmt: skip
    return [(report, distance, report.created_at >= live_since) for report, distance in db.session.execute(stmt)]
