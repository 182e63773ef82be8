"""SQL building blocks that work on both SpatiaLite and PostGIS. Where the two differ, the difference is
compiled here per dialect and nowhere else."""

import math
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from meldpunt.geo import RD_NEW, WGS84, LatLon


def point(position: LatLon):
    """A WGS84 point as SQL. LatLon has checked the numbers, so they can be written into the WKT."""
    return sa.func.ST_GeomFromText(f"POINT({position.lon!r} {position.lat!r})", WGS84)


def to_rd(geometry):
    return sa.func.ST_Transform(geometry, RD_NEW)


def multipolygon_from_geojson(geojson_text: str, srid: int = WGS84):
    return sa.func.ST_Multi(GeomFromGeoJSON(geojson_text, srid))


class GeomFromGeoJSON(GenericFunction):
    """ST_GeomFromGeoJSON with an explicit SRID (SpatiaLite: GeomFromGeoJSON, which has no SRID argument)."""

    inherit_cache = True
    name = "geom_from_geojson"

    def __init__(self, text, srid):
        super().__init__(text, sa.literal(srid))


@compiles(GeomFromGeoJSON, "postgresql")
def _pg_geom_from_geojson(element, compiler, **kw):
    text, srid = list(element.clauses)
    return f"ST_SetSRID(ST_GeomFromGeoJSON({compiler.process(text, **kw)}), {compiler.process(srid, **kw)})"


@compiles(GeomFromGeoJSON, "sqlite")
def _sqlite_geom_from_geojson(element, compiler, **kw):
    text, srid = list(element.clauses)
    return f"SetSRID(GeomFromGeoJSON({compiler.process(text, **kw)}), {compiler.process(srid, **kw)})"


def planar_distance(a, b):
    """Distance in the unit of the geometries' SRID: metres for RD New columns."""
    return sa.func.ST_Distance(a, b)


class NearestFirst(GenericFunction):
    """An ORDER BY expression for nearest-first: PostGIS's index-assisted KNN operator `<->`, SpatiaLite's
    ST_Distance (SpatiaLite's KNN2 table cannot be combined with other filters)."""

    inherit_cache = True
    name = "nearest_first"

    def __init__(self, column, target):
        super().__init__(column, target)


@compiles(NearestFirst, "postgresql")
def _pg_nearest_first(element, compiler, **kw):
    column, target = list(element.clauses)
    return f"({compiler.process(column, **kw)} <-> {compiler.process(target, **kw)})"


@compiles(NearestFirst, "sqlite")
def _sqlite_nearest_first(element, compiler, **kw):
    column, target = list(element.clauses)
    return f"ST_Distance({compiler.process(column, **kw)}, {compiler.process(target, **kw)})"


class MakePoint(GenericFunction):
    """A point from x, y and an SRID."""

    inherit_cache = True
    name = "make_point_srid"

    def __init__(self, x, y, srid):
        super().__init__(x, y, sa.literal(srid))


@compiles(MakePoint, "postgresql")
def _pg_make_point(element, compiler, **kw):
    x, y, srid = (compiler.process(c, **kw) for c in element.clauses)
    return f"ST_SetSRID(ST_MakePoint({x}, {y}), {srid})"


@compiles(MakePoint, "sqlite")
def _sqlite_make_point(element, compiler, **kw):
    x, y, srid = (compiler.process(c, **kw) for c in element.clauses)
    return f"MakePoint({x}, {y}, {srid})"


class FloorPositive(GenericFunction):
    """floor() of a non-negative number (RD coordinates in the Netherlands are positive). PostgreSQL's CAST to
    integer rounds, SQLite's truncates, and SQLite may lack floor(): each gets what floors there."""

    inherit_cache = True
    name = "floor_positive"


@compiles(FloorPositive, "postgresql")
def _pg_floor(element, compiler, **kw):
    return f"floor({compiler.process(element.clauses, **kw)})"


