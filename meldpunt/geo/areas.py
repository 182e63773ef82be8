"""Areas (wijken, buurten, dorpen, gebieden, zones) and the reports in them.

- Import: GeoJSON as the CBS wijk- en buurtkaart publishes it (RD New or WGS84), or a municipality's own file.
  Re-importing an area updates it in place, by code, and re-links its reports.
- Approximate dorpen: until a municipality imports its own, `flask seed` splits the municipality around the
  village centres of plaatsen-drenthe.csv (Voronoi cells, clipped to the boundary), marked source "benadering".
- Links: a report belongs to every area that contains its point (`report_area`); `Report.area` is the smallest
  of them. "The areas of a point" is one predicate, `_contains`, used by the lookup at submission and by the
  bulk linking in SQL.
"""

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.geo import RD_NEW, WGS84, LatLon, spatial
from meldpunt.geo.boundaries import BOUNDARY_TOLERANCE_M
from meldpunt.geo.models import AREA_KINDS, Area, Municipality
from meldpunt.reports.models import AREA_LOCATION_METHODS, Report, report_area

SUPPORTED_SRIDS = (WGS84, RD_NEW)
# What a signal without a spot may name instead (issue 10 item 6).
SIGNAL_AREA_KINDS = ("wijk", "dorp")


@dataclass(frozen=True)
class CbsLayout:
    """The properties of one layer of the CBS wijk- en buurtkaart."""

    code: str
    name: str
    parent: str | None


# As CBS publishes them since 2022 (lower case), and before (WK_CODE ...). The municipality's code is in
# `gemeentecode` / `GM_CODE`; `water` is "JA" for the water parts, which are left out.
CBS_LAYOUTS = {
    "gemeente": (CbsLayout("gemeentecode", "gemeentenaam", None), CbsLayout("GM_CODE", "GM_NAAM", None)),
    "wijk": (CbsLayout("wijkcode", "wijknaam", "gemeentecode"), CbsLayout("WK_CODE", "WK_NAAM", "GM_CODE")),
    "buurt": (CbsLayout("buurtcode", "buurtnaam", "wijkcode"), CbsLayout("BU_CODE", "BU_NAAM", "WK_CODE")),
}
MUNICIPALITY_PROPERTIES = ("gemeentecode", "GM_CODE")
WATER_PROPERTIES = ("water", "WATER")


class AreaImportError(ValueError):
    """A file that cannot be imported as it is; the message says why and what to do."""


@dataclass
class ImportResult:
    inserted: int = 0
    updated: int = 0
    skipped_other_municipality: int = 0
    skipped_water: int = 0
    removed_approximate: int = 0
    source: str = "import"
    srid: int = WGS84
    area_ids: list[int] = field(default_factory=list)
    links: "LinkResult | None" = None


class LinkResult(NamedTuple):
    links_added: int
    smallest_area_changed: int


def contains(area_geom_rd, point_rd):
    """The one definition of "this area contains this point": in RD New, border points included. Events and risk
    zones (meldpunt/events) use it for their outlines too."""
    return sa.func.ST_Intersects(area_geom_rd, point_rd)


_contains = contains


# Areas of the same size (a wijk of one buurt has that buurt's outline): the more specific kind comes first.
KIND_ORDER = ("zone", "buurt", "wijk", "dorp", "gebied", "gemeente")


def _smallest_first():
    """The order of "smallest": by area in m², then by kind (a buurt before a wijk of the same outline), then id."""
    kind_rank = sa.case({kind: rank for rank, kind in enumerate(KIND_ORDER)}, value=Area.kind, else_=len(KIND_ORDER))
    return (sa.func.ST_Area(Area.geom_rd), kind_rank, Area.id)


def areas_containing(position: LatLon) -> list[Area]:
    """Every area the point lies in, smallest first (a zone before its buurt, a buurt before its wijk)."""
    point_rd = spatial.to_rd(spatial.point(position))
    return list(
        db.session.scalars(sa.select(Area).where(_contains(Area.geom_rd, point_rd)).order_by(*_smallest_first()))
    )


