"""Risk zones (issue 10, item 5): OOV or the TNH coordinator designate a hotspot for the field team from one day to
another; a routing rule can test "inside an active risk zone" (Emmen's default: harassment there goes to the boa's
while they are on duty), and the field list marks the reports inside one. Every change is audited."""

import json
import re
from datetime import date, timedelta

import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.events.models import RiskZone
from meldpunt.extensions import db
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.submission import submit_report
from meldpunt.staff.models import AuditEntry
from tests.events.test_events import AROUND_EMMEN, KLAZIENAVEEN


def _zone_form(name, starts_on: date, ends_on: date, **place):
    return {"name": name, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(),
            "area": str(place.get("area", "")), "outline": place.get("outline", "")}  # fmt: skip


def _designate(client, name, starts_on, ends_on):
    response = client.post("/medewerkers/risicogebieden/nieuw",
                           data=_zone_form(name, starts_on, ends_on, outline=json.dumps(AROUND_EMMEN)))  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    return db.session.scalar(sa.select(RiskZone).where(RiskZone.name == name))


def test_harassment_in_an_active_risk_zone_goes_to_the_field_team(app, staff, login, new_report, at):
    coordinator = app.test_client()
    login(coordinator, staff["tnh"])
    wednesday = at(2026, 11, 18, 14, 0)  # the boa's are on duty
    zone = _designate(coordinator, "Stationsplein", date(2026, 11, 17), date(2026, 11, 19))

    def queue_of(now, lat=52.7858, lon=6.8975):
        return submit_report(new_report(lat=lat, lon=lon, incident_at=now - timedelta(days=2)), now=now).queue_code

    # Harassment two days ago is a pattern for OOV, unless it happened in an active risk zone.
    assert queue_of(wednesday) == "TNH"
    assert queue_of(wednesday, *KLAZIENAVEEN) == "OOV"  # outside the zone
    assert queue_of(at(2026, 11, 20, 14, 0)) == "OOV"  # after its last day
    assert queue_of(at(2026, 11, 18, 6, 0)) == "OOV"  # the boa's are off duty

    coordinator.post(f"/medewerkers/risicogebieden/{zone.id}/verwijderen", data={})
    assert queue_of(wednesday) == "OOV"
    actions = list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("risk_zone_%"))
                                      .order_by(AuditEntry.id)))  # fmt: skip
    assert actions == ["risk_zone_created", "risk_zone_deleted"]


def test_the_field_list_marks_reports_in_an_active_risk_zone(app, staff, login, new_report):
    earlier = utcnow() - timedelta(days=2)  # not "now": field nuisance goes to the field queue at any hour
    inside = submit_report(new_report(kind="overlast", category_code="vernieling", incident_at=earlier)).report_id
    outside = submit_report(new_report(kind="overlast", category_code="vernieling", incident_at=earlier,
                                       lat=KLAZIENAVEEN[0], lon=KLAZIENAVEEN[1])).report_id  # fmt: skip
    db.session.commit()
    boa = app.test_client()
    login(boa, staff["boa"])

    def marked(page):
        cards = re.findall(r'<li class="field-item[^"]*"\s+data-id="(\d+)".*?</li>', page, re.S)
        return {int(i) for i in cards if "badge-risk-zone" in page.split(f'data-id="{i}"', 1)[1].split("</li>", 1)[0]}

    assert marked(boa.get("/veld/").get_data(as_text=True)) == set()
    oov = app.test_client()
    login(oov, staff["oov"])
    today = utcnow().astimezone(LOCAL_TZ).date()
    zone = _designate(oov, "Centrum", today, today + timedelta(days=7))
    assert marked(boa.get("/veld/").get_data(as_text=True)) == {inside}
    assert marked(boa.get("/veld/lijst").get_data(as_text=True)) == {inside}
    assert outside  # listed, not marked

    # Moved to start next week: not active today.
    oov.post(f"/medewerkers/risicogebieden/{zone.id}",
             data=_zone_form("Centrum", today + timedelta(days=7), today + timedelta(days=14),
                             outline=json.dumps(AROUND_EMMEN)))  # fmt: skip
    assert marked(boa.get("/veld/").get_data(as_text=True)) == set()
    listing = oov.get("/medewerkers/risicogebieden").get_data(as_text=True)
    assert "Centrum" in listing.split(f'id="zone-{zone.id}"', 1)[1].split("</tr>", 1)[0]


def test_a_risk_zone_needs_a_name_a_period_and_a_place(app, staff, login):
    coordinator = app.test_client()
    login(coordinator, staff["tnh"])
    today = date(2026, 11, 18)
    response = coordinator.post("/medewerkers/risicogebieden/nieuw",
                                data=_zone_form("Marktplein", today, today - timedelta(days=1),
                                                outline=json.dumps(AROUND_EMMEN)))  # fmt: skip
    assert response.status_code == 422
    assert "laatste dag" in response.get_data(as_text=True)
    response = coordinator.post("/medewerkers/risicogebieden/nieuw", data=_zone_form("Marktplein", today, today))
    assert response.status_code == 422 and "Kies een gebied" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RiskZone)) == 0
