"""Routing at submission (DESIGN §3, Emmen's defaults), through the real submission path."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.profiles import PROFILES
from meldpunt.reports.models import Report, RoutingRule
from meldpunt.reports.submission import submit_report

EMMEN = PROFILES["emmen"]


def test_service_hours_of_emmen(at):
    assert EMMEN.field_team_on_duty(at(2026, 11, 18, 14, 0))  # Wednesday afternoon
    assert not EMMEN.field_team_on_duty(at(2026, 11, 18, 23, 30))  # Wednesday late
    assert EMMEN.field_team_on_duty(at(2026, 11, 21, 1, 30))  # Friday night shift runs into Saturday
    assert not EMMEN.field_team_on_duty(at(2026, 11, 21, 4, 0))
    assert not EMMEN.field_team_on_duty(at(2026, 11, 18, 6, 0))


# (kind, category, minutes before the report, expected queue) on a Wednesday afternoon (boa's on duty).
ON_DUTY_CASES = [
    ("straatintimidatie", "naroepen", 0, "TNH"),
    ("straatintimidatie", "seksuele_intimidatie", 45, "TNH"),
    ("straatintimidatie", "volgen", 3 * 60, "OOV"),
    ("straatintimidatie", "discriminatie", 3 * 24 * 60, "OOV"),
    ("overlast", "jeugd", 0, "STRAATCOACH"),  # youth nuisance: the straatcoaches
    ("overlast", "alcohol", 0, "TNH"),
    ("overlast", "geluid", 600, "TNH"),
    ("overlast", "vernieling", 0, "TNH"),
    ("overlast", "wildplassen", 0, "TNH"),
    ("overlast", "station_uitgaan", 0, "TNH"),
    ("overlast", "parkeren", 0, "TNH"),
    ("overlast", "lachgas", 0, "TNH"),
    ("overlast", "drugs", 0, "OOV"),
    ("overlast", "verward", 0, "OOV"),
    ("overlast", "woonoverlast", 0, "OOV"),
    ("overlast", "verkeer", 0, "OOV"),
    ("onveilige_plek", "verlichting", None, "OOV"),
    ("onveilige_plek", "begroeiing", None, "OOV"),
    ("verdachte_situatie", "hennep", 0, "OOV"),
]


@pytest.mark.parametrize("kind, category, minutes_ago, queue", ON_DUTY_CASES)
def test_default_routing_while_the_field_team_is_on_duty(app, new_report, at, kind, category, minutes_ago, queue):
    now = at(2026, 11, 18, 14, 0)
    incident = now - timedelta(minutes=minutes_ago) if minutes_ago is not None else None
    receipt = submit_report(
        new_report(kind=kind, category_code=category, incident_at=incident, incident_is_now=minutes_ago == 0),
        now=now,
    )
    assert receipt.queue_code == queue
    assert not receipt.urgent_outside_service_hours


@pytest.mark.parametrize("kind, category", [("straatintimidatie", "naroepen"), ("overlast", "jeugd")])
def test_happening_now_outside_service_hours_goes_to_oov_and_tells_the_reporter(app, new_report, at, kind, category):
    now = at(2026, 11, 18, 23, 40)  # Wednesday, boa's off duty
    receipt = submit_report(new_report(kind=kind, category_code=category, incident_at=now), now=now)
    assert receipt.queue_code == "OOV"
    assert receipt.urgent_outside_service_hours
    report = db.session.get(Report, receipt.report_id)
    assert report.routed_outside_service_hours


def test_older_field_nuisance_outside_hours_waits_for_the_boas(app, new_report, at):
    now = at(2026, 11, 18, 23, 40)
    receipt = submit_report(
        new_report(kind="overlast", category_code="vernieling", incident_at=now - timedelta(days=1)), now=now
    )
    assert receipt.queue_code == "TNH"
    assert not receipt.urgent_outside_service_hours


def test_the_report_is_in_its_queue_with_a_history_line_when_the_receipt_is_given(app, new_report, at):
    now = at(2026, 11, 18, 14, 0)
    receipt = submit_report(new_report(incident_at=now), now=now)
    db.session.expire_all()
    report = db.session.get(Report, receipt.report_id)
    assert report.queue.code == "TNH"
    assert report.state == "nieuw"
    [line] = report.history
    assert (line.from_state, line.to_state, line.actor) == (None, "nieuw", "melder")
    assert "Straatintimidatie, nu of < 1 uur" in line.reason


def test_rules_are_data_evaluated_in_order(app, new_report, at, tmp_path):
    """A beheerder's rule for a zone (e.g. stationsgebied) placed first wins over the defaults."""
    from meldpunt.geo.areas import import_areas
    from meldpunt.reports.models import Queue

    zone = tmp_path / "zone.geojson"
    zone.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Stationsgebied"},'
        ' "geometry": {"type": "Polygon", "coordinates": [[[6.895, 52.784], [6.901, 52.784], [6.901, 52.788],'
        " [6.895, 52.788], [6.895, 52.784]]]}}]}"
    )
    import_areas(zone, kind="zone")
    tnh = db.session.scalar(sa.select(Queue).where(Queue.code == "TNH"))
    db.session.add(RoutingRule(position=1, description="Stationsgebied: altijd boa's", area_kinds=["zone"], queue=tnh))
    db.session.commit()
    now = at(2026, 11, 18, 14, 0)
    inside = submit_report(new_report(kind="onveilige_plek", category_code="donker", lat=52.786, lon=6.898), now=now)
    outside = submit_report(new_report(kind="onveilige_plek", category_code="donker", lat=52.7800, lon=6.8900), now=now)
    assert inside.queue_code == "TNH"
    assert outside.queue_code == "OOV"
    assert db.session.get(Report, inside.report_id).area.name == "Stationsgebied"
    assert db.session.get(Report, outside.report_id).area.kind == "dorp"  # outside the zone: only the village


def test_an_inactive_rule_is_skipped(app, new_report, at):
    rule = db.session.scalar(
        sa.select(RoutingRule).where(RoutingRule.description == "Overlast in de openbare ruimte: toezicht")
    )
    rule.active = False
    db.session.commit()
    now = at(2026, 11, 18, 14, 0)
    receipt = submit_report(new_report(kind="overlast", category_code="alcohol", incident_at=now), now=now)
    assert receipt.queue_code == "OOV"


def test_midden_drenthe_has_one_queue(make_app, new_report, at):
    from meldpunt.profiles import PROFILES as profiles
    from meldpunt.seed import seed_reference_data

    app = make_app(PROFILE="midden-drenthe")
    with app.app_context():
        # The test database was seeded for Emmen; a Midden-Drenthe deployment seeds its own rules.
        db.session.execute(sa.delete(RoutingRule))
        db.session.commit()
        seed_reference_data(profiles["midden-drenthe"])
        now = at(2026, 11, 18, 14, 0)
        receipt = submit_report(new_report(lat=52.862, lon=6.513, incident_at=now), now=now)
        assert receipt.queue_code == "VEILIGHEID"
        assert receipt.reference.startswith("MDR-")
