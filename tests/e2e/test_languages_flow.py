"""A resident files a straatintimidatie report with the keyboard alone, in each of the six languages, on a phone
(360 px) in a real Chromium: Tab, Shift+Tab, Space, Enter and typing, never the mouse, never the map ("use my
location" with the location granted). Half of them get their language from the browser (Accept-Language), the
others choose it in the language chooser. Arabic reads right to left, the form and the map's controls too, while
the map itself stays geographic. No page scrolls sideways.

The texts expected on each page come from the catalogues, so the test follows the translations as they are
written. The database side (the report's language, its mail) is covered on both backends in
tests/web/test_languages.py; this walk runs on SpatiaLite."""

import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect

from meldpunt.extensions import db
from meldpunt.reports.models import Report
from tests.fixtures.browser import PHONE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.only_backends("spatialite"),
    # See tests/e2e/test_report_flow.py: Werkzeug's test server may leave a static file unclosed when Leaflet
    # cancels a tile request.
    pytest.mark.filterwarnings(r"ignore:unclosed file <_io\.\w+ name='[^']*/static/:ResourceWarning"),
]

REFERENCE = re.compile(r"^EMN-[A-Z2-9]{6}$")

# (language, the browser's language, whether the resident picks the language in the chooser)
WALKS = [
    ("nl", "nl-NL", False),
    ("en", "en-GB", False),
    ("de", "nl-NL", True),
    ("pl", "pl-PL", False),
    ("ar", "nl-NL", True),
    ("uk", "uk-UA", False),
]
DESCRIPTIONS = {
    "nl": "Twee mannen riepen mij na bij de bushalte.",
    "en": "Two men shouted at me at the bus stop.",
    "de": "Zwei Männer haben mir an der Bushaltestelle hinterhergerufen.",
    "pl": "Dwóch mężczyzn krzyczało za mną na przystanku.",
    "ar": "صرخ رجلان خلفي عند محطة الحافلات.",
    "uk": "Двоє чоловіків кричали мені вслід на зупинці.",
}


def text_in(app, lang: str, msgid: str, **variables) -> str:
    with app.app_context(), force_locale(lang):
        return gettext(msgid, **variables)


