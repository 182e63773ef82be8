"""SQL building blocks that work on both SpatiaLite and PostGIS. Where the two differ, the difference is
compiled here per dialect and nowhere else."""

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


def grid_cell(x, y, cell_m: float) -> tuple:
    """The column and row (gx, gy) of the `cell_m` cell of the RD coordinates x and y (for a report: its rd_x and
    rd_y, which the analysis index holds, so that counting per cell reads no geometry)."""
    return FloorPositive(x / float(cell_m)), FloorPositive(y / float(cell_m))


def cell_centre_xy(gx, gy, cell_m: float) -> tuple:
    """The RD x and y of the centre of cell (gx, gy)."""
    return gx * cell_m + cell_m / 2, gy * cell_m + cell_m / 2


def cell_centre(gx, gy, cell_m: float):
    """The centre of cell (gx, gy) as an RD point."""
    return MakePoint(*cell_centre_xy(gx, gy, cell_m), RD_NEW)


def cell_square(gx, gy, cell_m: float):
    """Cell (gx, gy) as an RD square."""
    return Envelope(gx * cell_m, gy * cell_m, gx * cell_m + cell_m, gy * cell_m + cell_m, RD_NEW)


def snapped_to_grid(x, y, cell_m: int):
    """The centre of the `cell_m` grid cell (in RD New) of the RD coordinates x and y, as an RD point."""
    return cell_centre(*grid_cell(x, y, cell_m), cell_m)


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


def cell_boxes(rectangles):
    """A FROM clause of rectangles (gx, gy, x0, y0, x1, y1) in grid cells (gx, gy) as RD geometries (`box`), a
    millimetre wider on each side so that a point on an edge is found whichever way a division rounds (the
    caller keeps the points of the cell (gx, gy)). The numbers are written into the statement: thousands of
    rectangles would otherwise be more parameters than SQLite takes; they are a WITH clause, the one place SQLite
    names the columns of a VALUES list. Join the points with join_points_in_boxes."""
    margin = 0.001
    rows = [(gx, gy, x0 - margin, y0 - margin, x1 + margin, y1 + margin) for gx, gy, x0, y0, x1, y1 in rectangles]
    columns = [sa.column(name, sa.Integer) for name in ("gx", "gy")]
    columns += [sa.column(name, sa.Float) for name in ("x0", "y0", "x1", "y1")]
    values = sa.values(*columns, name="cell_bounds", literal_binds=True).data(rows).cte("cell_bounds")
    box = Envelope(values.c.x0, values.c.y0, values.c.x1, values.c.y1, RD_NEW)
    return sa.select(values.c.gx, values.c.gy, box.label("box")).subquery("cell_boxes")


def insert_ignoring_duplicates(table, dialect_name: str):
    """INSERT ... ON CONFLICT DO NOTHING for this backend (call .from_select(...).on_conflict_do_nothing())."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
