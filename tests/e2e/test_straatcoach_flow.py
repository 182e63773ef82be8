"""A straatcoach on a phone (Emmen's second field team, issue 10 item 1): field mode shows the youth-nuisance
reports of their own queue only, named as their team; claim one and close it at 360 px."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.reports.models import Report
from meldpunt.reports.submission import NewReport, submit_report
from meldpunt.staff.accounts import create_user
from tests.fixtures.staff import PASSWORD

pytestmark = pytest.mark.e2e


def _file(app, lat, lon, description, category_code):
    with app.app_context():
        receipt = submit_report(
            NewReport(kind="overlast", category_code=category_code, description=description,
                      position=LatLon(lat, lon), location_method="map", incident_at=utcnow() - timedelta(days=1))
        )  # fmt: skip
        db.session.commit()
        db.session.remove()
        return receipt


def test_a_straatcoach_claims_a_youth_report_and_closes_it(live_server, phone):
    app, base_url = live_server
    with app.app_context():
        create_user("coach-e2e", "Sam Straatcoach", ["boa"], PASSWORD, field_team="straatcoach")
        db.session.commit()
        db.session.remove()
    # The phone stands at 52.7840, 6.8955 (see the `phone` fixture).
    youth = _file(app, 52.7843, 6.8955, "Groep jongeren bij het winkelcentrum", "jeugd")
    boas = _file(app, 52.7842, 6.8955, "Bushokje ingetrapt", "vernieling")
    assert youth.queue_code == "STRAATCOACH" and boas.queue_code == "TNH"

    phone.goto(f"{base_url}/medewerkers/inloggen")
    phone.get_by_label("Gebruikersnaam").fill("coach-e2e")
    phone.get_by_label("Wachtwoord").fill(PASSWORD)
    phone.get_by_role("button", name="Inloggen").click()
    expect(phone).to_have_url(f"{base_url}/veld/")
    expect(phone.get_by_text("Uw team: Straatcoach")).to_be_visible()
    items = phone.locator(".field-item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(youth.reference)
    expect(phone.get_by_text(boas.reference)).to_have_count(0)  # the boa's report is not theirs

    items.first.locator("a").click()
    expect(phone.get_by_text("Groep jongeren bij het winkelcentrum")).to_be_visible()
    phone.get_by_role("button", name="Ik ga erheen").click()
    phone.get_by_role("button", name="Ik ben ter plaatse").click()
    phone.get_by_label("Aangesproken").check()
    phone.get_by_label("Korte notitie (intern)").fill("Vijf jongeren aangesproken, rustig vertrokken")
    phone.get_by_role("button", name="Melding afhandelen").click()
    expect(phone).to_have_url(f"{base_url}/veld/")
    expect(phone.locator(".field-empty")).to_have_text("Geen open meldingen voor uw team (straatcoach).")
    with app.app_context():
        report = db.session.get(Report, youth.report_id)
        assert report.state == "afgehandeld" and report.outcome == "aangesproken"
        assert report.assigned_to.username == "coach-e2e"
        assert db.session.get(Report, boas.report_id).state == "nieuw"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert not [e for e in phone.console_errors if "Content Security Policy" in e]
