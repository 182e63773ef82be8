"""WCAG 2.1 AA (axe-core in Chromium) on every public page, in every state a resident meets it: start, categories
and empty form per kind, the form with errors, review, receipt, tracking, the pages that send people elsewhere,
privacy, figures and the error pages. Any serious or critical violation fails, with its rule, element and help.

One live app and one browser serve the whole module (`accessibility_site`); each page gets a fresh phone-sized
context, so no state leaks from one page to the next."""

import re

import pytest
from playwright.sync_api import expect

from meldpunt.reports.catalogue import CATEGORIES
from meldpunt.reports.elsewhere import ELSEWHERE
from meldpunt.reports.kinds import KINDS
from tests.fixtures.axe import assert_accessible
from tests.fixtures.browser import PHONE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings(r"ignore:unclosed file <_io\.\w+ name='[^']*/static/:ResourceWarning"),
]

CHECK_MY_REPORT = "Mijn melding controleren"
SEND_REPORT = "Melding versturen"


@pytest.fixture
def phone_page(chromium, accessibility_site):
    context = chromium.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="nl-NL",
        geolocation={"latitude": 52.7840, "longitude": 6.8955},
        permissions=["geolocation"],
    )
    page = context.new_page()
    yield page, accessibility_site["base_url"]
    context.close()


def _first_category_url(kind: str) -> str:
    return f"/melden/{kind}/{next(c.code for c in CATEGORIES if c.kind == kind)}"


def _fill_and_review(page, base_url) -> None:
    page.goto(base_url + "/melden/overlast/vernieling")
    page.locator("#use-my-location").click()
    expect(page.locator("#lat")).to_have_value(re.compile(r"^52\.78"))
    page.get_by_label("Wat is er gebeurd?").fill("Bushokje ingetrapt bij de bibliotheek.")
    page.get_by_role("button", name=CHECK_MY_REPORT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Controleer uw melding")


def _send(page, base_url) -> None:
    _fill_and_review(page, base_url)
    page.get_by_role("button", name=SEND_REPORT).click()
    expect(page.locator("#reference")).to_be_visible()


PAGES = {
    "start": lambda page, base: page.goto(base + "/"),
    "start in English": lambda page, base: page.goto(base + "/?lang=en"),
    **{f"categories {kind}": (lambda k: lambda page, base: page.goto(f"{base}/melden/{k}"))(kind) for kind in KINDS},
    "privacy": lambda page, base: page.goto(base + "/privacy"),
    "figures": lambda page, base: page.goto(base + "/cijfers/"),
    "area summaries": lambda page, base: page.goto(base + "/cijfers/gebieden/"),
    "area summary": lambda page, base: (
        page.goto(base + "/cijfers/gebieden/"),
        page.locator(".area-list a").first.click(),
        page.wait_for_load_state(),
    ),
    **{f"elsewhere {code}": (lambda c: lambda page, base: page.goto(f"{base}/elders/{c}"))(code) for code in ELSEWHERE},
    "not found": lambda page, base: page.goto(base + "/bestaat-niet"),
    # Where a redirect lands: a staff page asked for while signed out, a language switch on a form.
    "staff page signed out": lambda page, base: page.goto(base + "/veld/"),
    "form in English": lambda page, base: page.goto(base + "/melden/overlast/vernieling?lang=en"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_accessible(phone_page, axe_source, name):
    page, base_url = phone_page
    PAGES[name](page, base_url)
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("kind", list(KINDS))
def test_empty_form_is_accessible(phone_page, axe_source, kind):
    page, base_url = phone_page
    page.goto(base_url + _first_category_url(kind))
    expect(page.locator("form#report-form")).to_be_visible()
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("kind", list(KINDS))
def test_form_with_errors_is_accessible(phone_page, axe_source, kind):
    page, base_url = phone_page
    page.goto(base_url + _first_category_url(kind))
    page.get_by_role("button", name=CHECK_MY_REPORT).click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page, axe_source)


def test_review_is_accessible(phone_page, axe_source):
    page, base_url = phone_page
    _fill_and_review(page, base_url)
    assert_accessible(page, axe_source)


def test_care_contact_on_the_form_and_review_is_accessible(phone_page, axe_source):
    """Worried about a confused person: the care contact shown on the form and on the review page."""
    page, base_url = phone_page
    page.goto(base_url + "/melden/overlast/verward")
    page.locator("#use-my-location").click()
    expect(page.locator("#lat")).to_have_value(re.compile(r"^52\.78"))
    page.get_by_label("Wat is er gebeurd?").fill("Een man loopt verward over straat en roept.")
    page.locator("#more summary").click()
    page.locator("input[name=worried][value=ja]").check()
    expect(page.locator("#care-contact")).to_be_visible()
    assert_accessible(page, axe_source)
    page.get_by_role("button", name=CHECK_MY_REPORT).click()
    expect(page.locator("#care-contact")).to_be_visible()
    assert_accessible(page, axe_source)


def test_receipt_is_accessible(phone_page, axe_source):
    page, base_url = phone_page
    _send(page, base_url)
    assert_accessible(page, axe_source)
    # The receipt again, after its link was shown once.
    page.reload()
    expect(page.locator("a#tracking-link")).to_have_count(0)
    assert_accessible(page, axe_source)


def test_tracking_pages_are_accessible(phone_page, axe_source):
    page, base_url = phone_page
    _send(page, base_url)
    tracking = page.locator("a#tracking-link").get_attribute("href")
    page.goto(tracking)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, axe_source)
    page.goto(tracking + "/gegevens")
    assert_accessible(page, axe_source)
    # Withdrawing without ticking the box: the page with its error; then withdrawn.
    page.get_by_role("button", name="Melding intrekken").click()
    expect(page.locator("#confirm-error")).to_be_visible()
    assert_accessible(page, axe_source)
    page.get_by_label("Ja, trek mijn melding in en verwijder mijn gegevens").check()
    page.get_by_role("button", name="Melding intrekken").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, axe_source)


