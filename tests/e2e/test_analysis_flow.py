"""OOV's analysis in a real Chromium, at desktop size and on a phone: the map fetches its layers, the figures are
there without the map, nothing comes from outside, and the page fits a 360 px screen."""

import pytest
from playwright.sync_api import expect

from meldpunt.extensions import db
from meldpunt.staff.accounts import create_user
from tests.analysis.test_hotspots import STATION, offset
from tests.e2e.test_field_flow import _file
from tests.fixtures.browser import CHROMIUM_ARGS  # noqa: F401  (the same browser set-up)
from tests.fixtures.staff import PASSWORD

pytestmark = pytest.mark.e2e


def _oov_and_reports(app):
    with app.app_context():
        create_user("oov-e2e", "Olga OOV", ["oov"], PASSWORD)
        db.session.commit()
        db.session.remove()
    for i in range(6):
        lat, lon = offset(STATION, -i * 5, 0)
        _file(app, lat, lon, "Vernielde fietsenstalling")


def _sign_in(page, base_url):
    page.goto(f"{base_url}/medewerkers/inloggen?next=/analyse/")
    page.get_by_label("Gebruikersnaam").fill("oov-e2e")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


@pytest.mark.parametrize("width", [1366, 360])
def test_the_analysis_map_and_figures(live_server, chromium, width):
    app, base_url = live_server
    _oov_and_reports(app)
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    page = context.new_page()
    errors, outside = [], []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on(
        "request",
        lambda req: not req.url.startswith(("http://127.0.0.1", "data:", "blob:")) and outside.append(req.url),
    )
    _sign_in(page, base_url)
    expect(page).to_have_url(f"{base_url}/analyse/")
    expect(page.get_by_role("heading", name="Analyse: waar en wanneer")).to_be_visible()
    # The grid layer arrives as GeoJSON and is drawn: one cell with six reports.
    expect(page.locator("#analysis-map path.leaflet-interactive").first).to_be_attached(timeout=10000)
    expect(page.locator(".leaflet-control-layers")).to_contain_text("Rastercellen")
    expect(page.locator(".leaflet-control-layers")).to_contain_text("Clusters")  # drawn from the page itself
    # The same figures without the map.
    expect(page.locator("table.week-matrix")).to_be_visible()
    expect(page.get_by_role("link", name="Trends en doelen")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("link", name="Trends en doelen").click()
    expect(page.get_by_role("heading", name="Trends en doelen")).to_be_visible()
    for link in ("Doorlooptijden", "Onveilige plekken", "Woonoverlast", "Vroegsignalen"):
        page.locator(".queue-tabs").get_by_role("link", name=link).click()
        page.wait_for_load_state("networkidle")
        expect(page.locator("h1")).to_be_visible()
        # Wide tables scroll inside their own box; the page itself fits the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, link
    assert not [e for e in errors if "Content Security Policy" in e]
    assert outside == []
    page.wait_for_load_state("networkidle")  # no request still running when the server stops
    context.close()