@compiles(FloorPositive, "sqlite")
def _sqlite_floor(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS INTEGER)"


# The square grid of RD New every count per cell uses (hotspots, unsafe spots, exports, the public map, coarsened
# locations): cell (gx, gy) of size cell_m covers x from gx * cell_m up to (gx + 1) * cell_m, and so on.


def grid_cell(rd_point, cell_m: float) -> tuple:
    """The column and row (gx, gy) of the `cell_m` cell the RD point lies in."""
    return (
        FloorPositive(sa.func.ST_X(rd_point) / float(cell_m)),
        FloorPositive(sa.func.ST_Y(rd_point) / float(cell_m)),
    )


def cell_centre_xy(gx, gy, cell_m: float) -> tuple:
    """The RD x and y of the centre of cell (gx, gy)."""
    return gx * cell_m + cell_m / 2, gy * cell_m + cell_m / 2


def cell_centre(gx, gy, cell_m: float):
    """The centre of cell (gx, gy) as an RD point."""
    return MakePoint(*cell_centre_xy(gx, gy, cell_m), RD_NEW)


def cell_square(gx, gy, cell_m: float):
    """Cell (gx, gy) as an RD square."""
    return Envelope(gx * cell_m, gy * cell_m, gx * cell_m + cell_m, gy * cell_m + cell_m, RD_NEW)


def snapped_to_grid(rd_point, cell_m: int):
    """The centre of the `cell_m` grid cell (in RD New) the point lies in."""
    return cell_centre(*grid_cell(rd_point, cell_m), cell_m)


class Envelope(GenericFunction):
    """A rectangle from xmin, ymin, xmax, ymax and an SRID (SpatiaLite: BuildMbr; it has no ST_MakeEnvelope)."""

    inherit_cache = True
    name = "envelope_srid"

    def __init__(self, xmin, ymin, xmax, ymax, srid):
        super().__init__(xmin, ymin, xmax, ymax, sa.literal(srid))


@compiles(Envelope, "postgresql")
def _pg_envelope(element, compiler, **kw):
    return f"ST_MakeEnvelope({', '.join(compiler.process(c, **kw) for c in element.clauses)})"


@compiles(Envelope, "sqlite")
def _sqlite_envelope(element, compiler, **kw):
    return f"BuildMbr({', '.join(compiler.process(c, **kw) for c in element.clauses)})"


# Joins of half a million points with a few hundred cells: the planner cannot estimate the CTEs and sorts both sides
# to merge them, where hash joins in memory are faster; the year's points (~60 MB at 500,000) and the cells'
# aggregation fit in 128 MB, where 64 MB sent them to disk and sorted them (3.5 s against 4.8 s at a million
# reports); and compiling the statement (JIT) takes seconds on a small server, more than it saves. Set for the
# clustering statement only and put back after it.
_POSTGIS_DBSCAN_SETTINGS = {"enable_mergejoin": "off", "work_mem": "128MB", "jit": "off"}


