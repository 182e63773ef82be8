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


def snapped_to_grid(rd_point, cell_m: int):
    """The centre of the `cell_m` grid cell (in RD New) the point lies in."""

    def centre(coordinate):
        return FloorPositive(coordinate / float(cell_m)) * cell_m + cell_m / 2

    return MakePoint(centre(sa.func.ST_X(rd_point)), centre(sa.func.ST_Y(rd_point)), RD_NEW)
