"""Is a point inside the active municipality? If not, where is it? The database does the geometry."""

import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.geo import LatLon, spatial
from meldpunt.geo.models import Municipality

# The shipped boundaries are simplified to a ~0.001° grid (70-110 m): a point this close to the municipality
# is accepted rather than turned away.
BOUNDARY_TOLERANCE_M = 150


@dataclass(frozen=True)
class PointCheck:
    inside: bool
    municipality_name: str | None  # the municipality the point lies in, when the shipped data knows it


def check_point_in_municipality(position: LatLon, cbs_code: str) -> PointCheck:
    pt = spatial.point(position)
    own = db.session.execute(
        sa.select(
            sa.func.ST_Intersects(Municipality.geom, pt),
            spatial.planar_distance(Municipality.geom_rd, spatial.to_rd(pt)),
            Municipality.name,
        ).where(Municipality.code == cbs_code)
    ).one_or_none()
    if own is None:
        raise LookupError(f"municipality {cbs_code} is not loaded: run `flask seed`")
    intersects, distance_m, own_name = own
    if intersects or distance_m <= BOUNDARY_TOLERANCE_M:
        return PointCheck(True, own_name)
    return PointCheck(False, municipality_at(position))


def municipality_at(position: LatLon) -> str | None:
    return db.session.scalar(
        sa.select(Municipality.name)
        .where(sa.func.ST_Intersects(Municipality.geom, spatial.point(position)))
        .order_by(Municipality.code)
        .limit(1)
    )


def load_municipalities(geojson_path: Path) -> int:
    """Load (or replace) every municipality's boundary from a GeoJSON FeatureCollection."""
    features = json.loads(Path(geojson_path).read_text(encoding="utf-8"))["features"]
    db.session.execute(sa.delete(Municipality))
    for feature in features:
        geom = spatial.multipolygon_from_geojson(json.dumps(feature["geometry"]))
        db.session.execute(
            sa.insert(Municipality).values(
                code=feature["properties"]["code"],
                name=feature["properties"]["name"],
                geom=geom,
                geom_rd=spatial.to_rd(geom),
            )
        )
    return len(features)