@contextmanager
def dbscan_parts(session, points, eps_m: float, min_points: int):
    """DBSCAN over RD points, as the parts of each cluster: a FROM clause of (cid, n, g, first, last, sx, sy) — n
    points of cluster cid, their geometry (a point, or the convex hull of many), their earliest and latest
    `moment`, and the sums of their x and y — for the caller to add up per cid, within the `with` block. Noise is
    left out. `points` has the columns id, location_rd (metres) and moment. What the clustering needs of the
    connection (PostgreSQL settings, SQLite's temporary table) holds within the block only.

    The clusters are ST_ClusterDBSCAN's: a core point has at least min_points points within eps (itself
    included); clusters are core points connected through core points, plus the other points within eps of one
    of them. SpatiaLite has no DBSCAN: the database finds every pair of points within eps (through the R*Tree)
    and each point gets its label. PostGIS uses a grid (_postgis_grid_parts), so that a dense hotspot is handled
    per cell rather than per pair of points."""
    if session.get_bind().dialect.name == "postgresql":
        names = list(_POSTGIS_DBSCAN_SETTINGS)
        before = session.execute(sa.select(*(sa.func.current_setting(name) for name in names))).one()
        for name, value in _POSTGIS_DBSCAN_SETTINGS.items():
            session.execute(sa.select(sa.func.set_config(name, value, True)))
        try:
            yield _postgis_grid_parts(points, eps_m, min_points)
        finally:
            for name, value in zip(names, before, strict=True):
                session.execute(sa.select(sa.func.set_config(name, value, True)))
        return
    labels = _dbscan_by_pairs(_sqlite_pairs_within(session, points, eps_m), min_points)
    # The labels go back into the database (a temporary table of this connection) for the caller's SQL.
    session.execute(sa.text("DROP TABLE IF EXISTS temp.dbscan_labels"))
    session.execute(sa.text("CREATE TEMP TABLE dbscan_labels (id INTEGER PRIMARY KEY, cid INTEGER)"))
    table = sa.table("dbscan_labels", sa.column("id", sa.Integer), sa.column("cid", sa.Integer), schema="temp")
    if labels:
        session.execute(sa.insert(table), [{"id": i, "cid": c} for i, c in labels.items()])
    try:
        yield (
            sa.select(
                table.c.cid,
                sa.literal(1).label("n"),
                points.c.location_rd.label("g"),
                points.c.moment.label("first"),
                points.c.moment.label("last"),
                sa.func.ST_X(points.c.location_rd).label("sx"),
                sa.func.ST_Y(points.c.location_rd).label("sy"),
            )
            .join(points, points.c.id == table.c.id)
            .where(table.c.cid.is_not(None))
            .subquery("dbscan_parts")
        )
    finally:
        session.execute(sa.text("DROP TABLE IF EXISTS temp.dbscan_labels"))


