"""Issue 10, item 4: a schouw walked on a 360 px phone in Chromium. A boa starts the walk with the organisations that
walk along, records three unsafe spots as the group moves (each with its answers, the phone's position and a
photo), finishes it, and sees one schouw with three reports and the short report of the walk, which prints
without the navigation and without anything only a screen uses."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from meldpunt.extensions import db
from meldpunt.reports.models import Report
from meldpunt.reports.schouw import Schouw
from tests.e2e.test_field_flow import _boa, _sign_in
from tests.fixtures.axe import assert_tap_targets
from tests.fixtures.browser import PHONE
from tests.fixtures.reports import jpeg_with_gps

pytestmark = pytest.mark.e2e

# Three spots along the walk through Emmen-Centrum, with what the group answered at each.
SPOTS = [
    {"position": (52.7840, 6.8955), "category": "Donkere plek", "lighting": "Geen verlichting of kapot",
     "times": "'s Avonds", "score": "4", "seen": "Drie lantaarnpalen kapot bij het fietspad."},
    {"position": (52.7851, 6.8970), "category": "Dichte begroeiing, geen zicht", "lighting": "Slecht",
     "times": "'s Nachts", "score": "5", "seen": "Hoge struiken langs het pad naar de tunnel."},
    {"position": (52.7862, 6.8984), "category": "Onoverzichtelijke of verlaten route", "lighting": "Goed",
     "times": "'s Avonds", "score": "2", "seen": "Tunneltje, wel verlicht maar verlaten."},
]  # fmt: skip


def _group(page, legend):
    return page.get_by_role("group", name=legend)


def _no_sideways_scrolling(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_a_schouw_of_three_spots_is_one_walk_with_its_report(live_server, phone):
    app, base_url = live_server
    _boa(app)
    _sign_in(phone, base_url)
    expect(phone).to_have_url(f"{base_url}/veld/")
    phone.locator("nav.staff-nav").get_by_role("link", name="Schouw").click()

    phone.get_by_label("Naam van de schouw").fill("Avondschouw Emmen-Centrum")
    participants = _group(phone, "Wie lopen er mee")
    participants.get_by_label("Wijkplatform").check()
    participants.get_by_label("Politie").check()
    phone.get_by_label("Anderen (organisaties, geen namen)").fill("Jongerenwerk")
    _no_sideways_scrolling(phone)
    assert_tap_targets(phone)
    phone.get_by_role("button", name="Schouw beginnen").click()
    expect(phone.get_by_role("heading", name="Avondschouw Emmen-Centrum")).to_be_visible()
    expect(phone.locator("main")).to_contain_text("Wijkplatform, Politie, Jongerenwerk")

    for number, spot in enumerate(SPOTS, start=1):
        latitude, longitude = spot["position"]
        phone.context.set_geolocation({"latitude": latitude, "longitude": longitude})  # the group walks on
        phone.get_by_label("Wat maakt deze plek onveilig?").select_option(label=spot["category"])
        phone.get_by_role("button", name="Gebruik mijn locatie").click()
        expect(phone.get_by_label("Breedtegraad")).to_have_value(f"{latitude:.6f}")
        _group(phone, "Wanneer voelt het onveilig?").get_by_label(spot["times"]).check()
        _group(phone, "Hoe is de verlichting?").get_by_label(spot["lighting"]).check()
        _group(phone, "Hoe onveilig voelt het? (1 = een beetje, 5 = heel erg)").get_by_label(
            spot["score"], exact=True
        ).check()
        phone.get_by_label("Wat zag de groep?").fill(spot["seen"])
        phone.get_by_label("Foto (niet verplicht)").set_input_files(
            {"name": f"plek-{number}.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}
        )
        _no_sideways_scrolling(phone)
        phone.get_by_role("button", name="Plek opslaan").click()
        expect(phone.locator(".flash")).to_contain_text(re.compile(rf"Plek {number} vastgelegd \(EMN-"))
        expect(phone.locator("ol.schouw-spots > li")).to_have_count(number)
        # Back at an empty spot form for the next one, scrolled to it.
        expect(phone.get_by_label("Wat zag de groep?")).to_have_value("")

    phone.get_by_label("Wat de schouw opleverde en wat is afgesproken (geen namen van bewoners)").fill(
        "Verlichting bij het fietspad melden.\nStruiken snoeien voor de winter."
    )
    phone.get_by_role("button", name="Afronden en verslag tonen").click()
    expect(phone.get_by_role("heading", name="Verslag van de schouw: Avondschouw Emmen-Centrum")).to_be_visible()
    main = phone.locator("main")
    expect(main).to_contain_text("Wijkplatform, Politie, Jongerenwerk")
    expect(main).to_contain_text("Struiken snoeien voor de winter.")
    sections = main.locator("section")
    expect(sections).to_have_count(3)
    for section, spot in zip(sections.all(), SPOTS, strict=True):
        expect(section.get_by_role("heading")).to_contain_text(spot["category"])
        expect(section).to_contain_text(spot["seen"])
        expect(section).to_contain_text(spot["lighting"])
        expect(section).to_contain_text("1 foto")
    _no_sideways_scrolling(phone)

    with app.app_context():
        [schouw] = db.session.scalars(sa.select(Schouw)).all()
        assert schouw.finished_at is not None and schouw.participants == ["wijkplatform", "politie"]
        reports = db.session.scalars(sa.select(Report).order_by(Report.id)).all()
        assert [r.id for r in schouw.reports] == [r.id for r in reports] and len(reports) == 3
        for report, spot in zip(reports, SPOTS, strict=True):
            assert report.channel == "schouw" and report.location_method == "gps"
            assert report.answers["unsafe_score"] == spot["score"] and len(report.photos) == 1
            lon, lat = db.session.execute(
                sa.select(sa.func.ST_X(Report.location), sa.func.ST_Y(Report.location)).where(Report.id == report.id)
            ).one()
            assert (round(lat, 4), round(lon, 4)) == spot["position"]  # where the phone was at that spot
        db.session.remove()

    # On paper: the report of the walk only, without the navigation, the language chooser or any control.
    phone.emulate_media(media="print")
    expect(phone.get_by_role("heading", name="Verslag van de schouw: Avondschouw Emmen-Centrum")).to_be_visible()
    expect(sections).to_have_count(3)
    for hidden in ("nav.staff-nav", "nav.language", ".site-footer", "form", "button"):
        for element in phone.locator(hidden).all():
            expect(element).to_be_hidden()
    assert phone.evaluate("getComputedStyle(document.body).backgroundColor") in ("rgb(255, 255, 255)",
                                                                                "rgba(0, 0, 0, 0)")  # fmt: skip
    phone.emulate_media(media="screen")
    expect(phone.locator("nav.staff-nav")).to_be_visible()
    assert not [e for e in phone.console_errors if "Content Security Policy" in e]
    assert phone.outside_requests == []
