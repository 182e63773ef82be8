"""A resident without a mouse, a finger or the map: the whole report, from the start page to the receipt, with
the Tab and Enter keys only, the map never touched. Every element that takes the focus shows it; the problems of
a rejected form are focused and read out first, and each one leads to its field."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.axe import assert_accessible

pytestmark = [
    pytest.mark.e2e,
    # The flow stores a report; storing on both backends is covered by test_report_flow.py.
    pytest.mark.only_backends("spatialite"),
    pytest.mark.filterwarnings(r"ignore:unclosed file <_io\.\w+ name='[^']*/static/:ResourceWarning"),
]

# What makes a focused element visible: an outline or a ring, and not the browser's bare default.
FOCUS_SHOWN_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const ring = style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  const onScreen = box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth;
  return {shown: (outline || ring) && onScreen, what: `${el.tagName.toLowerCase()}#${el.id}.${el.className}`,
          text: (el.innerText || el.value || '').trim().slice(0, 60)};
}"""


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus; every stop on the way must show it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_SHOWN_JS)
        assert focused is not None, "the focus fell back to the page"
        assert focused["shown"], f"focus not visible on {focused}"
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab")


def follow(page: Page) -> None:
    """Enter on a link or a submit button: wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def focused_matches(page: Page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement.matches(s)", selector)


@pytest.fixture
def keyboard(chromium):
    """A desktop browser with no position to give: the reporter never uses the map or the location."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


def test_a_report_with_the_keyboard_only(live_server, keyboard, axe_source):
    app, base_url = live_server
    page = keyboard
    page.goto(base_url + "/")

    # The first stop is the skip link, visible when focused; it goes straight to the content.
    tab_to(page, "a.skip-link", limit=1)
    page.keyboard.press("Enter")
    tab_to(page, "a.choice[href$='/melden/onveilige_plek']")
    follow(page)
    tab_to(page, "a.choice[href$='/verlichting']")
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Onveilige plek: Slechte of kapotte verlichting")

    # Sent empty: the problems are focused (and so read out), and each leads to its field.
    tab_to(page, "button.button-primary[value=review]", limit=80)
    follow(page)
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    tab_to(page, "#error-summary a[href='#location']", limit=3)
    page.keyboard.press("Enter")
    assert focused_matches(page, "#location")
    page.locator("#error-summary").focus()
    tab_to(page, "#error-summary a[href='#description']", limit=3)
    page.keyboard.press("Enter")
    assert focused_matches(page, "textarea#description")
    expect(page.locator("#description")).to_have_attribute("aria-invalid", "true")
    assert "description-error" in page.locator("#description").get_attribute("aria-describedby")
    assert_accessible(page, axe_source)

    # The place without the map: search, choose a result, describe the spot.
    page.keyboard.type("Er brandt al weken geen lamp langs het fietspad.")
    page.keyboard.press("Shift+Tab")
    for _ in range(40):
        if focused_matches(page, "#place_query"):
            break
        page.keyboard.press("Shift+Tab")
    page.keyboard.type("Klazienaveen")
    page.keyboard.press("Enter")
    expect(page.locator("#place-results button").first).to_be_visible()  # the results arrive by fetch
    tab_to(page, "#place-results button", limit=3)
    expect(page.locator("#place-results button").first).to_have_text("Klazienaveen, Emmen")
    page.keyboard.press("Enter")
    expect(page.locator("#location-status")).to_contain_text("De kaart laat de plaats zien die u heeft gevonden.")
    tab_to(page, "#location_description", limit=30)  # from the confirmation above the map, which gets the focus
    page.keyboard.type("Fietspad achter de Kerkweg, bij het speelveld")
    tab_to(page, "button.button-primary[value=review]", limit=40)
    follow(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Controleer uw melding")
    tab_to(page, "button[value=send]", limit=40)
    follow(page)
    expect(page.locator("#reference")).to_have_text(re.compile(r"^EMN-[A-Z2-9]{6}$"))
    tab_to(page, "a#tracking-link", limit=40)
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.startswith(base_url + "/volg/")
