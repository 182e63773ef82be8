"""Areas: approximate dorpen, the CBS wijk- en buurtkaart as published, and a report in every area it lies in."""

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from meldpunt.extensions import db
from meldpunt.geo import LatLon, spatial
from meldpunt.geo.areas import (
    AreaImportError,
    areas_containing,
    dorp_code,
    import_areas,
    link_report_areas,
    seed_approximate_dorpen,
)
from meldpunt.geo.boundaries import BOUNDARY_TOLERANCE_M
from meldpunt.geo.models import Area, Municipality
from meldpunt.profiles import PROFILES, village_centres
from meldpunt.reports.models import Queue, Report, RoutingRule, report_area

DATA = Path(__file__).resolve().parent.parent / "fixtures" / "data"
WIJKEN_RD = DATA / "cbs_wijken_2023_rd.geojson"
WIJKEN_WGS84 = DATA / "cbs_wijken_2023_wgs84.geojson"
BUURTEN_RD = DATA / "cbs_buurten_2023_rd.geojson"

# Points in the fixture areas (RD New in brackets).
EMMEN_CENTRE = LatLon(52.7858, 6.8975)  # (256887, 534234): buurt Centrum, wijk Emmen-Centrum, dorp Emmen
ORANJEBUURT = LatLon(52.78359, 6.90651)  # (257500, 534000): buurt Oranjebuurt, wijk Emmen-Centrum
EMMERHOUT = LatLon(52.7730, 6.9300)  # (259109, 532856): buurt Emmerhout-Oost, wijk Emmerhout


def area(code: str) -> Area:
    return db.session.scalar(sa.select(Area).where(Area.code == code))


def area_m2(code: str) -> float:
    return db.session.scalar(sa.select(sa.func.ST_Area(Area.geom_rd)).where(Area.code == code))


def codes_at(position: LatLon) -> list[str]:
    return [a.code for a in areas_containing(position)]


def import_cbs(*paths, kind=None):
    for path in paths:
        import_areas(path, kind=kind or ("buurt" if "buurten" in path.name else "wijk"), municipality_code="GM0114")
    db.session.commit()


def linked_codes(report_id: int) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(Area.code)
            .join(report_area, report_area.c.area_id == Area.id)
            .where(report_area.c.report_id == report_id)
        )
    )


def write_geojson(path: Path, features: list[dict], **members) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", **members, "features": features}))
    return path


def square(lon, lat, half=0.004, **properties) -> dict:
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half]]
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]}}  # fmt: skip


# --- approximate dorpen ---------------------------------------------------------------------------------------


def test_emmen_has_an_approximate_dorp_around_each_village_centre(app):
    dorpen = list(db.session.scalars(sa.select(Area).where(Area.kind == "dorp")))
    places = village_centres("GM0114")
    assert len(dorpen) == len(places) == 20
    assert {a.source for a in dorpen} == {"benadering"}
    for name, centre in places:
        [dorp] = [a for a in areas_containing(centre) if a.kind == "dorp"]
        assert (dorp.name, dorp.code) == (name, dorp_code("GM0114", name))
    assert area("dorp:gm0114:emmer-erfscheidenveen").name == "Emmer-Erfscheidenveen"


@pytest.mark.parametrize("profile_code", ["emmen", "coevorden", "midden-drenthe"])
def test_approximate_dorpen_tile_the_municipality_without_overlap(make_app, profile_code):
    from meldpunt.seed import seed_reference_data

    profile = PROFILES[profile_code]
    app = make_app(PROFILE=profile_code)
    with app.app_context():
        seed_reference_data(profile)
        db.session.commit()
        prefix = f"dorp:{profile.cbs_code.lower()}:%"
        dorpen = sa.select(Area).where(Area.code.like(prefix)).subquery()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(dorpen)) == len(
            village_centres(profile.cbs_code)
        )
        total = db.session.scalar(sa.select(sa.func.sum(sa.func.ST_Area(dorpen.c.geom_rd))))
        widened = db.session.scalar(
            sa.select(sa.func.ST_Area(spatial.Buffer(Municipality.geom_rd, BOUNDARY_TOLERANCE_M))).where(
                Municipality.code == profile.cbs_code
            )
        )
        assert total == pytest.approx(widened, rel=1e-6)  # every report accepted in the municipality has a dorp
        other = sa.orm.aliased(Area)
        shared = sa.func.ST_Area(sa.func.ST_Intersection(Area.geom_rd, other.geom_rd))
        overlap = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(shared), 0))
            .join(other, other.id > Area.id)
            .where(Area.code.like(prefix), other.code.like(prefix))
        )
        assert overlap == pytest.approx(0, abs=1)


