"""Where things happen: counts per grid cell in RD New, a heat layer, and density clusters (DBSCAN). Everything is
aggregated by the database; what leaves here are cells and clusters, never single reports."""

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from meldpunt.analysis.filters import MOMENT
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
    gx, gy = spatial.grid_cell(Report.location_rd, cell_m)
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
    """Density clusters of the filtered reports (DBSCAN in RD New), largest first."""
    # The filtered points (on PostgreSQL read from the created_at index alone, once, into the grid's own table).
    points = (
        sa.select(Report.id, Report.location_rd, MOMENT.label("moment")).where(*conditions, with_spot()).cte("points")
    )
    with spatial.dbscan_parts(db.session(), points, eps_m, min_points) as parts:
        n = sa.func.sum(parts.c.n)
        hull = sa.func.ST_Transform(
            spatial.Buffer(sa.func.ST_ConvexHull(sa.func.ST_Collect(parts.c.g)), 15, segments=2), WGS84
        )
        # The centroid of the cluster's points: the mean of their coordinates.
        mean = spatial.MakePoint(sa.func.sum(parts.c.sx) / n, sa.func.sum(parts.c.sy) / n, RD_NEW)
        centre = sa.func.ST_Transform(mean, WGS84)
        grouped = (
            sa.select(
                sa.cast(n, sa.Integer).label("n"),
                sa.func.ST_AsGeoJSON(hull).label("hull"),
                centre.label("centre"),
                sa.func.min(parts.c.first).label("first"),
                sa.func.max(parts.c.last).label("last"),
            )
            .group_by(parts.c.cid)
            .subquery("clusters")
        )
        rows = db.session.execute(
            sa.select(
                grouped.c.n,
                grouped.c.hull,
                sa.func.ST_Y(grouped.c.centre),
                sa.func.ST_X(grouped.c.centre),
                grouped.c.first,
                grouped.c.last,
            ).order_by(grouped.c.n.desc())
        ).all()
    return [Cluster(n, json.loads(hull), lat, lon, first, last) for n, hull, lat, lon, first, last in rows]


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