def _postgis_grid_parts(points, eps_m: float, min_points: int):
    """DBSCAN with the clusters of ST_ClusterDBSCAN(location_rd, eps, min_points), fast on dense data.

    ST_ClusterDBSCAN looks at every pair of points within eps: at a hotspot with half a million reports in a year
    that is tens of billions of pairs. Here the points are put in a grid of cells of eps/√2, so that any two
    points in one cell are within eps:
    - a cell with at least min_points points ("dense") holds core points only, all in one cluster: it is handled
      as a whole (its count, hull, times and sums); in the other cells each point counts its neighbours within
      eps in the 5 x 5 cells around it (eps spans two cells);
    - clusters are the groups of cells whose core points come within eps of each other. First through a few
      points per dense cell (the corners of its hull), which joins a hotspot's cells for certain; then cells in
      reach of each other that are still in different groups are compared point by point (ST_DWithin of their
      core points), and the groups they join are merged;
    - a point that is not core joins the cluster of the nearest core point within eps (ST_ClusterDBSCAN gives
      such a point, when two clusters reach it, to either of them)."""
    from sqlalchemy.dialects.postgresql import distinct_on

    cell_m = eps_m / math.sqrt(2)
    reach = math.ceil(eps_m / cell_m)

    def in_cell(column):
        return sa.cast(sa.func.floor(column / cell_m), sa.Integer)

    def materialized(select, name):
        return select.cte(name).prefix_with("MATERIALIZED")

    xy = sa.select(
        points.c.id,
        points.c.location_rd.label("g"),
        points.c.moment,
        sa.func.ST_X(points.c.location_rd).label("x"),
        sa.func.ST_Y(points.c.location_rd).label("y"),
    ).subquery("xy")
    pts = materialized(sa.select(xy, in_cell(xy.c.x).label("cx"), in_cell(xy.c.y).label("cy")), "grid_points")
    cells = materialized(
        sa.select(
            pts.c.cx,
            pts.c.cy,
            sa.func.count().label("n"),
            sa.func.ST_ConvexHull(sa.func.ST_Collect(pts.c.g)).label("hull"),
            sa.func.min(pts.c.moment).label("first"),
            sa.func.max(pts.c.moment).label("last"),
            sa.func.sum(pts.c.x).label("sx"),
            sa.func.sum(pts.c.y).label("sy"),
        ).group_by(pts.c.cx, pts.c.cy),
        "grid_cells",
    )
    dense = cells.c.n >= min_points
    sparse_pts = materialized(
        sa.select(pts).join(cells, sa.and_(cells.c.cx == pts.c.cx, cells.c.cy == pts.c.cy, ~dense)),
        "grid_sparse_points",
    )
    around = sa.values(sa.column("dx", sa.Integer), sa.column("dy", sa.Integer), name="around").data(
        [(dx, dy) for dx in range(-reach, reach + 1) for dy in range(-reach, reach + 1)]
    )
    # Each point of a sparse cell with every cell in reach around it.
    near = materialized(
        sa.select(
            sparse_pts,
            (sparse_pts.c.cx + around.c.dx).label("ncx"),
            (sparse_pts.c.cy + around.c.dy).label("ncy"),
        ).join(around, sa.true()),
        "grid_sparse_near",
    )
    # The points those sparse points may have as neighbours: the points of the cells in their reach (few, next to
    # the whole year's points; the planner, which cannot estimate these CTEs, would otherwise hash every point).
    near_cells = sa.select(near.c.ncx, near.c.ncy).distinct().subquery("grid_near_cells")
    near_pts = materialized(
        sa.select(pts).join(near_cells, sa.and_(pts.c.cx == near_cells.c.ncx, pts.c.cy == near_cells.c.ncy)),
        "grid_near_points",
    )
    q = near_pts.alias("q")
    sparse_core_ids = (
        sa.select(near.c.id)
        .join(q, sa.and_(q.c.cx == near.c.ncx, q.c.cy == near.c.ncy))
        .where(sa.func.ST_DWithin(near.c.g, q.c.g, eps_m))
        .group_by(near.c.id)
        .having(sa.func.count() >= min_points)
    )
    sparse_core = materialized(sa.select(sparse_pts).where(sparse_pts.c.id.in_(sparse_core_ids)), "grid_sparse_core")
    # The cells with core points, each with a few of them to join cells for certain (dense: the hull's corners;
    # sparse: its core points, which are few).
    core_cells = materialized(
        sa.union_all(
            sa.select(
                cells.c.cx, cells.c.cy, sa.true().label("dense"), sa.func.ST_Points(cells.c.hull).label("g")
            ).where(dense),
            sa.select(
                sparse_core.c.cx, sparse_core.c.cy, sa.false().label("dense"), sa.func.ST_Collect(sparse_core.c.g)
            ).group_by(sparse_core.c.cx, sparse_core.c.cy),
        ),
        "grid_core_cells",
    )
    first = materialized(
        sa.select(
            core_cells.c.cx,
            core_cells.c.cy,
            core_cells.c.dense,
            core_cells.c.g,
            sa.func.ST_ClusterDBSCAN(core_cells.c.g, eps_m, 1).over().label("grp"),
        ),
        "grid_first_groups",
    )
    a, b = first.alias("a"), first.alias("b")
    undecided = materialized(
        sa.select(a.c.cx, a.c.cy, a.c.dense, a.c.grp, b.c.cx.label("bx"), b.c.cy.label("by"), b.c.grp.label("other"))
        .join(
            b, sa.and_(b.c.cx.between(a.c.cx - reach, a.c.cx + reach), b.c.cy.between(a.c.cy - reach, a.c.cy + reach))
        )
        .where(a.c.grp != b.c.grp),
        "grid_undecided",
    )
    # All core points of the cells in undecided pairs: every point of a dense cell, the core points of others.
    wanted = sa.select(undecided.c.cx, undecided.c.cy).union(sa.select(undecided.c.bx, undecided.c.by)).subquery()
    full = materialized(
        sa.union_all(
            sa.select(pts.c.cx, pts.c.cy, sa.func.ST_Collect(pts.c.g).label("g"))
            .join(wanted, sa.and_(wanted.c.cx == pts.c.cx, wanted.c.cy == pts.c.cy))
            .join(cells, sa.and_(cells.c.cx == pts.c.cx, cells.c.cy == pts.c.cy, dense))
            .group_by(pts.c.cx, pts.c.cy),
            sa.select(first.c.cx, first.c.cy, first.c.g).where(~first.c.dense),
        ),
        "grid_full",
    )
    fa, fb = full.alias("fa"), full.alias("fb")
    joined = (
        sa.select(undecided.c.grp, undecided.c.other)
        .join(fa, sa.and_(fa.c.cx == undecided.c.cx, fa.c.cy == undecided.c.cy))
        .join(fb, sa.and_(fb.c.cx == undecided.c.bx, fb.c.cy == undecided.c.by))
        .where(sa.func.ST_DWithin(fa.c.g, fb.c.g, eps_m))
        .distinct()
        .cte("grid_joined")
    )
    # Groups merged through those joins (a small graph): every group reaches the groups it is joined to.
    reach_cte = sa.select(first.c.grp, first.c.grp.label("other")).distinct().cte("grid_reach", recursive=True)
    reach_cte = reach_cte.union(
        sa.select(reach_cte.c.grp, joined.c.other).join(joined, joined.c.grp == reach_cte.c.other)
    )
    merged = (
        sa.select(reach_cte.c.grp, sa.func.min(reach_cte.c.other).label("cid"))
        .group_by(reach_cte.c.grp)
        .subquery("grid_merged")
    )
    cell_cluster = materialized(
        sa.select(first.c.cx, first.c.cy, merged.c.cid).join(merged, merged.c.grp == first.c.grp),
        "grid_cell_cluster",
    )

    def one_point(cid, point):
        return (cid, sa.literal(1).label("n"), point.c.g, point.c.moment.label("first"),
                point.c.moment.label("last"), point.c.x.label("sx"), point.c.y.label("sy"))  # fmt: skip

    dense_parts = sa.select(
        cell_cluster.c.cid, cells.c.n, cells.c.hull.label("g"), cells.c.first, cells.c.last, cells.c.sx, cells.c.sy
    ).join(cell_cluster, sa.and_(cell_cluster.c.cx == cells.c.cx, cell_cluster.c.cy == cells.c.cy, dense))
    core_point_parts = sa.select(*one_point(cell_cluster.c.cid, sparse_core)).join(
        cell_cluster, sa.and_(cell_cluster.c.cx == sparse_core.c.cx, cell_cluster.c.cy == sparse_core.c.cy)
    )
    # Border points: the other points of sparse cells, each with the nearest core point within eps.
    k, kc = near_pts.alias("k"), cell_cluster.alias("kc")
    k_cell = cells.alias("k_cell")
    border = (
        sa.select(near.c.id, near.c.g, near.c.moment, near.c.x, near.c.y, kc.c.cid)
        .join(k, sa.and_(k.c.cx == near.c.ncx, k.c.cy == near.c.ncy))
        .join(k_cell, sa.and_(k_cell.c.cx == k.c.cx, k_cell.c.cy == k.c.cy))
        .join(kc, sa.and_(kc.c.cx == k.c.cx, kc.c.cy == k.c.cy))
        .where(
            near.c.id.not_in(sa.select(sparse_core.c.id)),
            sa.or_(k_cell.c.n >= min_points, k.c.id.in_(sa.select(sparse_core.c.id))),
            sa.func.ST_DWithin(near.c.g, k.c.g, eps_m),
        )
        .order_by(near.c.id, sa.func.ST_Distance(near.c.g, k.c.g), k.c.id)
        .ext(distinct_on(near.c.id))
        .subquery("grid_border")
    )
    border_parts = sa.select(*one_point(border.c.cid, border))
    return sa.union_all(dense_parts, core_point_parts, border_parts).subquery("dbscan_parts")