def test_both_databases_draw_the_same_cells(app):
    # Measured on both backends: PostGIS's ST_VoronoiPolygons and SpatiaLite's VoronojDiagram, clipped to the
    # widened boundary, give this cell for Emmen to the square metre.
    assert area_m2("dorp:gm0114:emmen") == pytest.approx(23_190_007.5, abs=1)
    assert area_m2("dorp:gm0114:noordbarge") == pytest.approx(3_640_482.3, abs=1)


def test_approximate_areas_say_so_where_their_name_is_shown(app):
    emmen = area("dorp:gm0114:emmen")
    assert emmen.is_approximate
    with force_locale("nl"):
        assert emmen.display_name == "Emmen (bij benadering)"
    with force_locale("en"):
        assert emmen.display_name == "Emmen (approximate)"
    import_cbs(WIJKEN_RD)
    assert area("WK011401").display_name == "Emmen-Centrum"


def test_seeding_dorpen_again_adds_nothing_and_changes_nothing(app):
    emmen = area("dorp:gm0114:emmen")
    emmen.name = "Emmen stad"
    db.session.commit()
    assert seed_approximate_dorpen("GM0114", village_centres("GM0114")) == 0
    db.session.expire_all()
    assert area("dorp:gm0114:emmen").name == "Emmen stad"
    assert db.session.scalar(sa.select(sa.func.count()).where(Area.kind == "dorp")) == 20


def test_a_municipalitys_own_dorpen_replace_the_approximate_ones(app, new_report, tmp_path):
    from meldpunt.reports.submission import submit_report

    receipt = submit_report(new_report(lat=EMMEN_CENTRE.lat, lon=EMMEN_CENTRE.lon))
    db.session.commit()
    assert db.session.get(Report, receipt.report_id).area.code == "dorp:gm0114:emmen"
    own = write_geojson(tmp_path / "kernen.geojson", [square(6.8975, 52.7858, half=0.02, naam="Emmen")])
    result = import_areas(own, kind="dorp", name_property="naam")
    db.session.commit()
    assert result.removed_approximate == 20
    assert db.session.scalar(sa.select(sa.func.count()).where(Area.source == "benadering")) == 0
    report = db.session.get(Report, receipt.report_id)
    assert [(a.code, a.source) for a in report.areas] == [("dorp:emmen", "import")]
    assert report.area.code == "dorp:emmen"
    assert seed_approximate_dorpen("GM0114", village_centres("GM0114")) == 0


# --- the CBS wijk- en buurtkaart ------------------------------------------------------------------------------


def test_cbs_wijken_in_rd_new_are_read_as_published(app):
    result = import_areas(WIJKEN_RD, kind="wijk", municipality_code="GM0114")
    db.session.commit()
    assert (result.source, result.srid, result.inserted, result.updated) == ("cbs", 28992, 2, 0)
    assert (result.skipped_other_municipality, result.skipped_water) == (1, 1)
    centrum = area("WK011401")
    assert (centrum.name, centrum.kind, centrum.source, centrum.parent_code) == (
        "Emmen-Centrum", "wijk", "cbs", "GM0114",
    )  # fmt: skip
    assert area_m2("WK011401") == pytest.approx(2500 * 2500, abs=1)  # RD metres, read as such
    assert area("WK010901") is None and area("WK011499") is None  # Coevorden's wijk, and water
    assert "WK011401" in codes_at(EMMEN_CENTRE)
    assert "WK011405" in codes_at(EMMERHOUT)


def test_cbs_wijken_in_wgs84_give_the_same_areas(app):
    result = import_areas(WIJKEN_WGS84, kind="wijk", municipality_code="GM0114")
    assert (result.source, result.srid, result.inserted) == ("cbs", 4326, 2)
    assert area_m2("WK011401") == pytest.approx(2500 * 2500, rel=1e-3)
    assert "WK011401" in codes_at(EMMEN_CENTRE)


