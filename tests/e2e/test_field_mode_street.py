"""Issue 14, field mode: a boa in the rain with one free hand, on a 360 x 740 phone in Emmen. One test per item of
the issue, and the walk: from opening a report to closed in at most four taps, each within thumb reach."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.reports import workflow
from meldpunt.reports.models import Report
from meldpunt.reports.submission import NewReport, submit_report
from meldpunt.staff.accounts import create_user
from meldpunt.staff.models import User
from tests.e2e.test_field_flow import _boa, _sign_in
from tests.fixtures.browser import PHONE
from tests.fixtures.staff import PASSWORD

pytestmark = pytest.mark.e2e
# Within reach of a thumb holding the phone: the lower 60 % of the screen.
THUMB_TOP = PHONE["height"] * 0.4


def _file(app, lat=52.7843, lon=6.8955, description="Bushokje ingetrapt", *, now=None, **extra):
    with app.app_context():
        values = dict(kind="overlast", category_code="vernieling", description=description,
                      position=LatLon(lat, lon), location_method="map",
                      incident_at=(now or utcnow()) - timedelta(days=1))  # fmt: skip
        values.update(extra)
        receipt = submit_report(NewReport(**values), now=now)
        db.session.commit()
        db.session.remove()
        return receipt.report_id


def _in_db(app, report_id, action=None):
    """Run a workflow step (as boa-e2e) and/or read the report, outside the browser."""
    with app.app_context():
        report = db.session.get(Report, report_id)
        if action:
            boa = db.session.scalar(sa.select(User).where(User.username == "boa-e2e"))
            action(report, boa)
            db.session.commit()
        facts = {
            "state": report.state,
            "assigned": report.assigned_to_id,
            "history": [(h.event, h.reason) for h in report.history],
            "reference": report.reference,
            "area": report.area.display_name if report.area else None,
        }
        db.session.remove()
        return facts


def _claimed_and_on_site(app, report_id):
    _in_db(app, report_id, lambda r, boa: workflow.claim(r, boa))
    _in_db(app, report_id, lambda r, boa: workflow.mark_on_site(r, boa))


def _within_thumb_reach(locator):
    # Measured with the page's stylesheets, not before they arrive: the page loaded, and no navigation on its way.
    page = locator.page
    page.wait_for_load_state()
    # Polled from here: wait_for_function's string predicate would need eval, which the page's CSP refuses.
    for _ in range(200):
        try:
            if page.evaluate("document.readyState") == "complete":
                break
        except PlaywrightError:  # the document was replaced while asked: ask the new one
            pass
        page.wait_for_timeout(50)
    box = locator.bounding_box()
    assert box is not None
    assert box["y"] >= THUMB_TOP and box["y"] + box["height"] <= PHONE["height"], box
    return box


def _in_view(locator):
    locator.page.wait_for_load_state()
    box = locator.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + min(box["height"], 40) <= PHONE["height"], box


def _no_csp_errors(phone):
    assert not [e for e in phone.console_errors if "Content Security Policy" in e]


def test_a_boa_closes_a_report_in_four_taps_all_within_thumb_reach(live_server, phone):
    """Issue 14, Done when: from the report opened in the list to closed, every tap counted (and nothing typed),
    each one on a control in the lower 60 % of a 360 x 740 screen."""
    app, base_url = live_server
    _boa(app)
    report_id = _file(app)
    _sign_in(phone, base_url)
    expect(phone).to_have_url(f"{base_url}/veld/")
    phone.locator(".field-item a").first.tap()  # opening it
    expect(phone).to_have_url(f"{base_url}/veld/meldingen/{report_id}")
    posts = []
    phone.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    steps = [
        lambda: phone.get_by_role("button", name="Ik ga erheen"),
        lambda: phone.get_by_role("button", name="Ik ben ter plaatse"),
        lambda: phone.get_by_text("Aangesproken", exact=True),
        lambda: phone.get_by_role("button", name="Melding afhandelen"),
    ]
    taps = 0
    for control in steps:
        control = control()
        expect(control).to_be_visible()
        _within_thumb_reach(control)
        control.tap()
        taps += 1
    expect(phone).to_have_url(f"{base_url}/veld/")
    expect(phone.get_by_text("Melding afgehandeld. Bedankt.")).to_be_visible()
    assert taps <= 4
    assert [url.rsplit("/", 1)[-1] for url in posts] == ["claim", "ter-plaatse", "afronden"]
    facts = _in_db(app, report_id)
    assert facts["state"] == "afgehandeld"
    assert [event for event, _ in facts["history"]][-3:] == ["claim", "on_site", "close"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _no_csp_errors(phone)


def test_1_a_refused_action_shows_its_reason_in_view_and_buttons_wait_for_a_complete_form(live_server, phone):
    app, base_url = live_server
    _boa(app)
    report_id = _file(app, description="Groep met mes bij het station", answers={"weapon": "ja"})
    _sign_in(phone, base_url)
    phone.goto(f"{base_url}/veld/meldingen/{report_id}")
    claim = phone.get_by_role("button", name="Ik ga erheen")
    expect(claim).to_be_disabled()
    expect(phone.get_by_text("Kies eerst hoe u gaat.")).to_be_visible()
    phone.get_by_text("Ik ga, samen met een collega").tap()
    expect(claim).to_be_enabled()
    # Meanwhile a colleague claims it: the refusal must be seen, not sit 1,000 px lower.
    with app.app_context():
        colleague = create_user("boa-twee", "Bente Boa", ["boa"], PASSWORD)
        workflow.claim(db.session.get(Report, report_id), colleague, safety_step="politie")
        db.session.commit()
        db.session.remove()
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    claim.tap()
    errors = phone.locator("#field-errors")
    expect(errors).to_contain_text("Bente Boa heeft deze melding al opgepakt")
    expect(errors).to_be_focused()
    _in_view(errors)

    # Closing: the button waits for an outcome; a refusal (the report changed meanwhile) is shown and focused.
    other_id = _file(app, 52.7850, 6.8955, "Graffiti op de muur")
    _claimed_and_on_site(app, other_id)
    phone.goto(f"{base_url}/veld/meldingen/{other_id}")
    close = phone.get_by_role("button", name="Melding afhandelen")
    expect(close).to_be_disabled()
    phone.get_by_text("Niets aangetroffen", exact=True).tap()
    expect(close).to_be_enabled()
    with app.app_context():  # the coordinator re-plans it in the meantime: the page's version is stale
        tnh = create_user("tnh-e2e", "Tineke TNH", ["tnh-coordinator"], PASSWORD)
        workflow.plan(db.session.get(Report, other_id), utcnow() + timedelta(hours=1), tnh)
        db.session.commit()
        db.session.remove()
    close.tap()
    expect(phone.locator("#field-errors")).to_contain_text("Iemand anders heeft deze melding intussen gewijzigd")
    expect(phone.locator("#field-errors")).to_be_focused()
    _in_view(phone.locator("#field-errors"))
    # What was chosen is kept.
    expect(phone.get_by_label("Niets aangetroffen")).to_be_checked()
    _no_csp_errors(phone)


def test_2_actions_in_a_bar_at_the_bottom_the_map_after_the_facts_and_a_notice_without_tiles(live_server, phone):
    app, base_url = live_server
    _boa(app)
    report_id = _file(app)
    # On the context, not the page: the test's tiles are same-origin, so field mode's service worker fetches them,
    # and only a context route sees a worker's requests (real tiles come from another site, which it leaves alone).
    phone.context.route(re.compile(r".*/static/img/tile\.png.*"), lambda route: route.abort())
    _sign_in(phone, base_url)
    phone.goto(f"{base_url}/veld/meldingen/{report_id}")
    expect(phone.get_by_text("De kaart kan niet worden geladen")).to_be_visible()
    facts = phone.locator(".field-facts").bounding_box()
    map_box = phone.locator(".folium-map").bounding_box()
    assert facts["y"] + facts["height"] <= map_box["y"]
    claim = phone.get_by_role("button", name="Ik ga erheen")
    _within_thumb_reach(claim)
    # The bar stays at the bottom while the page scrolls.
    phone.evaluate("window.scrollTo(0, 300)")
    _within_thumb_reach(claim)
    claim.tap()
    _within_thumb_reach(phone.get_by_role("button", name="Ik ben ter plaatse"))
    _within_thumb_reach(phone.get_by_role("link", name="Teruggeven"))
    # Nothing on the page hides behind the bar: its end can be scrolled above it.
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    footer = phone.locator(".site-footer").bounding_box()
    bar = phone.locator("#action-bar").bounding_box()
    assert footer["y"] + footer["height"] <= bar["y"] + 1
    _no_csp_errors(phone)


def test_3_where_in_words_with_reference_age_and_a_navigate_link(live_server, phone):
    app, base_url = live_server
    _boa(app)
    report_id = _file(app, now=utcnow() - timedelta(minutes=12))
    facts = _in_db(app, report_id)
    _sign_in(phone, base_url)
    card = phone.locator(f".field-item[data-id='{report_id}']")
    expect(card).to_contain_text(facts["area"])
    expect(card).to_contain_text(facts["reference"])
    expect(card).to_contain_text("12 minuten geleden")
    card.locator("a").tap()
    where = phone.locator(".field-facts")
    expect(where).to_contain_text(facts["area"])
    expect(where).to_contain_text(facts["reference"])
    expect(where).to_contain_text("12 minuten geleden")
    navigate = phone.get_by_role("link", name="Navigeren")
    expect(navigate).to_have_attribute("href", re.compile(r"^geo:52\.7843\d*,6\.8955\d*\?q="))
    expect(phone.get_by_role("link", name="Apple Kaarten")).to_have_attribute(
        "href", re.compile(r"^https://maps\.apple\.com/\?daddr=52\.7843")
    )
    # The words come before the coordinates.
    assert phone.locator(".field-facts").bounding_box()["y"] < phone.locator(".coordinates").bounding_box()["y"]


def test_4_a_safety_report_tops_the_list_and_claiming_it_is_a_deliberate_step(live_server, phone):
    app, base_url = live_server
    _boa(app)
    _file(app, 52.7842, 6.8955, "Fietsen omgegooid")  # ~22 m
    danger = _file(app, 52.7900, 6.8955, "Groep met een mes", answers={"weapon": "ja"})  # ~670 m
    _sign_in(phone, base_url)
    items = phone.locator(".field-item")
    expect(items.first.locator(".distance")).to_have_text(re.compile(r"^66\d m$"), timeout=15000)
    expect(items.first).to_have_class(re.compile(r"\bsafety\b"))
    expect(items.nth(1).locator(".distance")).to_have_text("22 m")
    items.first.locator("a").tap()
    # Measured on the report's page once its stylesheet applies (the bar is fixed at the bottom by field.css): the
    # choices are in the HTML before the stylesheet has arrived, when they still sit in the flow far below.
    expect(phone).to_have_url(f"{base_url}/veld/meldingen/{danger}")
    for choice in ("Ik ga, samen met een collega", "Ik wacht op een collega en ga dan",
                   "Ik bel de politie en ga met hen mee"):  # fmt: skip
        _within_thumb_reach(phone.get_by_text(choice))
    phone.get_by_text("Ik wacht op een collega en ga dan").tap()
    phone.get_by_role("button", name="Ik ga erheen").tap()
    expect(phone.get_by_role("button", name="Ik ben ter plaatse")).to_be_visible()
    facts = _in_db(app, danger)
    assert facts["history"][-1] == ("claim", "Ik wacht op een collega en ga dan")


def test_5_my_reports_on_top_and_handing_one_back_with_a_reason(live_server, phone):
    app, base_url = live_server
    _boa(app)
    _file(app, 52.7842, 6.8955, "Dichtbij")
    mine = _file(app, 52.7950, 6.8955, "Ver weg, maar van mij")
    _in_db(app, mine, lambda r, boa: workflow.claim(r, boa))
    _sign_in(phone, base_url)
    sections = phone.locator(".field-lists > section")
    expect(sections.first.locator("h2")).to_contain_text("Mijn meldingen")
    expect(sections.first.locator(f".field-item[data-id='{mine}']")).to_have_count(1)
    expect(phone.locator(f".field-item[data-id='{mine}']")).to_have_count(1)
    sections.first.locator("a").first.tap()
    phone.get_by_role("link", name="Teruggeven").tap()
    hand_back = phone.get_by_role("button", name="Teruggeven")
    expect(hand_back).to_be_disabled()
    phone.get_by_text("Een andere melding gaat voor").tap()
    _within_thumb_reach(hand_back)
    hand_back.tap()
    expect(phone).to_have_url(f"{base_url}/veld/")
    expect(phone.get_by_text("U hebt de melding teruggegeven.")).to_be_visible()
    expect(phone.get_by_text("Mijn meldingen")).to_have_count(0)
    facts = _in_db(app, mine)
    assert facts["assigned"] is None
    assert facts["history"][-1] == ("hand_back", "Teruggegeven: Een andere melding gaat voor")


def _wait_for_the_service_worker(phone):
    # Polled from here: wait_for_function evaluates a string in the page, which our CSP forbids.
    for _ in range(60):
        if phone.evaluate("!!(navigator.serviceWorker && navigator.serviceWorker.controller)"):
            return
        phone.wait_for_timeout(250)
    raise AssertionError("the field service worker did not take over the page")


def test_6_offline_the_last_list_and_opened_reports_stay_readable(live_server, phone):
    app, base_url = live_server
    _boa(app)
    report_id = _file(app, description="Bushokje ingetrapt bij de halte")
    _sign_in(phone, base_url)
    _wait_for_the_service_worker(phone)
    phone.locator(".field-item a").first.tap()
    expect(phone.get_by_text("Bushokje ingetrapt bij de halte")).to_be_visible()
    # The worker keeps the page: wait until the copy is there (a fixed pause was too short on a busy machine).
    phone.wait_for_function(
        "() => caches.open('samen-alert-veld').then(c => c.match(location.href)).then(Boolean)", timeout=15000
    )
    phone.go_back()
    expect(phone.locator(".field-item")).to_have_count(1)
    phone.context.set_offline(True)
    status = phone.locator("#field-connection")
    expect(status).to_have_text(re.compile(r"^Offline — laatst bijgewerkt \d\d:\d\d\."), timeout=15000)
    expect(phone.locator(".field-item")).to_have_count(1)
    # A reload and an opened report, without a connection, from the phone's copy.
    phone.reload()
    expect(phone.locator(".field-item")).to_have_count(1)
    expect(status).to_have_text(re.compile(r"^Offline — laatst bijgewerkt"))
    phone.goto(f"{base_url}/veld/meldingen/{report_id}")
    expect(phone.get_by_text("Bushokje ingetrapt bij de halte")).to_be_visible()
    # Claiming needs the server: the page says so and stays (no browser error page).
    phone.get_by_role("button", name="Ik ga erheen").tap()
    expect(status).to_contain_text("Geen verbinding: hiervoor is de server nodig.")
    assert phone.url == f"{base_url}/veld/meldingen/{report_id}"
    phone.context.set_offline(False)
    assert _in_db(app, report_id)["assigned"] is None


def test_6_an_outcome_recorded_offline_is_sent_once_when_the_connection_returns(live_server, phone):
    app, base_url = live_server
    _boa(app)
    report_id = _file(app)
    _claimed_and_on_site(app, report_id)
    closes = []
    phone.on("request", lambda r: r.method == "POST" and "/afronden" in r.url and closes.append(r))
    _sign_in(phone, base_url)
    phone.goto(f"{base_url}/veld/meldingen/{report_id}")
    phone.context.set_offline(True)
    phone.get_by_text("Aangesproken", exact=True).tap()
    phone.get_by_role("button", name="Melding afhandelen").tap()
    status = phone.locator("#field-connection")
    expect(status).to_contain_text("is op deze telefoon bewaard")
    assert _in_db(app, report_id)["state"] == "in_behandeling"
    phone.context.set_offline(False)
    expect(status).to_contain_text("is verstuurd", timeout=15000)
    facts = _in_db(app, report_id)
    assert facts["state"] == "afgehandeld"
    assert [event for event, _ in facts["history"]].count("close") == 1
    # Back online again (another 'online' event, another page): nothing is sent twice.
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.goto(f"{base_url}/veld/")
    phone.wait_for_timeout(1500)
    assert len(closes) == 1
    assert phone.evaluate("localStorage.getItem('samen-alert-veld-wachtrij')") == "[]"
    _no_csp_errors(phone)


def test_6_an_outcome_kept_offline_for_a_report_closed_meanwhile_is_reported_not_retried(live_server, phone):
    app, base_url = live_server
    _boa(app)
    report_id = _file(app)
    _claimed_and_on_site(app, report_id)
    _sign_in(phone, base_url)
    phone.goto(f"{base_url}/veld/meldingen/{report_id}")
    phone.context.set_offline(True)
    phone.get_by_text("Niets aangetroffen", exact=True).tap()
    phone.get_by_role("button", name="Melding afhandelen").tap()
    with app.app_context():  # the coordinator cancels it while the phone is offline
        tnh = create_user("tnh-e2e", "Tineke TNH", ["tnh-coordinator"], PASSWORD)
        workflow.cancel(db.session.get(Report, report_id), "Dubbele melding", tnh)
        db.session.commit()
        db.session.remove()
    phone.context.set_offline(False)
    status = phone.locator("#field-connection")
    expect(status).to_contain_text("is niet geaccepteerd: Deze melding is niet meer open.", timeout=15000)
    assert phone.evaluate("localStorage.getItem('samen-alert-veld-wachtrij')") == "[]"
    facts = _in_db(app, report_id)
    assert facts["state"] == "geannuleerd" and "close" not in [event for event, _ in facts["history"]]


def test_7_the_new_reports_notice_only_when_something_arrived_with_the_card_marked(live_server, phone):
    app, base_url = live_server
    _boa(app)
    # Thirty reports from this morning, then one from two days ago entered later (a higher id, an older report):
    # sorting by position brings it into view, but it is not new.
    for i in range(30):
        _file(app, 52.80 + i * 0.001, 6.8955, f"Melding {i}", now=utcnow() - timedelta(hours=3))
    _file(app, 52.7841, 6.8955, "Oud maar dichtbij", now=utcnow() - timedelta(days=2))
    _sign_in(phone, base_url)
    expect(phone.locator(".field-item").first).to_contain_text("Vernieling")
    expect(phone.locator(".field-item").first.locator(".distance")).to_have_text("11 m", timeout=15000)
    notice = phone.locator("#new-reports")
    expect(notice).to_be_hidden()
    phone.reload()
    phone.wait_for_timeout(11000)  # a polling round
    expect(notice).to_be_hidden()
    expect(phone.locator(".field-item.is-new")).to_have_count(0)
    fresh = _file(app, 52.7845, 6.8955, "Net binnen")
    expect(notice).to_be_visible(timeout=15000)
    expect(notice).to_have_text("Er zijn nieuwe meldingen binnengekomen.")
    expect(phone.locator(".field-item.is-new")).to_have_count(1)
    expect(phone.locator(f".field-item[data-id='{fresh}'] .badge-new")).to_have_text("Nieuw")
    notice.tap()
    expect(notice).to_be_hidden()
    expect(phone.locator(f".field-item[data-id='{fresh}'] a")).to_be_focused()


TAP_TARGETS = """() => Array.from(document.querySelectorAll('a[href], button, input, select, textarea, summary'))
  .filter(el => el.type !== 'hidden' && !el.closest('.skip-link') && !el.classList.contains('skip-link'))
  .map(el => el.closest('label') || el)
  .filter(el => { const s = getComputedStyle(el); return s.display !== 'none' && s.visibility !== 'hidden'
                  && el.getClientRects().length > 0; })
  .map(el => { const r = el.getBoundingClientRect();
               return {what: el.outerHTML.slice(0, 80), width: r.width, height: r.height}; })
  .filter(t => t.width < 44 || t.height < 44)"""


def test_8_every_tap_target_on_the_field_pages_is_at_least_44_px(live_server, phone):
    app, base_url = live_server
    _boa(app)
    report_id = _file(app)
    danger = _file(app, 52.7850, 6.8955, "Met een mes", answers={"weapon": "ja"})
    _sign_in(phone, base_url)
    pages = [
        ("/veld/", None),
        (f"/veld/meldingen/{danger}", None),
        (f"/veld/meldingen/{report_id}", None),
        (f"/veld/meldingen/{report_id}", lambda: phone.get_by_role("button", name="Ik ga erheen").tap()),
        (f"/veld/meldingen/{report_id}", lambda: phone.get_by_role("button", name="Ik ben ter plaatse").tap()),
        (f"/veld/meldingen/{report_id}/teruggeven", None),
    ]
    for path, step in pages:
        phone.goto(f"{base_url}{path}")
        if step:
            step()
        phone.wait_for_load_state("networkidle")
        too_small = phone.evaluate(TAP_TARGETS)
        assert not too_small, (path, too_small)


def test_6_photos_are_shown_but_never_kept_on_the_phone(live_server, phone):
    """A photo can show a face or a number plate, and a field phone is shared: the server marks it no-store, and the
    worker keeps it nowhere, while the page itself stays readable offline."""
    from meldpunt.reports.photos import CleanPhoto, photo_store
    from tests.fixtures.reports import jpeg_with_gps

    app, base_url = live_server
    _boa(app)
    with app.app_context():
        token = photo_store().save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
    report_id = _file(app, description="Graffiti op de gevel", pending_photo_tokens=[token])
    _sign_in(phone, base_url)
    _wait_for_the_service_worker(phone)
    phone.goto(f"{base_url}/veld/meldingen/{report_id}")
    photo = phone.locator("img.field-photo")
    expect(photo).to_be_visible()
    phone.wait_for_function("() => document.querySelector('img.field-photo').naturalWidth > 0", timeout=15000)
    # Once more through the worker, then a file it does keep: when that is in the cache, the photo's turn is past.
    phone.evaluate(
        "src => fetch(src).then(r => r.blob()).then(() => fetch('/static/js/field.js?na-de-foto'))",
        photo.get_attribute("src"),
    )
    phone.wait_for_function(
        "() => caches.open('samen-alert-veld').then(c => Promise.all([c.match(location.href),"
        " c.match('/static/js/field.js?na-de-foto')])).then(found => found.every(Boolean))",
        timeout=15000,
    )
    kept = phone.evaluate("() => caches.open('samen-alert-veld').then(c => c.keys()).then(ks => ks.map(k => k.url))")
    assert not [url for url in kept if "/fotos/" in url], kept
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.get_by_text("Graffiti op de gevel")).to_be_visible()
    assert phone.evaluate("() => document.querySelector('img.field-photo').naturalWidth") == 0
    phone.context.set_offline(False)