def focused(page: Page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 60) -> None:
    """Tab (or Shift+Tab) until the element is focused, as a keyboard user moves through the page."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"{selector} cannot be reached with {'Shift+Tab' if backwards else 'Tab'}")


def press_and_wait(page: Page, key: str = "Enter") -> None:
    """A key that follows a link or sends a form: the next page has loaded when this returns."""
    with page.expect_navigation():
        page.keyboard.press(key)


def assert_fits_the_phone(page: Page) -> None:
    """Nothing sticks out sideways at 360 px: the page never scrolls horizontally, in either direction."""
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1] == PHONE["width"], sizes


def assert_direction(page: Page, lang: str) -> None:
    direction = "rtl" if lang == "ar" else "ltr"
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    assert page.evaluate("() => getComputedStyle(document.querySelector('main')).direction") == direction


@pytest.mark.parametrize(("lang", "browser_language", "choose"), WALKS, ids=[w[0] for w in WALKS])
def test_a_report_with_the_keyboard_alone(live_server, chromium, lang, browser_language, choose):
    app, base_url = live_server
    context = chromium.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale=browser_language,
        geolocation={"latitude": 52.7840, "longitude": 6.8955},
        permissions=["geolocation"],
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        page.goto(base_url + "/")
        if choose:
            # The chooser names the language in itself; Enter follows the link.
            tab_to(page, f'nav.language a[hreflang="{lang}"]')
            press_and_wait(page)
        assert_direction(page, lang)
        expect(page.locator("#report-title")).to_have_text(text_in(app, lang, "What do you want to report?"))
        assert_fits_the_phone(page)

        tab_to(page, 'a.choice[href$="/melden/straatintimidatie"]')
        press_and_wait(page)
        tab_to(page, 'a.choice[href$="/melden/straatintimidatie/naroepen"]')
        press_and_wait(page)
        category = text_in(app, lang, "Calling after or whistling at someone")
        expect(page.get_by_role("heading", level=1)).to_contain_text(category)
        assert_direction(page, lang)
        assert_fits_the_phone(page)

        # The description first, then back up to "use my location" with Shift+Tab, and Space to press it.
        tab_to(page, "#description")
        page.keyboard.type(DESCRIPTIONS[lang])
        tab_to(page, "#use-my-location", backwards=True)
        page.keyboard.press("Space")
        expect(page.locator("#location-status")).to_have_text(text_in(app, lang, "Your location is set."))
        expect(page.locator("#lat")).to_have_value(re.compile(r"^52\.78\d+$"))
        expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("aria-label", text_in(app, lang, "Zoom in"))
        if lang == "ar":
            assert_the_map_stays_geographic_with_mirrored_controls(page)
        assert_fits_the_phone(page)

        tab_to(page, "button.button-primary[value=review]")
        press_and_wait(page)
        expect(page.get_by_role("heading", level=1)).to_have_text(text_in(app, lang, "Check your report"))
        expect(page.locator("dd.description")).to_have_text(DESCRIPTIONS[lang])
        assert_direction(page, lang)
        assert_fits_the_phone(page)

        tab_to(page, "button[value=send]")
        press_and_wait(page)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            text_in(app, lang, "Thank you. We have received your report.")
        )
        expect(page.locator("#reference")).to_have_text(REFERENCE)
        assert_direction(page, lang)
        assert_fits_the_phone(page)
        reference = page.locator("#reference").inner_text().strip()
    finally:
        context.close()

    assert [e for e in errors if "Content Security Policy" in e] == []
    with app.app_context():
        try:
            report = db.session.scalar(sa.select(Report).where(Report.reference == reference))
            assert (report.locale, report.description, report.location_method) == (lang, DESCRIPTIONS[lang], "gps")
        finally:
            db.session.remove()


def assert_the_map_stays_geographic_with_mirrored_controls(page: Page) -> None:
    box = page.locator(".folium-map").bounding_box()
    zoom = page.locator(".leaflet-control-zoom").bounding_box()
    scale = page.locator(".leaflet-control-scale").bounding_box()
    # The zoom buttons move to the top right and the scale to the bottom right: the start of an Arabic line.
    assert zoom["x"] > box["x"] + box["width"] / 2
    assert scale["x"] > box["x"] + box["width"] / 2
    assert page.evaluate("() => getComputedStyle(document.querySelector('.leaflet-control-zoom')).direction") == "rtl"
    # The map itself is not mirrored: Leaflet lays out tiles and markers left to right, west on the left.
    assert page.evaluate("() => getComputedStyle(document.querySelector('.leaflet-container')).direction") == "ltr"


@pytest.mark.parametrize("lang", ["ar", "de", "uk"])
def test_every_public_page_fits_a_phone_in_the_longest_and_the_right_to_left_languages(
    live_server, chromium, new_report, lang
):
    """Arabic mirrors every page; German and Ukrainian have the longest words. Nothing may stick out sideways."""
    from meldpunt.reports.submission import submit_report

    app, base_url = live_server
    with app.app_context():
        try:
            receipt = submit_report(new_report(locale=lang))
            db.session.commit()
        finally:
            db.session.remove()
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=lang)
    page = context.new_page()
    try:
        for path in [
            "/",
            "/melden/overlast",
            "/melden/onveilige_plek/verlichting",
            "/elders/huiselijk_geweld",
            "/privacy",
            "/cijfers/",
            f"/volg/{receipt.tracking_token}",
            f"/volg/{receipt.tracking_token}/gegevens",
            "/bestaat-niet",
        ]:
            page.goto(base_url + path)
            assert_direction(page, lang)
            assert_fits_the_phone(page)
    finally:
        context.close()