def _has_spot(reports):
    """A signal without a spot (location_method 'gebied' or 'gemeente') keeps the one area its reporter chose, or
    none: its stand-in point must never link it to the buurt, dorp or zone that point happens to lie in."""
    return reports.c.location_method.not_in(AREA_LOCATION_METHODS)


def signal_area_choices() -> list[Area]:
    """The wijken and dorpen a signal without a spot may name (kinds.Kind.has_spot), by kind and then name."""
    kind_rank = sa.case({"wijk": 0, "dorp": 1}, value=Area.kind)
    return list(db.session.scalars(sa.select(Area).where(Area.kind.in_(SIGNAL_AREA_KINDS))
                                   .order_by(kind_rank, Area.name, Area.id)))  # fmt: skip


def stand_in_point(area_id: int | None, cbs_code: str):
    """SQL for the point a signal without a spot is stored with: a point on the surface of its wijk or dorp, or of
    the municipality (inside it, unlike a centroid of a ragged outline). Made by the database."""
    if area_id is not None:
        return sa.select(sa.func.ST_PointOnSurface(Area.geom)).where(Area.id == area_id).scalar_subquery()
    return (
        sa.select(sa.func.ST_PointOnSurface(Municipality.geom)).where(Municipality.code == cbs_code).scalar_subquery()
    )


def link_report_areas(report_ids: Iterable[int] | None = None, *, area_ids: Iterable[int] | None = None) -> LinkResult:
    """Link reports to every area that contains them (idempotent; existing links stay), then set each report's
    `area` to the smallest of its areas. Without arguments: every report and every area. `report_ids` limits it
    to those reports; `area_ids` limits the new links to those areas (the smallest area is then still checked
    for every report, as links of other areas may have gone). One INSERT ... SELECT through the spatial index
    on report.location_rd; the caller commits."""
    db.session.flush()
    report_ids = None if report_ids is None else list(report_ids)
    area_ids = None if area_ids is None else list(area_ids)
    dialect = db.session.get_bind().dialect.name
    reports = Report.__table__
    if report_ids is not None and dialect == "postgresql":
        # Start from the given reports (a chunk of a bulk load or an import). Started from the areas, the spatial
        # index hands over every stored report inside an area's box for each chunk: a load slows down as the
        # table grows (a million bulk reports took hours instead of minutes).
        chosen = (
            sa.select(reports.c.id, reports.c.location_rd)
            .where(reports.c.id.in_(report_ids), _has_spot(reports))
            .cte("chosen")
            .prefix_with("MATERIALIZED")
        )
        pairs = (
            sa.select(chosen.c.id, Area.id)
            .join(Area, Area.geom_rd.op("&&")(chosen.c.location_rd))
            .where(_contains(Area.geom_rd, chosen.c.location_rd))
        )
    else:
        pairs = (
            sa.select(reports.c.id, Area.id)
            .select_from(
                spatial.join_points_in_boxes(Area.__table__, Area.geom_rd, reports, reports.c.location_rd, dialect)
            )
            .where(_contains(Area.geom_rd, reports.c.location_rd), _has_spot(reports))
        )
        if report_ids is not None:
            pairs = pairs.where(reports.c.id.in_(report_ids))
    if area_ids is not None:
        pairs = pairs.where(Area.id.in_(area_ids))
    insert = (
        spatial.insert_ignoring_duplicates(report_area, dialect)
        .from_select([report_area.c.report_id, report_area.c.area_id], pairs)
        .on_conflict_do_nothing()
        .execution_options(preserve_rowcount=True)  # SQLAlchemy keeps an INSERT's row count only when asked
    )
    added = db.session.execute(insert).rowcount
    changed = _set_smallest_area(report_ids)
    db.session.expire_all()  # Report.area and Report.areas of loaded reports were changed in SQL
    return LinkResult(added, changed)


