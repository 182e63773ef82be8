"""A boa on a phone: sign in, see the nearest open reports with distances, claim one, close it; a new report
appears without a reload."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.reports.models import Report
from meldpunt.reports.submission import NewReport, submit_report
from meldpunt.staff.accounts import create_user
from tests.fixtures.staff import PASSWORD

pytestmark = pytest.mark.e2e


def _file(app, lat, lon, description, **extra):
    with app.app_context():
        values = dict(
            kind="overlast",
            category_code="vernieling",
            description=description,
            position=LatLon(lat, lon),
            location_method="map",
            incident_at=utcnow() - timedelta(days=1),
        )
        values.update(extra)
        receipt = submit_report(NewReport(**values))
        db.session.commit()
        db.session.remove()
        return receipt


def _boa(app):
    with app.app_context():
        create_user("boa-e2e", "Bram Boa", ["boa"], PASSWORD)
        db.session.commit()
        db.session.remove()


def _sign_in(page, base_url):
    page.goto(f"{base_url}/medewerkers/inloggen")
    page.get_by_label("Gebruikersnaam").fill("boa-e2e")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_boa_claims_the_nearest_report_and_closes_it(live_server, phone):
    app, base_url = live_server
    _boa(app)
    # The phone stands at 52.7840, 6.8955 (see the `phone` fixture).
    far = _file(app, 52.7900, 6.8955, "Vernielde bank bij de vijver")  # ~670 m
    near = _file(app, 52.7843, 6.8955, "Bushokje ingetrapt")  # ~33 m
    _sign_in(phone, base_url)
    expect(phone).to_have_url(f"{base_url}/veld/")
    items = phone.locator(".field-item")
    expect(items.first).to_contain_text("m")
    # After the position arrives the list is sorted by distance.
    expect(items.first.locator(".distance")).to_have_text("33 m", timeout=15000)
    expect(items.nth(1).locator(".distance")).to_have_text(re.compile(r"^66\d m$"))
    items.first.locator("a").click()
    expect(phone.get_by_text("Bushokje ingetrapt")).to_be_visible()
    phone.get_by_role("button", name="Ik ga erheen").click()
    phone.get_by_role("button", name="Ik ben ter plaatse").click()
    phone.get_by_label("Aangesproken").check()
    phone.get_by_label("Korte notitie (intern)").fill("Twee jongens aangesproken")
    phone.get_by_role("button", name="Melding afhandelen").click()
    expect(phone).to_have_url(f"{base_url}/veld/")
    expect(phone.locator(".field-item")).to_have_count(1)
    with app.app_context():
        report = db.session.get(Report, near.report_id)
        assert report.state == "afgehandeld" and report.outcome == "aangesproken"
        assert [h.event for h in report.history][-3:] == ["claim", "on_site", "close"]
        assert db.session.get(Report, far.report_id).state == "nieuw"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert not [e for e in phone.console_errors if "Content Security Policy" in e]
    assert phone.outside_requests == []


def test_a_new_report_appears_without_a_reload(live_server, phone):
    app, base_url = live_server
    _boa(app)
    _file(app, 52.7850, 6.8955, "Eerste melding")
    _sign_in(phone, base_url)
    expect(phone.locator(".field-item")).to_have_count(1)
    # Happened yesterday, reported now: live in the list, and routed to the field whether or not boa's are on duty.
    _file(app, 52.7845, 6.8955, "Jongeren slaan ruiten in")
    # The page fetches the list every 10 seconds; no navigation happens.
    url_before = phone.url
    expect(phone.locator(".field-item")).to_have_count(2, timeout=15000)
    expect(phone.locator(".field-item.live")).to_have_count(2)
    assert phone.url == url_before
    expect(phone.locator("#new-reports")).to_have_text("Er zijn nieuwe meldingen binnengekomen.")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 2


def test_sorting_by_position_does_not_announce_new_reports(live_server, phone):
    app, base_url = live_server
    _boa(app)
    for lat in (52.7850, 52.7900, 52.7950):
        _file(app, lat, 6.8955, "Oude melding")
    polls = []
    phone.on("request", lambda request: "/veld/lijst" in request.url and polls.append(request))
    _sign_in(phone, base_url)
    expect(phone.locator("#position-status")).to_have_text("Gesorteerd op afstand tot uw positie.")
    phone.wait_for_timeout(11000)  # one refresh round
    expect(phone.locator("#new-reports")).to_be_empty()
    # The officer's position travels in a header, never in an address that ends up in logs.
    assert polls and all("52.78" not in request.url for request in polls)
    assert any(request.headers.get("x-position", "").startswith("52.784") for request in polls)
