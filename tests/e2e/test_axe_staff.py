"""WCAG 2.1 AA (axe-core in Chromium) on every staff page: signing in (with its errors), the second step, the
queues (with a saved filter), a report, field mode (handing back too), intake and its groups, the schouw (start, a
walk with a spot, the report of the walk), events and risk zones, area contacts, the vaste boa, satisfaction, the
analysis, the beheerder's pages (audit log, API keys) and the account page. Any serious or critical violation fails,
with its rule, element and help; a staff page missing from the list fails test_every_staff_page_is_checked.

Signing in happens once for the module (a staff member with every role); each page opens in that session."""

import re
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.reports.submission import NewReport
from tests.fixtures.axe import assert_accessible
from tests.fixtures.browser import PHONE
from tests.fixtures.reports import jpeg_with_gps
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
    "/medewerkers/wachtrij/TNH?{saved_filter}",
    "/medewerkers/wachtrij/OOV",
    "/medewerkers/meldingen/{report}",
    "/medewerkers/tevredenheid",
    "/medewerkers/vaste-boas",
    "/medewerkers/gebiedscontacten/",
    "/medewerkers/melding-opnemen/",
    "/medewerkers/melding-opnemen/groepen",
    "/medewerkers/schouw/",
    "/medewerkers/schouw/{schouw}",
    "/medewerkers/schouw/{finished_schouw}/verslag",
    "/medewerkers/evenementen",
    "/medewerkers/evenementen/nieuw",
    "/medewerkers/evenementen/{event}",
    "/medewerkers/risicogebieden",
    "/medewerkers/risicogebieden/nieuw",
    "/medewerkers/risicogebieden/{zone}",
    "/veld/",
    "/veld/meldingen/{report}",
    "/veld/meldingen/{claimed}/teruggeven",
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
# Staff GET routes that are no page a person reads: data a page's script fetches, files, a service worker. The
# sign-in steps are checked in test_sign_in_steps_are_accessible.
NOT_PAGES = {
    "/medewerkers/inloggen",
    "/medewerkers/inloggen/code",
    "/medewerkers/wachtrij/<code>/kaart.geojson",
    "/medewerkers/fotos/<int:photo_id>",
    "/veld/lijst",
    "/veld/sw.js",
    "/analyse/lagen/raster.geojson",
    "/analyse/lagen/warmte.json",
    "/analyse/lagen/clusters.geojson",
    "/analyse/export.<fmt>",
    "/analyse/maandoverzicht.xlsx",
}
STAFF_PREFIXES = ("/medewerkers", "/veld", "/beheer", "/analyse")


def _as_rule(path: str) -> str:
    """A path of STAFF_PAGES in the shape of its URL rule: every id or queue code a placeholder."""
    path = path.split("?")[0]
    path = re.sub(r"\{\w+\}", "<>", path)
    return re.sub(r"/wachtrij/(TNH|OOV)", "/wachtrij/<>", path)


def test_every_staff_page_is_checked(accessibility_site):
    """A new staff page fails here until it is in STAFF_PAGES (or, if no person reads it, in NOT_PAGES)."""
    registered = {
        re.sub(r"<[^>]+>", "<>", rule.rule)
        for rule in accessibility_site["app"].url_map.iter_rules()
        if rule.rule.startswith(STAFF_PREFIXES) and "GET" in rule.methods and rule.rule not in NOT_PAGES
    }
    assert registered - {_as_rule(path) for path in STAFF_PAGES} == set()


@pytest.fixture(scope="module")
def staff_world(accessibility_site):
    """What the newer staff pages show once they are used: a saved filter, a reporting group, a schouw in progress
    with a spot (answers and a photo) and a finished one, an event, a risk zone, an area contact, an API key, and
    a report the staff member claimed in the field (so it can be handed back)."""
    from meldpunt.events.planning import save_event
    from meldpunt.events.risk_zones import save_zone
    from meldpunt.feedback.area_contacts import AreaContact
    from meldpunt.geo.models import Area
    from meldpunt.geo.outlines import Outline
    from meldpunt.open311.keys import issue_key
    from meldpunt.reports import workflow
    from meldpunt.reports.channels import register_group
    from meldpunt.reports.models import Report
    from meldpunt.reports.photos import CleanPhoto, photo_store
    from meldpunt.reports.schouw import add_spot, finish_schouw, start_schouw
    from meldpunt.staff.models import User
    from meldpunt.staff.saved_filters import save_filter
    from tests.e2e.test_field_flow import _file

    app = accessibility_site["app"]
    claimed = _file(app, 52.7860, 6.8970, "Graffiti op het bushokje").report_id
    with app.app_context():
        user = db.session.get(User, accessibility_site["user_id"])
        saved = save_filter(user, "TNH", "Open vernielingen", {"category": "vernieling", "safety": "1"})
        area = db.session.scalar(sa.select(Area).where(Area.kind == "dorp").order_by(Area.id).limit(1))
        register_group("Buurtpreventie Angelslo", area, user)
        db.session.add(AreaContact(area_id=area.id, organisation="Wijkplatform", email="wijkplatform@example.org"))
        issue_key("Wijkapp politie", by=user)
        place = Outline(area=area)
        event, _tagged = save_event(None, name="Koningsdag", starts_at=utcnow() - timedelta(days=1),
                                    ends_at=utcnow() + timedelta(days=1), outline=place, actor=user)  # fmt: skip
        zone = save_zone(None, name="Stationsplein", starts_on=utcnow().date(), ends_on=utcnow().date(),
                         outline=place, actor=user)  # fmt: skip
        schouwen = []
        for name, finish in (("Avondschouw Emmen-Centrum", False), ("Schouw Angelslo", True)):
            schouw = start_schouw(name, area, ["wijkplatform", "politie"], "Jongerenwerk", user)
            photo = photo_store().save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
            add_spot(schouw, NewReport(kind="onveilige_plek", category_code="donker", description="Lantaarn kapot.",
                                       position=LatLon(52.7845, 6.8960), location_method="gps",
                                       answers={"lighting": "geen", "unsafe_score": "4"}, locale="nl",
                                       pending_photo_tokens=[photo]), user)  # fmt: skip
            if finish:
                finish_schouw(schouw, "Verlichting melden.\nStruiken snoeien.", user)
            schouwen.append(schouw.id)
        workflow.claim(db.session.get(Report, claimed), user)
        db.session.commit()
        world = {"saved_filter": saved.query, "schouw": schouwen[0], "finished_schouw": schouwen[1],
                 "event": event.id, "zone": zone.id, "claimed": claimed}  # fmt: skip
        db.session.remove()
    return world


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_page_is_accessible(signed_in, accessibility_site, staff_world, axe_source, path):
    page = signed_in.new_page()
    url = accessibility_site["base_url"] + path.format(
        report=accessibility_site["reports"][0], user=accessibility_site["user_id"], **staff_world
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
    create = page.locator("form:has(#name) button[type=submit]")
    create.click()  # no name: the error state
    expect(page.locator(".has-error").first).to_be_visible()
    assert_accessible(page, axe_source)
    page.fill("#name", "Wijkapp buurtpreventie")
    create.click()
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