def _set_smallest_area(report_ids: list[int] | None) -> int:
    """Report.area_id := the smallest linked area (`_smallest_first`), or NULL without links. Only rows that
    change are written; updated_at is kept (this is bookkeeping, not a change to the report)."""
    reports = Report.__table__

    def ranked(name):
        return sa.select(
            Area.id.label("area_id"),
            sa.func.row_number().over(order_by=_smallest_first()).label("rank"),
        ).subquery(name)

    rank = ranked("area_rank")
    best_rank = sa.select(report_area.c.report_id, sa.func.min(rank.c.rank).label("rank")).join(
        rank, rank.c.area_id == report_area.c.area_id
    )
    if report_ids is not None:
        best_rank = best_rank.where(report_area.c.report_id.in_(report_ids))
    best_rank = best_rank.group_by(report_area.c.report_id).subquery("best_rank")
    rank_again = ranked("area_rank_again")
    best = (
        sa.select(best_rank.c.report_id, rank_again.c.area_id)
        .join(rank_again, rank_again.c.rank == best_rank.c.rank)
        .subquery("best")
    )
    changed = db.session.execute(
        sa.update(reports)
        .where(reports.c.id == best.c.report_id, reports.c.area_id.is_distinct_from(best.c.area_id))
        .values(area_id=best.c.area_id, updated_at=reports.c.updated_at)
    ).rowcount
    unlinked = sa.update(reports).where(
        reports.c.area_id.is_not(None),
        ~sa.exists().where(report_area.c.report_id == reports.c.id),
    )
    if report_ids is not None:
        unlinked = unlinked.where(reports.c.id.in_(report_ids))
    changed += db.session.execute(unlinked.values(area_id=None, updated_at=reports.c.updated_at)).rowcount
    return changed


def report_ids_in_area(area_id: int):
    """A SELECT of the ids of the reports linked to this area or to an area that names it as parent (a wijk's
    buurten): for filters such as the staff queue's."""
    code = sa.select(Area.code).where(Area.id == area_id).scalar_subquery()
    areas = sa.select(Area.id).where(sa.or_(Area.id == area_id, Area.parent_code == code))
    return sa.select(report_area.c.report_id).where(report_area.c.area_id.in_(areas))


# --- import ---------------------------------------------------------------------------------------------------


def _srid_from_crs(collection: dict) -> int:
    crs = collection.get("crs")
    if not crs:
        return WGS84  # RFC 7946: GeoJSON is WGS84 unless it says otherwise
    name = str((crs.get("properties") or {}).get("name", ""))
    if name.upper().endswith("CRS84"):
        return WGS84
    match = re.search(r"EPSG(?::+|/0/)(\d+)$", name, re.IGNORECASE)
    if not match:
        raise AreaImportError(f"unknown coordinate reference system {name!r}: pass --srid 28992 or --srid 4326")
    return int(match.group(1))


def _first_position(geometry: dict) -> tuple[float, float]:
    coordinates = geometry.get("coordinates")
    while isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    return float(coordinates[0]), float(coordinates[1])


def _check_coordinates(features: list[dict], srid: int) -> None:
    """Refuse a file whose numbers do not fit its coordinate system (RD New read as degrees, or the reverse)."""
    for feature in features[:1]:
        x, y = _first_position(feature["geometry"])
        looks_like_degrees = -180 <= x <= 180 and -90 <= y <= 90
        if srid == WGS84 and not looks_like_degrees:
            raise AreaImportError(
                f"coordinates such as ({x}, {y}) are not longitude/latitude; the file is probably in RD New: "
                "pass --srid 28992"
            )
        if srid == RD_NEW and looks_like_degrees:
            raise AreaImportError(
                f"coordinates such as ({x}, {y}) look like longitude/latitude, not RD New: pass --srid 4326"
            )


def _cbs_layout(kind: str, properties: dict) -> CbsLayout | None:
    for layout in CBS_LAYOUTS.get(kind, ()):
        if layout.code in properties and layout.name in properties:
            return layout
    return None


def _first_of(properties: dict, names: tuple[str, ...]):
    return next((properties[n] for n in names if properties.get(n) is not None), None)


