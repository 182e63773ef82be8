"""WCAG 2.1 AA (axe-core in Chromium) on the staff pages: signing in (with its errors), the second step, the
queues, a report, field mode, the analysis, the beheerder's pages and the account page. Any serious or critical
violation fails, with its rule, element and help.

Signing in happens once for the module (a staff member with every role); each page opens in that session."""

import pyotp
import pytest
from playwright.sync_api import expect

from tests.fixtures.axe import assert_accessible
from tests.fixtures.browser import PHONE
from tests.fixtures.staff import PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings(r"ignore:unclosed file <_io\.\w+ name='[^']*/static/:ResourceWarning"),
]

SIGN_IN = "Inloggen"
USER_NAME = "Gebruikersnaam"
PASSWORD_LABEL = "Wachtwoord"
CODE = "Code van 6 cijfers uit uw authenticator-app"
CONFIRM = "Bevestigen"


def _phone(chromium):
    return chromium.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="nl-NL",
        geolocation={"latitude": 52.7840, "longitude": 6.8955},
        permissions=["geolocation"],
    )


def _password_step(page, base_url, username, password=PASSWORD):
    page.goto(base_url + "/medewerkers/inloggen")
    page.get_by_label(USER_NAME).fill(username)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    page.get_by_role("button", name=SIGN_IN).click()


@pytest.fixture(scope="module")
def signed_in(chromium, accessibility_site):
    """A phone signed in as the staff member with every role (password, then the code)."""
    context = _phone(chromium)
    page = context.new_page()
    base_url = accessibility_site["base_url"]
    _password_step(page, base_url, accessibility_site["username"])
    page.get_by_label(CODE).fill(pyotp.TOTP(accessibility_site["totp_secret"]).now())
    page.get_by_role("button", name=CONFIRM).click()
    expect(page.locator("nav.staff-nav")).to_be_visible()
    page.close()
    yield context
    context.close()


def test_sign_in_steps_are_accessible(chromium, accessibility_site, axe_source):
    context = _phone(chromium)
    page = context.new_page()
    base_url = accessibility_site["base_url"]
    page.goto(base_url + "/medewerkers/inloggen")
    assert_accessible(page, axe_source)
    _password_step(page, base_url, accessibility_site["username"], password="fout wachtwoord")
    expect(page.locator(".has-error")).to_be_visible()
    assert_accessible(page, axe_source)
    _password_step(page, base_url, accessibility_site["username"])
    expect(page.get_by_label(CODE)).to_be_visible()
    assert_accessible(page, axe_source)
    page.get_by_label(CODE).fill("000000")
    page.get_by_role("button", name=CONFIRM).click()
    expect(page.locator(".has-error")).to_be_visible()
    assert_accessible(page, axe_source)
    context.close()


def test_enrolment_is_accessible(chromium, accessibility_site, axe_source):
    """Someone without two-step verification sees the QR code and the form to switch it on."""
    context = _phone(chromium)
    page = context.new_page()
    base_url = accessibility_site["base_url"]
    _password_step(page, base_url, "zonder-code")
    page.goto(base_url + "/medewerkers/account/tweestaps")
    expect(page.locator(".qr svg")).to_be_visible()
    assert_accessible(page, axe_source)
    context.close()


STAFF_PAGES = [
    "/medewerkers/",
    "/medewerkers/wachtrij/TNH",
    "/medewerkers/wachtrij/OOV",
    "/medewerkers/meldingen/{report}",
    "/medewerkers/tevredenheid",
    "/medewerkers/vaste-boas",
    "/medewerkers/gebiedscontacten/",
    "/medewerkers/melding-opnemen/",
    "/medewerkers/schouw/",
    "/medewerkers/evenementen",
    "/medewerkers/evenementen/nieuw",
    "/medewerkers/risicogebieden",
    "/medewerkers/risicogebieden/nieuw",
    "/veld/",
    "/veld/meldingen/{report}",
    "/analyse/",
    "/analyse/trends",
    "/analyse/doorlooptijden",
    "/analyse/onveilige-plekken",
    "/analyse/woonoverlast",
    "/analyse/veiligheidsbeleving",
    "/analyse/signalen",
    "/beheer/gebruikers",
    "/beheer/gebruikers/nieuw",
    "/beheer/gebruikers/{user}",
    "/beheer/audit",
    "/beheer/mail",
    "/beheer/api-sleutels",
    "/medewerkers/account/tweestaps",
]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_page_is_accessible(signed_in, accessibility_site, axe_source, path):
    page = signed_in.new_page()
    url = accessibility_site["base_url"] + path.format(
        report=accessibility_site["reports"][0], user=accessibility_site["user_id"]
    )
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    assert_accessible(page, axe_source)
    page.close()