def test_signal_without_a_spot_review_and_receipt_are_accessible(phone_page, axe_source):
    """Spanningen: the form with an area select instead of the map, its review (no map) and its receipt."""
    page, base_url = phone_page
    page.goto(base_url + "/melden/spanningen/online_spanningen")
    expect(page.locator("#map-wrap")).to_have_count(0)
    page.get_by_label("Over welke wijk of welk dorp gaat het? (niet verplicht)").select_option(index=1)
    page.get_by_label("Wat zag of hoorde u?").fill("In een appgroep wordt opgeroepen om de nieuwe buren weg te pesten.")
    page.get_by_role("button", name=CHECK_MY_REPORT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Controleer uw melding")
    expect(page.locator("#spot-map")).to_have_count(0)
    assert_accessible(page, axe_source)
    page.get_by_role("button", name=SEND_REPORT).click()
    expect(page.locator("#reference")).to_be_visible()
    assert_accessible(page, axe_source)


def test_restricted_receipt_and_withdraw_link_are_accessible(phone_page, axe_source):
    """A verdachte situatie: the receipt with the choice, the link once chosen, the page that only withdraws."""
    page, base_url = phone_page
    page.goto(base_url + "/melden/verdachte_situatie/hennep")
    page.locator("#use-my-location").click()
    expect(page.locator("#lat")).to_have_value(re.compile(r"^52\.78"))
    page.get_by_label("Wat is er gebeurd?").fill("Wietlucht bij de schuur achter het huis.")
    page.get_by_role("button", name=CHECK_MY_REPORT).click()
    page.get_by_role("button", name=SEND_REPORT).click()
    expect(page.locator("#reference")).to_be_visible()
    assert_accessible(page, axe_source)
    page.get_by_role("button", name="Geef mij een link om de melding in te trekken").click()
    link = page.locator("a#withdraw-link")
    expect(link).to_be_visible()
    assert_accessible(page, axe_source)
    page.goto(link.get_attribute("href"))
    expect(page.get_by_role("button", name="Melding intrekken")).to_be_visible()
    assert "hennep" not in page.content().lower()
    assert_accessible(page, axe_source)


def test_expired_form_keeps_everything_and_is_accessible(phone_page, axe_source):
    """A form whose CSRF token no longer matches (the session cookie is gone): the notice, nothing lost."""
    page, base_url = phone_page
    page.goto(base_url + "/melden/overlast/vernieling")
    page.get_by_label("Wat is er gebeurd?").fill("Bushokje ingetrapt.")
    page.context.clear_cookies()
    page.get_by_role("button", name=CHECK_MY_REPORT).click()
    expect(page.get_by_label("Wat is er gebeurd?")).to_have_value("Bushokje ingetrapt.")
    assert_accessible(page, axe_source)


@pytest.fixture
def rate_limited_site(accessibility_site):
    """The same database behind an app whose tracking page allows one request a minute."""
    import threading

    from werkzeug.serving import make_server

    from meldpunt import create_app
    from tests.fixtures.browser import free_port

    app = accessibility_site["app"]
    port = free_port()
    limited = create_app(
        "config.TestConfig",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
        RATELIMIT_ENABLED=True,
        RATELIMIT_TRACKING="1 per minute",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    )
    server = make_server("127.0.0.1", port, limited, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)
    from meldpunt.extensions import db

    with limited.app_context():
        db.session.remove()
        db.engine.dispose()


def test_too_many_requests_page_is_accessible(phone_page, axe_source, rate_limited_site):
    page, _base_url = phone_page
    page.goto(rate_limited_site + "/volg/" + "a" * 43)
    response = page.goto(rate_limited_site + "/volg/" + "a" * 43)
    assert response.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Te veel pogingen")
    assert_accessible(page, axe_source)