def _polygons(geometry: dict, code: str) -> list:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    raise AreaImportError(f"area {code}: a {geometry.get('type')} is not an area (Polygon or MultiPolygon)")


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def import_areas(
    geojson_path: Path,
    *,
    kind: str,
    name_property: str | None = None,
    code_property: str | None = None,
    parent_property: str | None = None,
    srid: int | None = None,
    municipality_code: str | None = None,
) -> ImportResult:
    """Insert or update areas from a GeoJSON FeatureCollection of (multi)polygons, then link reports to them.

    A CBS wijk- or buurtkaart file is recognised by its properties (wijkcode/wijknaam, buurtcode/buurtnaam); its
    codes become the areas' codes and a buurt's wijkcode its parent. Otherwise `name_property` (default "name")
    names each area and `code_property` (default: kind and name) identifies it. Coordinates are WGS84 unless the
    file's `crs` member or `srid` says RD New. With `municipality_code`, features of other municipalities (by
    their gemeentecode) are left out. An area whose code exists is updated in place and its reports re-linked.
    Importing a municipality's own dorpen removes the approximate ones. The caller commits."""
    if kind not in AREA_KINDS:
        raise AreaImportError(f"kind must be one of {', '.join(AREA_KINDS)}")
    collection = json.loads(Path(geojson_path).read_text(encoding="utf-8"))
    features = [f for f in collection.get("features", []) if f.get("geometry")]
    result = ImportResult(srid=srid or _srid_from_crs(collection))
    if result.srid not in SUPPORTED_SRIDS:
        raise AreaImportError(f"EPSG:{result.srid} is not supported: use RD New (28992) or WGS84 (4326)")
    _check_coordinates(features, result.srid)

    layout = None
    if name_property is None and code_property is None and features:
        layout = _cbs_layout(kind, features[0].get("properties") or {})
    if layout:
        result.source = "cbs"
        name_property, code_property = layout.name, layout.code
        parent_property = parent_property or layout.parent
    name_property = name_property or "name"

    wanted = (municipality_code or "").upper()
    merged: dict[str, dict] = {}
    for feature in features:
        props = feature.get("properties") or {}
        in_municipality = _first_of(props, MUNICIPALITY_PROPERTIES)
        if wanted and in_municipality is not None and str(in_municipality).upper() != wanted:
            result.skipped_other_municipality += 1
            continue
        if layout and str(_first_of(props, WATER_PROPERTIES) or "").upper() == "JA":
            result.skipped_water += 1
            continue
        if props.get(name_property) in (None, ""):
            raise AreaImportError(
                f"a feature has no {name_property!r} property; name the property with --name-property "
                f"(it has: {', '.join(sorted(props)) or 'none'})"
            )
        name = str(props[name_property]).strip()
        if code_property:
            if props.get(code_property) in (None, ""):
                raise AreaImportError(f"area {name!r} has no {code_property!r} property")
            code = str(props[code_property]).strip()
        else:
            code = f"{kind}:{slug(name)}"
        parent = props.get(parent_property) if parent_property else None
        area = merged.setdefault(code, {"name": name, "parent": parent, "polygons": []})
        # A code that comes more than once (an area in parts) becomes one multipolygon.
        area["polygons"].extend(_polygons(feature["geometry"], code))

    existing = dict(db.session.execute(sa.select(Area.code, Area.id).where(Area.code.in_(list(merged)))).all())
    for code, area in merged.items():
        shape = spatial.multipolygon_from_geojson(
            json.dumps({"type": "MultiPolygon", "coordinates": area["polygons"]}), result.srid
        )
        values = dict(
            name=area["name"][:120],
            kind=kind,
            source=result.source,
            parent_code=str(area["parent"]).strip()[:60] if area["parent"] not in (None, "") else None,
            geom=shape if result.srid == WGS84 else sa.func.ST_Transform(shape, WGS84),
            geom_rd=shape if result.srid == RD_NEW else spatial.to_rd(shape),
        )
        if code in existing:
            area_id = existing[code]
            db.session.execute(sa.update(Area).where(Area.id == area_id).values(**values))
            # Its outline may have changed: its reports are linked again below. A signal without a spot keeps the
            # area its reporter named (it is linked by choice, not by its point).
            without_spot = sa.select(Report.id).where(Report.location_method.in_(AREA_LOCATION_METHODS))
            db.session.execute(
                sa.delete(report_area).where(report_area.c.area_id == area_id,
                                             report_area.c.report_id.not_in(without_spot))
            )  # fmt: skip
            result.updated += 1
        else:
            area_id = db.session.execute(sa.insert(Area).values(code=code, **values).returning(Area.id)).scalar_one()
            result.inserted += 1
        result.area_ids.append(area_id)

    if kind == "dorp" and merged:
        result.removed_approximate = remove_approximate_dorpen(keep_codes=set(merged))
    result.links = link_report_areas(area_ids=result.area_ids)
    return result


