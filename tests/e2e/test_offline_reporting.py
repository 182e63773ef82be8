"""Reporting without a connection (issue 11), in Chromium with the network switched off and on: the report waits
on the phone with a notice, is sent once when the connection returns, and its receipt is shown — also when the
page was closed meanwhile. The public service worker keeps the start page for offline use and nothing personal."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_report_flow import (
    CHECK_MY_REPORT,
    CHECK_YOUR_REPORT,
    NAROEPEN,
    REFERENCE,
    SEND_REPORT,
    STRAATINTIMIDATIE,
    assert_private_and_csp_clean,
    open_form,
    stored_reports,
    use_my_location,
)
from tests.fixtures.reports import jpeg_with_gps

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings(r"ignore:unclosed file <_io\.\w+ name='[^']*/static/:ResourceWarning"),
]

WAITING = "Uw melding wacht op verbinding en wordt verstuurd zodra u weer online bent."
PHOTO_DROPPED = "De foto kan niet op uw telefoon wachten: uw melding wordt zonder foto verstuurd."
DESCRIPTION = "Een man riep mij na bij de bushalte aan de Hoofdstraat."


def fill_in_offline(page, base_url):
    open_form(page, base_url, STRAATINTIMIDATIE, NAROEPEN)
    use_my_location(page)
    page.get_by_label(re.compile("Wat is er gebeurd")).fill(DESCRIPTION)
    page.context.set_offline(True)
    page.get_by_role("button", name=CHECK_MY_REPORT).click()
    expect(page.locator("#offline-notice")).to_contain_text(WAITING)


def test_a_report_finished_offline_is_sent_once_when_the_connection_returns(live_server, phone):
    app, base_url = live_server
    fill_in_offline(phone, base_url)
    assert stored_reports(app) == []

    phone.context.set_offline(False)
    reference = phone.locator("#reference")
    expect(reference).to_have_text(REFERENCE)
    expect(phone.locator("a[href*='/volg/']").first).to_be_attached()
    reports = stored_reports(app)
    assert [r["reference"] for r in reports] == [reference.inner_text().strip()]
    assert reports[0]["description"] == DESCRIPTION

    # Another drop and return of the connection sends nothing again.
    phone.context.set_offline(True)
    phone.context.set_offline(False)
    phone.wait_for_timeout(500)
    assert len(stored_reports(app)) == 1
    assert_private_and_csp_clean(phone)


def test_two_reconnects_in_a_row_make_one_report(live_server, phone):
    app, base_url = live_server
    fill_in_offline(phone, base_url)
    # Two `online` events at once (a flapping connection), each trying to send what waits.
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online')); window.dispatchEvent(new Event('online'))")
    expect(phone.locator("#reference")).to_have_text(REFERENCE)
    phone.wait_for_timeout(500)
    assert len(stored_reports(app)) == 1


def test_a_waiting_report_is_sent_on_the_next_visit_if_the_page_was_closed(live_server, phone):
    app, base_url = live_server
    fill_in_offline(phone, base_url)
    context = phone.context
    phone.close()
    context.set_offline(False)
    later = context.new_page()
    later.goto(base_url + "/")
    expect(later.locator("#reference")).to_have_text(REFERENCE)
    assert len(stored_reports(app)) == 1
    # Once shown, nothing of the report stays on the phone.
    assert later.evaluate("window.localStorage.length") == 0


def test_the_start_page_opens_offline_and_nothing_personal_is_kept(live_server, phone):
    app, base_url = live_server
    phone.goto(base_url + "/")
    scope = phone.evaluate(
        """() => navigator.serviceWorker.ready.then(r => navigator.serviceWorker.controller ? r.scope
             : new Promise(done => navigator.serviceWorker.addEventListener("controllerchange",
                                                                            () => done(r.scope))))"""
    )
    assert scope == base_url + "/"
    phone.goto(base_url + "/melden/straatintimidatie")
    phone.goto(base_url + "/volg/" + "x" * 32)

    phone.context.set_offline(True)
    phone.goto(base_url + "/")
    expect(phone.get_by_role("link", name=re.compile(rf"^{STRAATINTIMIDATIE}\b"))).to_be_visible()
    kept = phone.evaluate(
        "caches.keys().then(names => Promise.all(names.map(n => caches.open(n).then(c => c.keys()))))"
        ".then(lists => lists.flat().map(r => new URL(r.url).pathname))"
    )
    assert kept and all(path == "/" or path.startswith("/static/") for path in kept), kept


def test_a_report_checked_online_and_sent_offline_keeps_its_photo(live_server, phone, tmp_path):
    app, base_url = live_server
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(jpeg_with_gps())
    open_form(phone, base_url, STRAATINTIMIDATIE, NAROEPEN)
    use_my_location(phone)
    phone.get_by_label(re.compile("Wat is er gebeurd")).fill(DESCRIPTION)
    phone.set_input_files("#photo", photo)
    phone.get_by_role("button", name=CHECK_MY_REPORT).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(CHECK_YOUR_REPORT)

    phone.context.set_offline(True)  # the connection drops on the review page
    phone.get_by_role("button", name=SEND_REPORT).click()
    expect(phone.locator("#offline-notice")).to_contain_text(WAITING)
    expect(phone.locator("#offline-notice")).not_to_contain_text(PHOTO_DROPPED)  # it was uploaded already
    assert stored_reports(app) == []

    phone.context.set_offline(False)
    expect(phone.locator("#reference")).to_have_text(REFERENCE)
    [report] = stored_reports(app)
    assert report["photos"] == 1


def test_a_photo_chosen_offline_is_announced_as_left_out_and_a_refused_report_goes_back_into_its_form(
    live_server, phone, tmp_path
):
    app, base_url = live_server
    photo = tmp_path / "IMG_2042.jpg"
    photo.write_bytes(jpeg_with_gps())
    open_form(phone, base_url, STRAATINTIMIDATIE, NAROEPEN)
    phone.get_by_label(re.compile("Wat is er gebeurd")).fill(DESCRIPTION)  # but no spot chosen
    phone.context.set_offline(True)
    phone.set_input_files("#photo", photo)
    phone.get_by_role("button", name=CHECK_MY_REPORT).click()
    expect(phone.locator("#offline-notice")).to_contain_text(PHOTO_DROPPED)

    phone.context.set_offline(False)
    notice = phone.locator("#offline-notice")
    expect(notice).to_contain_text("Uw wachtende melding kon niet worden verstuurd:")
    expect(notice).to_contain_text("Kies de plek")
    assert stored_reports(app) == []
    phone.get_by_role("link", name="Uw melding aanpassen").click()
    expect(phone.get_by_label(re.compile("Wat is er gebeurd"))).to_have_value(DESCRIPTION)


def test_chromium_finds_the_site_installable(live_server, phone):
    app, base_url = live_server
    phone.goto(base_url + "/")
    phone.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    cdp = phone.context.new_cdp_session(phone)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito, where Chromium never installs; every other criterion (manifest, icons,
    # a service worker controlling the start URL) must be met.
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