# Every pair of the staged points within eps of each other (each point pairs with itself), found through a join on
# the R*Tree of report.location_rd itself (see join_points_in_boxes: `ROWID IN (SELECT ... FROM SpatialIndex)`
# would leave a statement open in SpatiaLite 5.0).
_SQLITE_PAIRS = """
SELECT p.id, r.id
FROM temp.dbscan_ids AS p
JOIN report AS pr ON pr.id = p.id
JOIN idx_report_location_rd AS box
  ON box.xmin <= ST_X(pr.location_rd) + :eps AND box.xmax >= ST_X(pr.location_rd) - :eps
 AND box.ymin <= ST_Y(pr.location_rd) + :eps AND box.ymax >= ST_Y(pr.location_rd) - :eps
JOIN report AS r ON r.rowid = box.pkid
WHERE r.id IN (SELECT id FROM temp.dbscan_ids) AND ST_Distance(pr.location_rd, r.location_rd) <= :eps
"""


def _sqlite_pairs_within(session, points, eps_m: float) -> dict[int, set[int]]:
    session.execute(sa.text("DROP TABLE IF EXISTS temp.dbscan_ids"))
    session.execute(sa.text("CREATE TEMP TABLE dbscan_ids (id INTEGER PRIMARY KEY)"))
    staged = sa.table("dbscan_ids", sa.column("id"), schema="temp")
    session.execute(sa.insert(staged).from_select(["id"], sa.select(points.c.id)))
    neighbours: dict[int, set[int]] = {}
    for a, b in session.execute(sa.text(_SQLITE_PAIRS), {"eps": float(eps_m)}):
        neighbours.setdefault(a, set()).add(b)
    session.execute(sa.text("DROP TABLE temp.dbscan_ids"))
    return neighbours