def remove_approximate_dorpen(*, keep_codes: set[str] = frozenset()) -> int:
    """Delete the approximate dorpen (their links go with them; reports lose them as their smallest area)."""
    doomed = sa.select(Area.id).where(Area.kind == "dorp", Area.source == "benadering", Area.code.not_in(keep_codes))
    reports = Report.__table__
    db.session.execute(
        sa.update(reports).where(reports.c.area_id.in_(doomed)).values(area_id=None, updated_at=reports.c.updated_at)
    )
    db.session.execute(sa.delete(report_area).where(report_area.c.area_id.in_(doomed)))
    return db.session.execute(sa.delete(Area).where(Area.id.in_(doomed))).rowcount


# --- approximate dorpen ---------------------------------------------------------------------------------------


def dorp_code(cbs_code: str, place_name: str) -> str:
    return f"dorp:{cbs_code.lower()}:{slug(place_name)}"


def seed_approximate_dorpen(cbs_code: str, places: list[tuple[str, LatLon]]) -> int:
    """Approximate dorp/kern areas: the municipality (widened by the border tolerance, as reports that close are
    accepted) split into the Voronoi cells of its village centres, computed in the database. Idempotent: an
    existing code is never overwritten, and nothing is added once the municipality has imported its own dorpen.
    Returns how many areas were added."""
    if not places:
        return 0
    own_dorpen = sa.select(sa.func.count()).where(Area.kind == "dorp", Area.source != "benadering")
    if db.session.scalar(own_dorpen):
        return 0
    codes = [dorp_code(cbs_code, name) for name, _ in places]
    existing = set(db.session.scalars(sa.select(Area.code).where(Area.code.in_(codes))))  # whatever their kind
    sites_wkt = "MULTIPOINT(" + ", ".join(f"{p.lon!r} {p.lat!r}" for _, p in places) + ")"
    sites = spatial.to_rd(sa.func.ST_GeomFromText(sites_wkt, WGS84))

    boundary = (
        sa.select(spatial.Buffer(Municipality.geom_rd, BOUNDARY_TOLERANCE_M).label("g"))
        .where(Municipality.code == cbs_code)
        .cte("boundary")
    )
    diagram = sa.select(boundary.c.g, spatial.VoronoiCells(sites, boundary.c.g).label("v")).cte("diagram")
    numbers = sa.select(sa.literal(1).label("i")).cte("numbers", recursive=True)
    numbers = numbers.union_all(sa.select(numbers.c.i + 1).where(numbers.c.i < len(places)))
    cell = sa.func.ST_GeometryN(diagram.c.v, numbers.c.i)

    added = 0
    for name, position in places:
        code = dorp_code(cbs_code, name)
        if code in existing:
            continue
        clipped = (
            sa.select(spatial.PolygonsOnly(sa.func.ST_Intersection(cell, diagram.c.g)).label("g"))
            .select_from(diagram, numbers)
            .where(
                numbers.c.i <= sa.func.ST_NumGeometries(diagram.c.v),
                _contains(cell, spatial.to_rd(spatial.point(position))),
            )
            .subquery("clipped")
        )
        row = sa.select(
            sa.literal(code),
            sa.literal(name),
            sa.literal("dorp"),
            sa.literal("benadering"),
            sa.func.ST_Transform(clipped.c.g, WGS84),
            clipped.c.g,
        )
        columns = [Area.code, Area.name, Area.kind, Area.source, Area.geom, Area.geom_rd]
        insert = sa.insert(Area).from_select(columns, row).execution_options(preserve_rowcount=True)
        added += db.session.execute(insert).rowcount
    return added
