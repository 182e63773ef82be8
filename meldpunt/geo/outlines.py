"""The outline staff give an event or a risk zone: an existing area, or a polygon drawn on the map
(static/js/outline-draw.js writes it into the text field) or pasted as GeoJSON or as coordinates, one "lat, lon"
per line, for whoever cannot use the map. Python only reads the text; the database builds and checks the shape."""

import json
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meldpunt.extensions import db
from meldpunt.geo import WGS84, LatLon, spatial
from meldpunt.geo.models import Area, Municipality

MAX_TEXT_LENGTH = 200_000
MAX_POSITIONS = 5_000


class OutlineError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Outline:
    """Where: an area (its outline is copied), a MultiPolygon in WGS84 as GeoJSON text, or (for demo data) a circle
    around a point."""

    area: Area | None = None
    geojson: str | None = None
    centre: LatLon | None = None
    radius_m: int | None = None

    def columns(self) -> dict:
        """geom and geom_rd as SQL, for an INSERT or UPDATE of an Event or RiskZone."""
        if self.centre is not None:
            circle = sa.func.ST_Multi(spatial.Buffer(spatial.to_rd(spatial.point(self.centre)), self.radius_m))
            return {"geom": sa.func.ST_Transform(circle, WGS84), "geom_rd": circle}
        if self.area is not None:
            return {
                "geom": sa.select(Area.geom).where(Area.id == self.area.id).scalar_subquery(),
                "geom_rd": sa.select(Area.geom_rd).where(Area.id == self.area.id).scalar_subquery(),
            }
        shape = spatial.multipolygon_from_geojson(self.geojson, WGS84)
        return {"geom": shape, "geom_rd": spatial.to_rd(shape)}


NOT_READABLE = _l(
    'The outline could not be read. Draw it on the map, or paste GeoJSON or one "latitude, longitude" per line '
    "(at least three points)."
)


def _position(pair) -> list[float]:
    """[lon, lat] of a GeoJSON position, checked to be a place on earth."""
    if not isinstance(pair, list | tuple) or len(pair) < 2:
        raise OutlineError(NOT_READABLE)
    where = LatLon.parse(pair[1], pair[0])
    if where is None:
        raise OutlineError(NOT_READABLE)
    return [where.lon, where.lat]


def _ring(positions) -> list[list[float]]:
    if not isinstance(positions, list):
        raise OutlineError(NOT_READABLE)
    ring = [_position(p) for p in positions]
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])  # GeoJSON rings end where they start; a drawn or typed outline often does not
    if len(ring) < 4:
        raise OutlineError(NOT_READABLE)
    return ring


def _polygons_of(item) -> list:
    """The polygons (lists of rings) in a GeoJSON geometry, Feature or FeatureCollection."""
    if not isinstance(item, dict):
        raise OutlineError(NOT_READABLE)
    kind = item.get("type")
    if kind == "FeatureCollection":
        return [p for feature in item.get("features") or [] for p in _polygons_of(feature)]
    if kind == "Feature":
        return _polygons_of(item.get("geometry"))
    if kind == "Polygon":
        return [item.get("coordinates")]
    if kind == "MultiPolygon":
        return list(item.get("coordinates") or [])
    raise OutlineError(_l("Only an area (a polygon) can be an outline, not a %(kind)s.", kind=str(kind)[:40]))


def _from_geojson(text: str) -> list:
    try:
        item = json.loads(text)
    except ValueError:
        raise OutlineError(NOT_READABLE) from None
    polygons = []
    for polygon in _polygons_of(item):
        if not isinstance(polygon, list) or not polygon:
            raise OutlineError(NOT_READABLE)
        polygons.append([_ring(ring) for ring in polygon])
    return polygons


def _from_coordinate_lines(text: str) -> list:
    positions = []
    for line in re.split(r"[\n;]+", text):
        if not line.strip():
            continue
        numbers = re.split(r"[,\s]+", line.strip())
        if len(numbers) != 2:
            raise OutlineError(NOT_READABLE)
        where = LatLon.parse(*numbers)  # lat, lon: as a map app copies a spot
        if where is None:
            raise OutlineError(NOT_READABLE)
        positions.append([where.lon, where.lat])
    return [[_ring(positions)]]


def outline_from_input(area_id: int | None, text: str | None, *, cbs_code: str) -> Outline:
    """The outline from a form: the chosen area, or else the drawn or pasted shape, which the database checks
    (a valid polygon, touching the municipality). OutlineError says what is wrong, in the reader's language."""
    text = (text or "").strip()
    if area_id:
        area = db.session.get(Area, area_id)
        if area is None:
            raise OutlineError(_l("That area does not exist (any more). Choose another one."))
        return Outline(area=area)
    if not text:
        raise OutlineError(_l("Choose an area, or draw or paste the outline."))
    if len(text) > MAX_TEXT_LENGTH:
        raise OutlineError(_l("The outline is too detailed: use fewer points."))
    polygons = _from_geojson(text) if text.startswith("{") else _from_coordinate_lines(text)
    if not polygons:
        raise OutlineError(NOT_READABLE)
    if sum(len(ring) for polygon in polygons for ring in polygon) > MAX_POSITIONS:
        raise OutlineError(_l("The outline is too detailed: use fewer points."))
    geojson = json.dumps({"type": "MultiPolygon", "coordinates": polygons})
    shape = spatial.multipolygon_from_geojson(geojson, WGS84)
    valid, touches = db.session.execute(
        sa.select(sa.func.ST_IsValid(shape), sa.func.ST_Intersects(Municipality.geom, shape)).where(
            Municipality.code == cbs_code
        )
    ).one()
    if not valid:
        raise OutlineError(_l("The outline crosses itself. Draw it again, point by point around the area."))
    if not touches:
        raise OutlineError(_l("The outline lies outside the municipality."))
    return Outline(geojson=geojson)


def outline_geojson(model, row_id: int) -> str | None:
    """The stored outline of an event or risk zone as GeoJSON text (WGS84), read by the database."""
    return db.session.scalar(sa.select(sa.func.ST_AsGeoJSON(model.geom)).where(model.id == row_id))