def _dbscan_by_pairs(neighbours: dict[int, set[int]], min_points: int) -> dict[int, int | None]:
    """Labels from each point's neighbours within eps (itself included)."""
    core = {p for p, near in neighbours.items() if len(near) >= min_points}
    labels: dict[int, int | None] = dict.fromkeys(neighbours)
    cluster = -1
    for start in sorted(core):
        if labels[start] is not None:
            continue
        cluster += 1
        labels[start] = cluster
        stack = [start]
        while stack:
            point = stack.pop()
            for other in neighbours[point]:
                if labels[other] is None:
                    labels[other] = cluster
                    if other in core:
                        stack.append(other)
    return labels


class WithinMetres(GenericFunction):
    """Two RD New geometries at most `metres` apart (PostGIS: ST_DWithin, which uses the spatial index)."""

    inherit_cache = True
    name = "within_metres"
    type = sa.Boolean()

    def __init__(self, a, b, metres):
        super().__init__(a, b, sa.literal(float(metres)))


@compiles(WithinMetres, "postgresql")
def _pg_within_metres(element, compiler, **kw):
    a, b, metres = (compiler.process(c, **kw) for c in element.clauses)
    return f"ST_DWithin({a}, {b}, {metres})"


@compiles(WithinMetres, "sqlite")
def _sqlite_within_metres(element, compiler, **kw):
    a, b, metres = (compiler.process(c, **kw) for c in element.clauses)
    return f"(ST_Distance({a}, {b}) <= {metres})"


class Buffer(GenericFunction):
    """ST_Buffer with `segments` per quarter circle on both backends (default 8, PostGIS's default; SpatiaLite's is
    30), so that both draw the same outline."""

    inherit_cache = True
    name = "buffer_segments"

    def __init__(self, geometry, distance, segments: int = 8):
        super().__init__(geometry, sa.literal(float(distance)), sa.literal_column(str(int(segments))))


@compiles(Buffer, "postgresql")
def _pg_buffer(element, compiler, **kw):
    geometry, distance, segments = (compiler.process(c, **kw) for c in element.clauses)
    return f"ST_Buffer({geometry}, {distance}, 'quad_segs={segments}')"


