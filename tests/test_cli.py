"""flask commands."""

import pytest
import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.geo import LatLon, spatial
from meldpunt.geo.boundaries import check_point_in_municipality
from meldpunt.reports.models import Category, Queue, Report, RoutingRule


def test_demo_data_files_realistic_reports_through_the_normal_path(app, runner):
    result = runner.invoke(args=["demo-data", "--reports", "40", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "made 40 demo reports" in result.output
    reports = list(db.session.scalars(sa.select(Report)))
    assert len(reports) == 40
    # Routed, with history, a receipt and a location inside Emmen, like a real submission.
    assert {r.queue.code for r in reports} <= {"OOV", "TNH"}
    assert all(r.history and r.reference.startswith("EMN-") for r in reports)
    for report in reports[:10]:
        lon, lat = db.session.execute(
            sa.select(sa.func.ST_X(Report.location), sa.func.ST_Y(Report.location)).where(Report.id == report.id)
        ).one()
        assert check_point_in_municipality(LatLon(lat, lon), "GM0114").inside
    assert {r.kind for r in reports} == {"straatintimidatie", "overlast", "onveilige_plek"}
    # Clustered: most reports lie within 500 m of one of the profile's hotspots (station, nightlife, paths).
    station = spatial.to_rd(spatial.point(LatLon(52.7870, 6.8990)))
    near = db.session.scalar(
        sa.select(sa.func.count()).where(spatial.planar_distance(Report.location_rd, station) < 1500)
    )
    assert near > 20
    again = runner.invoke(args=["demo-data", "--reports", "5", "--if-empty"])
    assert "no demo data added" in again.output


def test_demo_data_prefers_evenings(app, runner):
    from meldpunt.profiles import LOCAL_TZ

    runner.invoke(args=["demo-data", "--reports", "120", "--seed", "3"])
    hours = [r.created_at.astimezone(LOCAL_TZ).hour for r in db.session.scalars(sa.select(Report))]
    evening = sum(1 for h in hours if 18 <= h <= 23)
    morning = sum(1 for h in hours if 6 <= h <= 11)
    assert evening > 2 * morning


def test_seed_is_idempotent_and_keeps_a_beheerders_changes(app, runner):
    category = db.session.scalar(sa.select(Category).where(Category.code == "jeugd"))
    category.names = {"nl": "Hangjongeren", "en": "Youths"}
    db.session.commit()
    counts = {
        model: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Category, Queue, RoutingRule)
    }
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0
    assert "0 queues, 0 categories, 0 rules" in result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(Category.names).where(Category.code == "jeugd"))["nl"] == "Hangjongeren"
    for model, count in counts.items():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == count


def test_seeded_category_names_come_translated(app):
    category = db.session.scalar(sa.select(Category).where(Category.code == "naroepen"))
    assert category.name("nl") == "Naroepen of nafluiten"
    assert category.name("en") == "Calling after or whistling at someone"


def test_areas_import(app, runner, tmp_path):
    path = tmp_path / "wijken.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"naam": "Centrum"},'
        ' "geometry": {"type": "Polygon", "coordinates": [[[6.88, 52.78], [6.91, 52.78], [6.91, 52.79],'
        " [6.88, 52.79], [6.88, 52.78]]]}}]}"
    )
    result = runner.invoke(args=["areas", "import", str(path), "--kind", "wijk", "--name-property", "naam"])
    assert result.exit_code == 0, result.output
    assert "areas of kind wijk (import, EPSG:4326): 1 new, 0 updated" in result.output
    from meldpunt.geo.areas import areas_containing

    # Smallest first: the wijk, then the approximate dorp `flask seed` made around Emmen's centre.
    assert [(a.name, a.kind) for a in areas_containing(LatLon(52.7858, 6.8975))] == [
        ("Centrum", "wijk"),
        ("Emmen", "dorp"),
    ]
    assert [a.kind for a in areas_containing(LatLon(52.75, 6.95))] == ["dorp"]
    again = runner.invoke(args=["areas", "import", str(path), "--kind", "wijk", "--name-property", "naam"])
    assert "0 new, 1 updated" in again.output


def test_seed_loads_the_approximate_dorpen_once(app, runner):
    from meldpunt.geo.models import Area

    assert db.session.scalar(sa.select(sa.func.count()).where(Area.source == "benadering")) == 20
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "0 approximate_dorp_areas, 0 new_report_area_links" in result.output


def test_geo_doctor_names_the_extension(app, runner, backend):
    result = runner.invoke(args=["geo", "doctor"])
    assert result.exit_code == 0
    assert ("SpatiaLite 5" if backend == "spatialite" else "PostGIS 3") in result.output


def test_demo_staff_accounts_for_trying_the_staff_side(app, runner):
    from meldpunt.staff.accounts import check_password

    result = runner.invoke(args=["demo-data", "--reports", "3", "--staff-password", "samen-alert-demo"])
    assert result.exit_code == 0 and "demo-boa" in result.output
    assert check_password("demo-boa", "samen-alert-demo").outcome == "ok"
    assert check_password("demo-beheer", "samen-alert-demo").outcome == "needs_totp"
    assert check_password("demo-analist", "samen-alert-demo").outcome == "ok"


@pytest.mark.only_backends("spatialite")
def test_demo_history_gives_the_targets_a_baseline(app, runner):
    from datetime import date

    from meldpunt.analysis.targets import all_target_statuses

    result = runner.invoke(args=["demo-data", "--reports", "20", "--history", "600", "--seed", "3"])
    assert result.exit_code == 0, result.output
    statuses = all_target_statuses(date.today())
    assert statuses and all(s.baseline > 0 for s in statuses if s.target.code != "uitgaan")