def test_user_form_with_errors_is_accessible(signed_in, accessibility_site, axe_source):
    page = signed_in.new_page()
    page.goto(accessibility_site["base_url"] + "/beheer/gebruikers/nieuw")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".has-error").first).to_be_visible()
    assert_accessible(page, axe_source)
    page.close()


def test_api_keys_with_a_new_key_and_with_errors_are_accessible(signed_in, accessibility_site, axe_source):
    page = signed_in.new_page()
    page.goto(accessibility_site["base_url"] + "/beheer/api-sleutels")
    page.locator("form button[type=submit]").last.click()  # no name: the error state
    expect(page.locator(".has-error").first).to_be_visible()
    assert_accessible(page, axe_source)
    page.fill("#name", "Wijkapp politie")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#new-api-key")).to_be_visible()  # the key, shown once, and the list with a revoke button
    assert_accessible(page, axe_source)
    page.close()


def _menu(page, name):
    return page.locator(".staff-nav details").filter(has=page.locator("summary", has_text=name))


def test_staff_menus_work_with_the_keyboard_on_a_phone(signed_in, accessibility_site, axe_source):
    """The navigation's menus at 360 px: closed at first, Enter opens one in place (no sideways scrolling), Tab
    goes through its links, Escape closes it with the focus back on its name; one menu is open at a time."""
    page = signed_in.new_page()
    page.goto(accessibility_site["base_url"] + "/medewerkers/account/tweestaps")
    management, analysis = _menu(page, "Beheer"), _menu(page, "Analyse en cijfers")
    users = management.locator('a[href="/beheer/gebruikers"]')
    expect(users).to_be_hidden()
    management.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(users).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page, axe_source)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/medewerkers/vaste-boas"
    page.keyboard.press("Escape")
    expect(users).to_be_hidden()
    assert page.evaluate("document.activeElement.textContent") == "Beheer"
    page.keyboard.press("Enter")
    analysis.locator("summary").click()
    expect(analysis.locator('a[href="/analyse/"]')).to_be_visible()
    expect(users).to_be_hidden()
    analysis.locator('a[href="/analyse/"]').click()
    expect(page).to_have_url(accessibility_site["base_url"] + "/analyse/")
    page.close()


def test_staff_menus_at_desktop_size_open_over_the_page(signed_in, accessibility_site, axe_source):
    page = signed_in.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(accessibility_site["base_url"] + "/medewerkers/account/tweestaps")
    nav_height = page.locator("nav.staff-nav").bounding_box()["height"]
    management = _menu(page, "Beheer")
    management.locator("summary").click()
    panel = management.locator("ul")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, box
    assert page.locator("nav.staff-nav").bounding_box()["height"] == nav_height  # over the page, not pushing it
    assert_accessible(page, axe_source)
    page.mouse.click(1270, 790)  # a click elsewhere (the panel lies over the heading) closes it
    expect(panel).to_be_hidden()
    page.close()


def test_staff_menus_work_without_javascript(chromium, signed_in, accessibility_site):
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="nl-NL",
                                   java_script_enabled=False, storage_state=signed_in.storage_state())  # fmt: skip
    page = context.new_page()
    page.goto(accessibility_site["base_url"] + "/medewerkers/account/tweestaps")
    management = _menu(page, "Beheer")
    management.locator("summary").click()
    management.locator('a[href="/beheer/audit"]').click()
    expect(page).to_have_url(accessibility_site["base_url"] + "/beheer/audit")
    context.close()


def test_signal_without_a_spot_page_is_accessible(signed_in, accessibility_site, axe_source):
    """A report page with no spot and no map (spanningen, issue 10 item 6), for a staff member with restricted
    access; the access is taken back afterwards, so the other tests of the module see what they saw."""
    from datetime import timedelta

    from meldpunt.db_types import utcnow
    from meldpunt.extensions import db
    from meldpunt.reports.submission import NewReport, submit_report
    from meldpunt.staff.models import User

    app = accessibility_site["app"]
    with app.app_context():
        signal = submit_report(NewReport(kind="spanningen", category_code="online_spanningen", position=None,
                                         description="Oproepen in een appgroep om de nieuwe buren weg te pesten.",
                                         location_method="", incident_at=utcnow() - timedelta(hours=2)))  # fmt: skip
        db.session.get(User, accessibility_site["user_id"]).sees_restricted = True
        db.session.commit()
        db.session.remove()
    page = signed_in.new_page()
    try:
        response = page.goto(f"{accessibility_site['base_url']}/medewerkers/meldingen/{signal.report_id}")
        assert response.status == 200
        expect(page.locator("#no-spot")).to_be_visible()
        expect(page.locator(".spot-map")).to_have_count(0)
        assert_accessible(page, axe_source)
    finally:
        page.close()
        with app.app_context():
            db.session.get(User, accessibility_site["user_id"]).sees_restricted = False
            db.session.commit()
            db.session.remove()
