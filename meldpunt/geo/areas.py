"""Areas (wijken, dorpen, gebieden, zones): imported from GeoJSON; a report is tagged with its area."""

import json
from pathlib import Path

import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.geo import LatLon, spatial
from meldpunt.geo.models import AREA_KINDS, Area


def areas_containing(position: LatLon) -> list[Area]:
    """Every area the point lies in, smallest first (a zone before its wijk, a wijk before its gebied)."""
    pt = spatial.point(position)
    return list(
        db.session.scalars(
            sa.select(Area).where(sa.func.ST_Intersects(Area.geom, pt)).order_by(sa.func.ST_Area(Area.geom_rd), Area.id)
        )
    )


def import_areas(geojson_path: Path, *, kind: str, name_property: str = "name", code_property=None) -> int:
    """Insert or replace areas from a GeoJSON FeatureCollection of (multi)polygons in WGS84."""
    if kind not in AREA_KINDS:
        raise ValueError(f"kind must be one of {', '.join(AREA_KINDS)}")
    features = json.loads(Path(geojson_path).read_text(encoding="utf-8"))["features"]
    for feature in features:
        props = feature.get("properties") or {}
        name = str(props[name_property])
        code = str(props[code_property]) if code_property else f"{kind}:{name}".lower().replace(" ", "-")
        geom = spatial.multipolygon_from_geojson(json.dumps(feature["geometry"]))
        db.session.execute(sa.delete(Area).where(Area.code == code))
        db.session.execute(
            sa.insert(Area).values(code=code, name=name, kind=kind, geom=geom, geom_rd=spatial.to_rd(geom))
        )
    return len(features)
