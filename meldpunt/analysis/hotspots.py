"""Where things happen: counts per grid cell in RD New, a heat layer, and density clusters (DBSCAN). Everything is
aggregated by the database; what leaves here are cells and clusters, never single reports."""

import json
from dataclasses import dataclass
from datetime import datetime

import shapely
import sqlalchemy as sa

from meldpunt.analysis.cell_dbscan import cell_dbscan
from meldpunt.extensions import db
from meldpunt.geo import RD_NEW, WGS84, spatial
from meldpunt.reports.models import Report
from meldpunt.reports.queries import with_spot

CELL_SIZES = (100, 250, 500)
HEAT_CELL_M = 50
CLUSTER_DISTANCES = (50, 100, 200)
CLUSTER_MIN_POINTS = (3, 5, 10)


def _feature_collection(features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def _feature(geometry_json: str, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": json.loads(geometry_json)}


def cell_counts(conditions: list, cell_m: int, *, min_count: int = 1):
    """A subquery of (gx, gy, n): a grid cell's column and row (cells of cell_m metres in RD New) and its count."""
    gx, gy = spatial.grid_cell(Report.rd_x, Report.rd_y, cell_m)
    return (
        sa.select(gx.label("gx"), gy.label("gy"), sa.func.count().label("n"))
        .where(*conditions, with_spot())  # a signal without a spot is in no cell
        .group_by(gx, gy)
        .having(sa.func.count() >= min_count)
        .subquery("cells")
    )


def cells_geojson(conditions: list, cell_m: int, *, min_count: int = 1) -> dict:
    """The cells with at least min_count reports: squares in WGS84 with their `count`."""
    cells = cell_counts(conditions, cell_m, min_count=min_count)
    square = sa.func.ST_Transform(spatial.cell_square(cells.c.gx, cells.c.gy, cell_m), WGS84)
    rows = db.session.execute(
        sa.select(cells.c.n, sa.func.ST_AsGeoJSON(square)).order_by(cells.c.n.desc(), cells.c.gx, cells.c.gy)
    )
    return _feature_collection(_feature(geometry, count=n, cell_m=cell_m) for n, geometry in rows)


def heat_points(conditions: list) -> list[list[float]]:
    """[lat, lon, count] per 50 m cell centre, for the heat layer (Leaflet.heat's order)."""
    cells = cell_counts(conditions, HEAT_CELL_M)
    centre = sa.func.ST_Transform(spatial.cell_centre(cells.c.gx, cells.c.gy, HEAT_CELL_M), WGS84)
    centres = sa.select(centre.label("p"), cells.c.n).subquery("centres")
    rows = db.session.execute(sa.select(sa.func.ST_Y(centres.c.p), sa.func.ST_X(centres.c.p), centres.c.n))
    return [[round(lat, 6), round(lon, 6), n] for lat, lon, n in rows]


@dataclass(frozen=True)
class Cluster:
    count: int
    hull_geojson: dict
    centre_lat: float
    centre_lon: float
    first: datetime
    last: datetime


def clusters(conditions: list, eps_m: int, min_points: int) -> list[Cluster]:
    """Density clusters of the filtered reports (DBSCAN in RD New, analysis/cell_dbscan.py), largest first."""
    found = cell_dbscan([*conditions, with_spot()], eps_m, min_points)  # a signal without a spot is in no cluster
    if not found:
        return []
    # The outline and the centre in WGS84, by the database: the convex hull of each cluster's outline points with
    # a 15 m margin, and the mean of its points' coordinates.
    rows = [
        (i, _multipoint_wkt(shapely.MultiPoint(c.outline).convex_hull), c.sx / c.n, c.sy / c.n)
        for i, c in enumerate(found)
    ]
    values = (
        sa.values(
            sa.column("i", sa.Integer),
            sa.column("outline", sa.String),
            sa.column("mx", sa.Float),
            sa.column("my", sa.Float),
            name="cluster_outlines",
        )
        .data(rows)
        .cte("cluster_outlines")
    )
    hull = sa.func.ST_ConvexHull(sa.func.ST_GeomFromText(values.c.outline, RD_NEW))
    outline = sa.func.ST_AsGeoJSON(sa.func.ST_Transform(spatial.Buffer(hull, 15, segments=2), WGS84))
    centres = sa.select(
        values.c.i,
        outline.label("hull"),
        sa.func.ST_Transform(spatial.MakePoint(values.c.mx, values.c.my, RD_NEW), WGS84).label("p"),
    ).subquery("centres")
    shapes = {
        i: (json.loads(hull), lat, lon)
        for i, hull, lat, lon in db.session.execute(
            sa.select(centres.c.i, centres.c.hull, sa.func.ST_Y(centres.c.p), sa.func.ST_X(centres.c.p))
        )
    }
    return [Cluster(c.n, *shapes[i], c.first, c.last) for i, c in enumerate(found)]


def _multipoint_wkt(hull) -> str:
    """The corners of a convex hull (a polygon, or a line or point for collinear points) as a WKT MULTIPOINT: fewer
    points for the database to take the hull of, the same hull."""
    coords = list(hull.exterior.coords) if hull.geom_type == "Polygon" else list(hull.coords)
    return "MULTIPOINT(" + ", ".join(f"({x!r} {y!r})" for x, y in coords) + ")"


def clusters_geojson(found: list[Cluster]) -> dict:
    """The clusters' hulls as a map layer."""
    return _feature_collection(
        {
            "type": "Feature",
            "properties": {
                "count": c.count,
                "first": c.first.isoformat() if c.first else None,
                "last": c.last.isoformat() if c.last else None,
            },
            "geometry": c.hull_geojson,
        }
        for c in found
    )
