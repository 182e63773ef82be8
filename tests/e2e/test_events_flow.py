"""Events in a browser (issue 10, item 5): OOV draws an event's outline on the map by tapping its corners, saves it,
and the report made there during the event carries it; the same outline can be typed without the map."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.profiles import LOCAL_TZ
from meldpunt.staff.accounts import create_user
from tests.e2e.test_field_flow import _file
from tests.e2e.test_queue_desk import EMMEN, _sign_in, desk  # noqa: F401 (the desk fixture)
from tests.fixtures.staff import PASSWORD

pytestmark = pytest.mark.e2e


def _local(moment) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def test_oov_draws_an_event_on_the_map_and_the_report_there_carries_it(live_server, desk):  # noqa: F811
    app, base_url = live_server
    with app.app_context():
        create_user("oov-e2e", "Olga OOV", ["oov"], PASSWORD)
        db.session.commit()
        db.session.remove()
    receipt = _file(app, *EMMEN, "Vernieling bij het plein")  # a day ago, in the map's centre
    now = utcnow()
    _sign_in(desk, base_url, "oov-e2e")
    desk.goto(f"{base_url}/medewerkers/evenementen")
    desk.get_by_role("link", name="Evenement plannen").click()
    desk.get_by_label("Naam van het evenement").fill("Braderie")
    desk.get_by_label("Begint").fill(_local(now - timedelta(days=2)))
    desk.get_by_label("Eindigt").fill(_local(now))

    # Three taps around the centre of the map (which opens on the municipality's centre) draw a triangle.
    the_map = desk.locator(".folium-map")
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    cx, cy = box["width"] / 2, box["height"] / 2
    for n, (dx, dy) in enumerate(((-120, 60), (120, 60), (0, -80)), start=1):
        the_map.click(position={"x": cx + dx, "y": cy + dy})
        expect(desk.locator("#outline-status")).to_have_text(f"Punten: {n}")
        desk.wait_for_timeout(400)  # a person taps corners one by one; two quick taps are a double tap (zoom)
    outline = desk.get_by_label("Of een eigen omtrek")
    expect(outline).to_have_value(re.compile(r'"type": ?"Polygon"'))
    desk.get_by_role("button", name="Opslaan").click()
    expect(desk.locator(".flash")).to_contain_text("Braderie opgeslagen: er is 1 melding tijdens gedaan.")

    desk.goto(f"{base_url}/medewerkers/meldingen/{receipt.report_id}")
    expect(desk.get_by_text("Tijdens het evenement")).to_be_visible()
    expect(desk.locator("dd", has_text="Braderie")).to_be_visible()

    # Without the map: the same field takes typed coordinates; the form shows what was saved on the map again.
    desk.goto(f"{base_url}/medewerkers/evenementen")
    desk.get_by_role("link", name="Braderie wijzigen").click()
    expect(desk.locator("#outline-status")).to_have_text("Punten: 3")
    desk.get_by_label("Of een eigen omtrek").fill("52.722, 6.987\n52.722, 6.994\n52.727, 6.994\n52.727, 6.987")
    desk.get_by_role("button", name="Opslaan").click()
    expect(desk.locator(".flash")).to_contain_text("Braderie opgeslagen: er zijn 0 meldingen tijdens gedaan.")
