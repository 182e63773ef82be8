"""Signals without a spot (issue 10 item 6): online tensions and signs of polarisation. A restricted kind that takes an
optional wijk or dorp instead of a point; stored at a stand-in point (the area's or the municipality's point on
surface, made by the database) that no view shows as a spot; always with the policy team."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo import WGS84
from meldpunt.geo.areas import link_report_areas, signal_area_choices
from meldpunt.geo.models import Area, Municipality
from meldpunt.reports.models import Queue, Report, RoutingRule
from meldpunt.reports.queries import QueueFilters, nearby_reports, open_field_reports_near, queue_map_data
from meldpunt.reports.submission import SubmissionRejected, submit_report
from tests.fixtures.reports import EMMEN_CENTRE

SIGNAL_TEXT = "In een appgroep van de wijk wordt opgeroepen om 'ze eruit te jagen'."


@pytest.fixture
def signal(new_report):
    """A NewReport of the kind without a spot; `area_code=` names a wijk or dorp."""

    def make(**overrides):
        values = dict(kind="spanningen", category_code="online_spanningen", description=SIGNAL_TEXT, position=None,
                      location_method="", incident_at=utcnow() - timedelta(hours=3))  # fmt: skip
        return new_report(**values | overrides)

    return make


def _dorp(name_contains: str = "") -> Area:
    return next(a for a in signal_area_choices() if name_contains in a.name)


def _inside(report_id: int, outline) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.ST_Intersects(outline, Report.location)).where(Report.id == report_id)
        )  # fmt: skip
    )


def test_a_signal_without_an_area_goes_to_the_policy_queue_whatever_the_rules_say(app, signal):
    # A first rule that would send everything to the field team.
    tnh = db.session.scalar(sa.select(Queue).where(Queue.code == "TNH"))
    db.session.add(RoutingRule(position=1, description="Alles naar de boa's", queue=tnh))
    db.session.commit()
    receipt = submit_report(signal())
    db.session.commit()
    report = db.session.get(Report, receipt.report_id)
    assert receipt.queue_code == "OOV" and report.routing_rule_id is None
    assert report.location_method == "gemeente"
    assert report.area is None and report.areas == []
    assert report.email is None and report.safety_feeling is None
    # The stand-in point lies in the municipality (its point on surface), made by the database.
    emmen = sa.select(Municipality.geom).where(Municipality.code == "GM0114").scalar_subquery()
    assert _inside(report.id, emmen)
    assert "Signaal zonder plek" in report.history[0].reason


def test_a_signal_about_a_dorp_is_linked_to_that_dorp_only(app, signal):
    dorp = _dorp()
    receipt = submit_report(signal(area_code=dorp.code))
    db.session.commit()
    report = db.session.get(Report, receipt.report_id)
    assert report.location_method == "gebied"
    assert [a.id for a in report.areas] == [dorp.id] and report.area_id == dorp.id
    assert _inside(report.id, sa.select(Area.geom).where(Area.id == dorp.id).scalar_subquery())
    # Linking every report to the areas its point lies in again (flask seed, an import) leaves it as it was.
    link_report_areas()
    db.session.commit()
    report = db.session.get(Report, receipt.report_id)
    assert [a.id for a in report.areas] == [dorp.id] and report.area_id == dorp.id


def test_a_spot_sent_with_a_signal_is_not_kept(app, signal, new_report):
    from meldpunt.geo import LatLon

    receipt = submit_report(signal(position=LatLon(*EMMEN_CENTRE), location_method="gps",
                                   location_description="Hoek Hoofdstraat", email="ik@example.org",
                                   email_consent=True, safety_feeling=1))  # fmt: skip
    db.session.commit()
    report = db.session.get(Report, receipt.report_id)
    lat, lon = db.session.execute(
        sa.select(sa.func.ST_Y(Report.location), sa.func.ST_X(Report.location)).where(Report.id == report.id)
    ).one()
    assert (round(lat, 4), round(lon, 4)) != (round(EMMEN_CENTRE[0], 4), round(EMMEN_CENTRE[1], 4))
    assert report.location_method == "gemeente" and report.location_description is None
    assert report.email is None and report.safety_feeling is None


@pytest.mark.parametrize("code", ["bestaat-niet", "GM0114"])
def test_an_area_that_is_not_a_wijk_or_dorp_is_refused(app, signal, code):
    with pytest.raises(SubmissionRejected) as refused:
        submit_report(signal(area_code=code))
    assert set(refused.value.problems) == {"area"}


def test_a_signal_is_nowhere_shown_as_a_spot(app, signal, new_report, make_user):
    """Not on the queue map, not near another report, not in the field list, not in any analysis grid or cluster,
    not in an early warning; even for the policy officer who may see restricted reports."""
    from meldpunt.analysis.filters import AnalysisFilters
    from meldpunt.analysis.hotspots import cell_counts, clusters

    oov = make_user("spanning", "oov", sees_restricted=True)
    dorp = _dorp()
    ids = [submit_report(signal(area_code=dorp.code)).report_id for _ in range(3)]
    ids += [submit_report(signal()).report_id for _ in range(3)]
    db.session.commit()
    queue = db.session.scalar(sa.select(Queue).where(Queue.code == "OOV"))
    data = queue_map_data(queue, QueueFilters(state=None), oov)
    assert data["features"] == []
    for report_id in ids:
        assert nearby_reports(db.session.get(Report, report_id), oov) == []
    assert not {r.id for r, _d, _live in open_field_reports_near(None)} & set(ids)
    # Even counted as if it were not restricted (a beheerder may change a category's data), it is in no cell.
    conditions = [Report.id.in_(ids)]
    assert db.session.execute(sa.select(sa.func.count()).select_from(cell_counts(conditions, 250))).scalar() == 0
    assert clusters(conditions, 200, 3) == []
    assert AnalysisFilters().conditions()  # the analysis' own scope leaves restricted reports out before all this


def test_the_point_on_surface_is_made_by_both_databases(app):
    """ST_PointOnSurface of a ragged outline lies inside it (a centroid need not)."""
    dorp = _dorp()
    inside = db.session.scalar(
        sa.select(sa.func.ST_Intersects(Area.geom, sa.func.ST_PointOnSurface(Area.geom))).where(Area.id == dorp.id)
    )
    assert inside
    assert db.session.scalar(sa.select(sa.func.ST_SRID(sa.func.ST_PointOnSurface(Area.geom))).where(
        Area.id == dorp.id)) == WGS84  # fmt: skip


def test_midden_drenthe_signals_go_to_the_team_where_oov_acts(make_app, new_report):
    from meldpunt.profiles import PROFILES
    from meldpunt.seed import seed_reference_data

    app = make_app(PROFILE="midden-drenthe")
    with app.app_context():
        db.session.execute(sa.delete(RoutingRule))
        db.session.commit()
        seed_reference_data(PROFILES["midden-drenthe"])
        db.session.commit()
        receipt = submit_report(new_report(kind="spanningen", category_code="polarisatie", description=SIGNAL_TEXT,
                                           position=None, incident_at=utcnow() - timedelta(hours=1)))  # fmt: skip
        assert receipt.queue_code == "VEILIGHEID"
        report = db.session.get(Report, receipt.report_id)
        midden_drenthe = sa.select(Municipality.geom).where(Municipality.code == "GM1731").scalar_subquery()
        assert _inside(report.id, midden_drenthe)


def test_a_signal_about_a_cbs_wijk_keeps_it_when_the_kaart_is_imported_again(app, signal):
    """A wijk from the CBS kaart is offered; importing the kaart again (which re-links every report of the updated
    areas by its point) leaves the signal with its wijk only, not the buurt its stand-in point lies in."""
    from pathlib import Path

    from meldpunt.geo.areas import import_areas

    data = Path(__file__).resolve().parent.parent / "fixtures" / "data"
    for name, kind in (("cbs_wijken_2023_rd.geojson", "wijk"), ("cbs_buurten_2023_rd.geojson", "buurt")):
        import_areas(data / name, kind=kind, municipality_code="GM0114")
    db.session.commit()
    wijk = next(a for a in signal_area_choices() if a.kind == "wijk")
    assert {a.kind for a in signal_area_choices()} == {"wijk", "dorp"}  # never a buurt
    receipt = submit_report(signal(area_code=wijk.code))
    db.session.commit()
    for name, kind in (("cbs_wijken_2023_rd.geojson", "wijk"), ("cbs_buurten_2023_rd.geojson", "buurt")):
        import_areas(data / name, kind=kind, municipality_code="GM0114")
    db.session.commit()
    report = db.session.get(Report, receipt.report_id)
    assert [a.code for a in report.areas] == [wijk.code] and report.area_id == wijk.id
