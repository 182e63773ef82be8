"""A boa in the street files a report for a resident on a phone: "use my location" fills the coordinates, the
report is stored with the channel "straat" at the phone's position."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from meldpunt.extensions import db
from meldpunt.reports.models import Report
from tests.e2e.test_field_flow import _boa, _sign_in

pytestmark = pytest.mark.e2e


def test_a_boa_files_for_a_resident_with_the_phones_location(live_server, phone):
    app, base_url = live_server
    _boa(app)
    _sign_in(phone, base_url)
    expect(phone).to_have_url(f"{base_url}/veld/")
    phone.get_by_role("link", name="Melding opnemen").click()
    expect(phone.get_by_label("Op straat, bij een handhaver")).to_be_checked()
    phone.get_by_label("Wat meldt de bewoner?").select_option("vernieling")
    phone.get_by_role("button", name="Gebruik mijn locatie").click()
    expect(phone.get_by_label("Breedtegraad")).to_have_value("52.784000")  # the `phone` fixture's position
    phone.get_by_label("Wat er gebeurde, in de woorden van de bewoner").fill("Bushokje ingetrapt, zegt een bewoner.")
    phone.get_by_role("button", name="Melding opslaan").click()
    expect(phone.locator(".flash")).to_contain_text("is opgeslagen")
    with app.app_context():
        report = db.session.scalar(sa.select(Report))
        assert report.channel == "straat" and report.location_method == "gps"
        assert report.description == "Bushokje ingetrapt, zegt een bewoner."
        db.session.remove()