@compiles(Buffer, "sqlite")
def _sqlite_buffer(element, compiler, **kw):
    geometry, distance, segments = (compiler.process(c, **kw) for c in element.clauses)
    return f"ST_Buffer({geometry}, {distance}, {segments})"


class VoronoiCells(GenericFunction):
    """The Voronoi diagram of a MULTIPOINT as a collection of polygons, one cell per point (ST_GeometryN 1..n),
    covering at least `extend_to`. PostGIS: ST_VoronoiPolygons; SpatiaLite: VoronojDiagram, which has no
    envelope argument but a frame around the points (in percent of their extent), made large enough here. Both
    build on GEOS and give the same cells (tests/geo/test_areas.py compares them to the square metre)."""

    inherit_cache = True
    name = "voronoi_cells"

    def __init__(self, points, extend_to):
        super().__init__(points, extend_to)


@compiles(VoronoiCells, "postgresql")
def _pg_voronoi(element, compiler, **kw):
    points, extend_to = (compiler.process(c, **kw) for c in element.clauses)
    return f"ST_VoronoiPolygons({points}, 0.0, {extend_to})"


@compiles(VoronoiCells, "sqlite")
def _sqlite_voronoi(element, compiler, **kw):
    points, _extend_to = (compiler.process(c, **kw) for c in element.clauses)
    return f"VoronojDiagram({points}, 0, 400)"


class PolygonsOnly(GenericFunction):
    """The polygonal part of a geometry as a MULTIPOLYGON (an intersection may also yield lines or points where
    outlines touch)."""

    inherit_cache = True
    name = "polygons_only"


@compiles(PolygonsOnly, "postgresql")
def _pg_polygons_only(element, compiler, **kw):
    return f"ST_Multi(ST_CollectionExtract({compiler.process(element.clauses, **kw)}, 3))"


@compiles(PolygonsOnly, "sqlite")
def _sqlite_polygons_only(element, compiler, **kw):
    return f"CastToMultiPolygon(CollectionExtract({compiler.process(element.clauses, **kw)}, 3))"


def join_points_in_boxes(polygons, polygon_column, points, point_column, dialect_name: str):
    """FROM polygons JOIN points: each polygon row with the point rows inside its bounding box, found through the
    spatial index on the point column (the caller adds the exact test). PostGIS: the `&&` operator on the GiST
    index. SpatiaLite: a join on the column's R*Tree itself (idx_<table>_<column>), which SQLite's planner drives
    from the polygons. (The usual `ROWID IN (SELECT ROWID FROM SpatialIndex ...)` is no good in a join: used as
    a rowid lookup it leaves a statement open in SpatiaLite 5.0, so the connection, and its WAL, never close; and
    a join on SpatialIndex is planned in the wrong order.)"""
    if dialect_name == "postgresql":
        return polygons.join(points, point_column.op("&&")(polygon_column))
    rtree = sa.table(
        f"idx_{points.name}_{point_column.name}",
        sa.column("pkid"),
        sa.column("xmin"),
        sa.column("xmax"),
        sa.column("ymin"),
        sa.column("ymax"),
    ).alias("point_index")
    in_box = sa.and_(
        rtree.c.xmin <= sa.func.MbrMaxX(polygon_column),
        rtree.c.xmax >= sa.func.MbrMinX(polygon_column),
        rtree.c.ymin <= sa.func.MbrMaxY(polygon_column),
        rtree.c.ymax >= sa.func.MbrMinY(polygon_column),
    )
    return polygons.join(rtree, in_box).join(points, sa.literal_column(f"{points.name}.rowid") == rtree.c.pkid)


def insert_ignoring_duplicates(table, dialect_name: str):
    """INSERT ... ON CONFLICT DO NOTHING for this backend (call .from_select(...).on_conflict_do_nothing())."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