def test_cbs_buurten_know_their_wijk_and_come_smallest_first(app):
    import_cbs(WIJKEN_RD, BUURTEN_RD)
    assert area("BU01140101").parent_code == "WK011401"
    assert area("BU01140501").parent_code == "WK011405"
    assert area("BU01090101") is None
    assert codes_at(EMMEN_CENTRE) == ["BU01140101", "WK011401", "dorp:gm0114:emmen"]


def test_an_rd_file_without_its_crs_is_refused_with_the_fix(app, runner, tmp_path):
    collection = json.loads(WIJKEN_RD.read_text())
    del collection["crs"]
    bare = tmp_path / "wijken.geojson"
    bare.write_text(json.dumps(collection))
    refused = runner.invoke(args=["areas", "import", str(bare), "--kind", "wijk"])
    assert refused.exit_code != 0
    assert "--srid 28992" in refused.output
    assert area("WK011401") is None
    done = runner.invoke(args=["areas", "import", str(bare), "--kind", "wijk", "--srid", "28992"])
    assert done.exit_code == 0, done.output
    assert area_m2("WK011401") == pytest.approx(2500 * 2500, abs=1)


def test_a_file_without_the_name_property_is_refused(app, tmp_path):
    path = write_geojson(tmp_path / "zones.geojson", [square(6.8975, 52.7858, titel="Stationsgebied")])
    with pytest.raises(AreaImportError, match="--name-property"):
        import_areas(path, kind="zone")


# --- a report in several areas --------------------------------------------------------------------------------


@pytest.fixture
def stationsgebied(tmp_path):
    return write_geojson(tmp_path / "zone.geojson", [square(6.8975, 52.7858, half=0.002, name="Stationsgebied")])


def test_a_stored_report_is_linked_to_every_area_it_lies_in(app, new_report, stationsgebied):
    from meldpunt.reports.submission import submit_report

    import_cbs(WIJKEN_RD, BUURTEN_RD)
    import_areas(stationsgebied, kind="zone")
    db.session.commit()
    receipt = submit_report(new_report(lat=EMMEN_CENTRE.lat, lon=EMMEN_CENTRE.lon))
    db.session.commit()
    everything = {"zone:stationsgebied", "BU01140101", "WK011401", "dorp:gm0114:emmen"}
    report = db.session.get(Report, receipt.report_id)
    assert {a.code for a in report.areas} == everything
    assert report.area.code == "zone:stationsgebied"  # the smallest, for display
    # The bulk linking in SQL computes the same areas as the lookup at submission.
    db.session.execute(sa.delete(report_area))
    db.session.execute(sa.update(Report.__table__).values(area_id=None))
    db.session.commit()
    assert link_report_areas() == (4, 1)
    db.session.commit()
    assert linked_codes(receipt.report_id) == everything
    assert db.session.get(Report, receipt.report_id).area.code == "zone:stationsgebied"


def test_routing_rules_see_every_area_not_only_the_smallest(app, new_report, at, stationsgebied):
    from meldpunt.reports.submission import submit_report

    import_areas(stationsgebied, kind="zone")
    tnh = db.session.scalar(sa.select(Queue).where(Queue.code == "TNH"))
    rule = RoutingRule(position=1, description="Dorp Emmen: boa's", area_codes=["dorp:gm0114:emmen"], queue=tnh)
    db.session.add(rule)
    db.session.commit()
    now = at(2026, 11, 18, 14, 0)
    receipt = submit_report(new_report(kind="onveilige_plek", category_code="donker", lat=52.7858, lon=6.8975), now=now)
    assert receipt.queue_code == "TNH"
    assert db.session.get(Report, receipt.report_id).area.code == "zone:stationsgebied"


def test_reimporting_an_area_in_use_updates_it_in_place_and_moves_its_reports(app, new_report, tmp_path):
    from meldpunt.reports.submission import submit_report

    import_cbs(WIJKEN_RD, BUURTEN_RD)
    receipt = submit_report(new_report(lat=ORANJEBUURT.lat, lon=ORANJEBUURT.lon))
    db.session.commit()
    assert db.session.get(Report, receipt.report_id).area.code == "BU01140102"
    ids = {code: area(code).id for code in ("BU01140101", "BU01140102")}

    # Next year's kaart: Centrum grows east over the report and is renamed, Oranjebuurt shrinks.
    collection = json.loads(BUURTEN_RD.read_text())
    for feature in collection["features"]:
        ring = feature["geometry"]["coordinates"][0][0]
        if feature["properties"]["buurtcode"] == "BU01140101":
            feature["properties"]["buurtnaam"] = "Centrum en Oranjebuurt-West"
            ring[1][0] = ring[2][0] = 257800
        elif feature["properties"]["buurtcode"] == "BU01140102":
            ring[0][0] = ring[3][0] = ring[4][0] = 257800
    again = tmp_path / "buurten-2024.geojson"
    again.write_text(json.dumps(collection))
    result = import_areas(again, kind="buurt", municipality_code="GM0114")
    db.session.commit()

    assert (result.inserted, result.updated) == (0, 3)
    assert {code: area(code).id for code in ids} == ids  # the same rows, updated in place
    assert area("BU01140101").name == "Centrum en Oranjebuurt-West"
    report = db.session.get(Report, receipt.report_id)
    assert report.area.code == "BU01140101"
    assert linked_codes(report.id) == {"BU01140101", "WK011401", "dorp:gm0114:emmen"}


def test_flask_areas_link_backfills_reports_once(app, runner, new_report):
    from meldpunt.reports.submission import submit_report

    import_cbs(WIJKEN_RD, BUURTEN_RD)
    ids = [submit_report(new_report(lat=p.lat, lon=p.lon)).report_id for p in (EMMEN_CENTRE, ORANJEBUURT, EMMERHOUT)]
    db.session.commit()
    # Reports stored before the links existed (as after upgrading).
    db.session.execute(sa.delete(report_area))
    db.session.execute(sa.update(Report.__table__).values(area_id=None))
    db.session.commit()
    first = runner.invoke(args=["areas", "link"])
    assert first.exit_code == 0, first.output
    assert "report links: 9 new, 3 reports changed area" in first.output
    assert linked_codes(ids[1]) == {"BU01140102", "WK011401", "dorp:gm0114:emmen"}
    assert [db.session.get(Report, i).area.code for i in ids] == ["BU01140101", "BU01140102", "BU01140501"]
    second = runner.invoke(args=["areas", "link"])
    assert "report links: 0 new, 0 reports changed area" in second.output


def test_linking_some_reports_leaves_the_others_alone(app, new_report):
    from meldpunt.reports.submission import submit_report

    ids = [submit_report(new_report(lat=p.lat, lon=p.lon)).report_id for p in (EMMEN_CENTRE, EMMERHOUT)]
    db.session.commit()
    db.session.execute(sa.delete(report_area))
    db.session.commit()
    assert link_report_areas([ids[0]]).links_added == 1
    assert linked_codes(ids[0]) == {"dorp:gm0114:emmen"}
    assert linked_codes(ids[1]) == set()


def test_the_queue_filter_on_a_wijk_shows_the_reports_of_its_buurten(app, new_report, staff):
    from meldpunt.reports.queries import QueueFilters, queue_page
    from meldpunt.reports.submission import submit_report

    import_cbs(WIJKEN_RD, BUURTEN_RD)
    refs = {}
    for label, place in (("centre", EMMEN_CENTRE), ("oranje", ORANJEBUURT), ("emmerhout", EMMERHOUT)):
        refs[label] = submit_report(
            new_report(kind="onveilige_plek", category_code="donker", lat=place.lat, lon=place.lon)
        ).reference
    db.session.commit()
    oov = db.session.scalar(sa.select(Queue).where(Queue.code == "OOV"))

    def shown(code):
        page = queue_page(oov, QueueFilters(area=area(code).id), staff["oov"])
        return {r.reference for r in page.items}

    assert shown("WK011401") == {refs["centre"], refs["oranje"]}
    assert shown("BU01140102") == {refs["oranje"]}
    assert shown("WK011405") == {refs["emmerhout"]}
    assert shown("dorp:gm0114:emmen") >= {refs["centre"], refs["oranje"]}
