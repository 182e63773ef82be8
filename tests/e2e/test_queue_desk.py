"""Issue 14: a coordinator and OOV triage at the desk (1366 px), a beheerder reads the audit log. One browser walk
per item of the issue: columns and filters, bulk actions and shortcuts, the queue map, the report detail, no dead
ends, OOV's satisfaction page, the audit log, the wording of unsafe-place templates."""

import re
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.feedback.satisfaction import record_answer
from meldpunt.reports import workflow
from meldpunt.reports.models import Report, StateChange
from meldpunt.staff.accounts import create_user
from meldpunt.staff.models import AuditEntry, User
from tests.e2e.test_field_flow import _file
from tests.fixtures.browser import assert_marks_the_middle
from tests.fixtures.staff import PASSWORD

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1366, "height": 900}
EMMEN = (52.7858, 6.8975)


@pytest.fixture
def desk(chromium):
    """A desktop browser in Dutch that records CSP errors and requests leaving the machine."""
    context = chromium.new_context(viewport=DESKTOP, locale="nl-NL")
    page = context.new_page()
    page.console_errors, page.outside_requests = [], []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on(
        "request",
        lambda req: (
            not req.url.startswith(("http://127.0.0.1", "data:", "blob:")) and page.outside_requests.append(req.url)
        ),
    )
    yield page
    page.wait_for_load_state("networkidle")  # no request still running when the server stops
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
    assert page.outside_requests == []
    context.close()


def _people(app):
    with app.app_context():
        create_user("coord-e2e", "Tess Coördinator", ["tnh-coordinator"], PASSWORD)
        create_user("oov-e2e", "Olga OOV", ["oov"], PASSWORD)
        create_user("boa-e2e", "Bram Boa", ["boa"], PASSWORD)
        create_user("boa2-e2e", "Bente Boa", ["boa"], PASSWORD)
        db.session.commit()
        db.session.remove()


def _sign_in(page, base_url, username, next_url=""):
    page.goto(f"{base_url}/medewerkers/inloggen" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def _field_reports(app, n, **extra):
    """n reports in the TNH (field) queue, a few metres apart, oldest first."""
    return [_file(app, EMMEN[0] + i * 0.0004, EMMEN[1], f"Vernieling {i}", **extra).reference for i in range(n)]


def _with_report(app, reference, change):
    with app.app_context():
        report = db.session.scalar(sa.select(Report).where(Report.reference == reference))
        result = change(report)
        db.session.commit()
        db.session.remove()
        return result


def _user(username):
    return db.session.scalar(sa.select(User).where(User.username == username))


def _row(page, reference):
    return page.locator("tr[data-report-row]", has=page.get_by_role("link", name=reference, exact=True))


def test_1_triage_columns_open_by_default_filters_apply_and_are_kept_and_saved(live_server, desk):
    app, base_url = live_server
    _people(app)
    plain, flagged, closed = _field_reports(app, 3)
    _with_report(app, flagged, lambda r: setattr(r, "safety_flag", True))

    def close(report):
        coordinator = _user("coord-e2e")
        workflow.take_in_handling(report, coordinator)
        workflow.close_with_outcome(report, "opgelost", "Opgelost, dank u.", coordinator)

    _with_report(app, closed, close)
    _sign_in(desk, base_url, "coord-e2e")
    expect(desk.get_by_role("heading", name="Toezicht en Handhaving")).to_be_visible()
    headers = desk.locator("table.queue-table thead th")
    for column in ("Meldingsnummer", "Categorie", "Gebied", "Ontvangen", "Status", "Toegewezen aan", "Veiligheid",
                   "Uiterlijk"):  # fmt: skip
        expect(headers.filter(has_text=column)).to_have_count(1)
    # The open reports by default: the closed one is not in the list.
    expect(_row(desk, plain)).to_be_visible()
    expect(_row(desk, closed)).to_have_count(0)
    expect(_row(desk, flagged)).to_contain_text("Wapen, geweld of een groep")
    expect(_row(desk, plain)).to_contain_text("geleden")
    # A filter applies as soon as it changes: no button to press.
    desk.wait_for_load_state()
    desk.get_by_label("Alleen met veiligheidswaarschuwing").check()
    expect(desk).to_have_url(re.compile(r"safety=1"))
    expect(_row(desk, plain)).to_have_count(0)
    # To a report and back: the filters are still there.
    desk.get_by_role("link", name=flagged, exact=True).click()
    expect(desk.get_by_role("heading", name=re.compile(flagged))).to_be_visible()
    desk.locator("#back-to-queue").click()
    expect(desk).to_have_url(re.compile(r"safety=1"))
    expect(desk.get_by_label("Alleen met veiligheidswaarschuwing")).to_be_checked()
    expect(_row(desk, plain)).to_have_count(0)
    # Saved per user: name it, leave, come back through the saved filter.
    desk.get_by_text("Deze filters bewaren").click()
    desk.get_by_label("Naam voor deze filters").fill("Gevaar")
    desk.get_by_role("button", name="Opslaan").click()
    expect(desk.locator(".flash")).to_contain_text("Filter 'Gevaar' bewaard.")
    desk.goto(f"{base_url}/medewerkers/wachtrij/TNH")
    expect(_row(desk, plain)).to_be_visible()
    desk.locator(".saved-filters").get_by_role("link", name="Gevaar").click()
    expect(_row(desk, flagged)).to_be_visible()
    expect(_row(desk, plain)).to_have_count(0)
    # "All" shows the closed one too.
    desk.get_by_label("Alleen met veiligheidswaarschuwing").uncheck()
    expect(desk).not_to_have_url(re.compile(r"safety=1"))
    desk.wait_for_load_state()  # filters apply through the page's script, which runs once the page has loaded
    desk.locator("#queue-filters select[name=state]").select_option(label="Alle")
    expect(_row(desk, closed)).to_be_visible()


def test_2_a_coordinator_assigns_ten_reports_in_one_action_and_moves_by_keyboard(live_server, desk):
    app, base_url = live_server
    _people(app)
    references = _field_reports(app, 12)
    _sign_in(desk, base_url, "coord-e2e")
    desk.wait_for_load_state()
    newest_first = list(reversed(references))
    chosen, changed_meanwhile = newest_first[:10], newest_first[10]
    for reference in chosen + [changed_meanwhile]:
        _row(desk, reference).get_by_role("checkbox").check()
    # A colleague closes one of them while this page is open: it is refused by reference, the others go through.
    _with_report(app, changed_meanwhile, lambda r: workflow.cancel(r, "Dubbel", _user("coord-e2e")))
    posts = []
    desk.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    desk.get_by_label("Handeling", exact=True).select_option(label="Toewijzen aan een boa")
    desk.locator(".bulk-bar").get_by_label("Boa").select_option(label="Bram Boa")
    desk.get_by_role("button", name="Uitvoeren voor selectie").click()
    flash = desk.locator(".flash")
    expect(flash).to_contain_text("10 meldingen toegewezen.")
    expect(flash).to_contain_text(f"Geweigerd: {changed_meanwhile}")
    for reference in chosen:
        expect(_row(desk, reference)).to_contain_text("Bram Boa")
    assert posts == [f"{base_url}/medewerkers/wachtrij/TNH/bulk"]  # one action: one request for all ten
    with app.app_context():
        boa = _user("boa-e2e")
        assigned = db.session.scalars(sa.select(Report).where(Report.assigned_to_id == boa.id)).all()
        assert sorted(r.reference for r in assigned) == sorted(chosen)
        ids = [r.id for r in assigned]
        # Each report got its own history line and audit entry, as a single action gives.
        history = sa.select(sa.func.count()).where(StateChange.report_id.in_(ids), StateChange.event == "assign")
        audited = sa.select(sa.func.count()).where(AuditEntry.report_id.in_(ids), AuditEntry.action == "report_assign")
        assert db.session.scalar(history) == db.session.scalar(audited) == 10
        db.session.remove()
    # Keyboard: j moves down the list, Enter opens, j goes to the next report, u back to the list.
    desk.wait_for_load_state()
    desk.locator("body").click(position={"x": 5, "y": 5})
    desk.keyboard.press("j")
    desk.keyboard.press("j")
    expect(desk.get_by_role("link", name=newest_first[1], exact=True)).to_be_focused()
    desk.keyboard.press("x")
    expect(_row(desk, newest_first[1]).get_by_role("checkbox")).to_be_checked()
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("heading", name=re.compile(newest_first[1]))).to_be_visible()
    desk.wait_for_load_state()  # the page's shortcuts listen once its scripts have run
    desk.keyboard.press("j")
    expect(desk.get_by_role("heading", name=re.compile(newest_first[2]))).to_be_visible()
    desk.wait_for_load_state()
    desk.keyboard.press("k")
    expect(desk.get_by_role("heading", name=re.compile(newest_first[1]))).to_be_visible()
    desk.wait_for_load_state()
    desk.keyboard.press("u")
    expect(desk.get_by_role("heading", name="Toezicht en Handhaving")).to_be_visible()


def test_3_the_queue_map_shows_every_filtered_report_beside_the_list(live_server, desk):
    app, base_url = live_server
    _people(app)
    _field_reports(app, 30)  # more than one page of 25
    lonely = _file(app, 52.7700, 6.9300, "Bushokje", category_code="geluid").reference
    _sign_in(desk, base_url, "coord-e2e")
    expect(desk.locator("#queue-map")).to_have_attribute("data-count", "31", timeout=10000)
    expect(desk.locator("table.queue-table tbody tr")).to_have_count(25)
    # Beside the list on a desktop, and still in view after scrolling down the list.
    table, box = desk.locator("table.queue-table").bounding_box(), desk.locator("#queue-map").bounding_box()
    assert box["x"] >= table["x"] + table["width"] - 1  # the whole table, no sideways scrolling at 1366 px
    desk.mouse.wheel(0, 600)
    desk.wait_for_timeout(300)
    assert desk.locator("#queue-map .folium-map").bounding_box()["y"] < DESKTOP["height"]
    # Filtered: only the matching report, with a popup that says what and how old, and links to it.
    desk.get_by_label("Categorie").select_option(value="geluid")
    expect(desk.locator("#queue-map")).to_have_attribute("data-count", "1", timeout=10000)
    desk.locator("#queue-map path.leaflet-interactive").first.click()
    popup = desk.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(lonely)
    expect(popup).to_contain_text("Nieuw")
    expect(popup).to_contain_text("geleden")
    popup.get_by_role("link", name="Melding openen").click()
    expect(desk.get_by_role("heading", name=re.compile(lonely))).to_be_visible()


def test_4_report_detail_answers_in_words_a_map_and_merge_into_this_one(live_server, desk):
    app, base_url = live_server
    _people(app)
    original = _file(app, *EMMEN, "Ruit ingegooid", answers={"weapon": "nee", "frequency": "wekelijks"}).reference
    same = _file(app, EMMEN[0] + 0.0001, EMMEN[1], "Zelfde ruit").reference
    # Alcohol, not jeugd: youth nuisance goes to the straatcoaches' queue; here all three are in the TNH queue.
    other = _file(app, EMMEN[0], EMMEN[1] + 0.0001, "Drinkers bij de ruit", category_code="alcohol").reference
    _sign_in(desk, base_url, "coord-e2e")
    desk.goto(f"{base_url}/medewerkers/wachtrij/TNH")
    desk.get_by_role("link", name=original, exact=True).click()
    summary = desk.locator("dl.summary")
    expect(summary).to_contain_text("Was er een wapen of geweld?")
    expect(summary).to_contain_text("Gebeurt dit vaker?")
    expect(summary).to_contain_text("Elke week")
    expect(summary).not_to_contain_text("weapon")
    expect(desk.locator(".spot-map .leaflet-container")).to_be_visible()
    assert_marks_the_middle(desk.locator(".spot-map .folium-map"), desk.locator(".spot-map path.leaflet-interactive"),
                            pin=False)  # fmt: skip
    nearby = desk.locator("ul.nearby > li")
    expect(nearby.filter(has_text=same)).not_to_contain_text("Andere categorie")
    expect(nearby.filter(has_text=other)).to_contain_text("Andere categorie: Alcohol")
    nearby.filter(has_text=same).get_by_role("button", name=f"{same} samenvoegen met deze").click()
    expect(desk.locator(".flash")).to_contain_text(f"{same} is samengevoegd met {original}.")
    expect(desk.get_by_role("heading", name=re.compile(original))).to_be_visible()
    # A different category needs the confirmation.
    item = desk.locator("ul.nearby > li").filter(has_text=other)
    item.get_by_label("Het is hetzelfde probleem").check()
    item.get_by_role("button", name=f"{other} samenvoegen met deze").click()
    merged = desk.locator("ul.merged")
    expect(merged).to_contain_text(same)
    expect(merged).to_contain_text(other)
    merged.get_by_role("link", name=same).click()
    status = desk.locator(".status-line")
    expect(status).to_contain_text(f"Samengevoegd met {original}")
    expect(status).not_to_contain_text("Geannuleerd")
    status.get_by_role("link", name=original).click()
    expect(desk.get_by_role("heading", name=re.compile(original))).to_be_visible()


def test_5_moving_a_report_to_oov_ends_on_the_queue_with_what_happened(live_server, desk):
    app, base_url = live_server
    _people(app)
    reference, staying = _field_reports(app, 2)
    _sign_in(desk, base_url, "coord-e2e")
    desk.get_by_role("link", name=reference, exact=True).click()
    desk.get_by_text("Verplaatsen naar een andere wachtrij").click()
    desk.locator("#action-reroute").get_by_label("Naar wachtrij").select_option(label="Openbare Orde en Veiligheid")
    desk.locator("#action-reroute").get_by_label("Reden").fill("Hoort bij de aanpak van de wijk")
    desk.locator("#action-reroute").get_by_role("button", name="Verplaatsen").click()
    expect(desk.locator(".flash")).to_contain_text(f"{reference} is verplaatst naar Openbare Orde en Veiligheid.")
    expect(desk.get_by_role("heading", name="Toezicht en Handhaving")).to_be_visible()
    expect(_row(desk, staying)).to_be_visible()
    # A page the role may not open says so in Dutch, with a way back.
    report_id = _with_report(app, reference, lambda r: r.id)
    desk.goto(f"{base_url}/medewerkers/meldingen/{report_id}")
    expect(desk.get_by_role("heading", name="Niet voor uw rol")).to_be_visible()
    expect(desk.locator("main")).not_to_contain_text("Forbidden")
    desk.get_by_role("link", name="Terug naar uw startpagina").click()
    expect(desk.get_by_role("heading", name="Toezicht en Handhaving")).to_be_visible()


def test_6_oov_reads_satisfaction_per_period_with_shared_comments_and_not_helped_on_the_report(live_server, desk):
    app, base_url = live_server
    _people(app)
    old, recent, unhappy = (_file(app, *EMMEN, f"Donkere plek {i}", kind="onveilige_plek", category_code="donker",
                                  incident_at=None).reference for i in range(3))  # fmt: skip

    def closed_with_answer(helped, comment, share, days_ago):
        def change(report):
            oov = _user("oov-e2e")
            workflow.take_in_handling(report, oov)
            workflow.close_with_outcome(report, "opgelost", "De lamp is vervangen.", oov)
            answer = record_answer(report, helped, comment, reopen=False, share_comment=share)
            answer.created_at = utcnow() - timedelta(days=days_ago)

        return change

    _with_report(app, old, closed_with_answer(True, "Lang geleden al opgelost", True, 60))
    _with_report(app, recent, closed_with_answer(True, "Snel gerepareerd, dank!", True, 2))
    _with_report(app, unhappy, closed_with_answer(False, "Nog steeds donker, privé", False, 1))
    _sign_in(desk, base_url, "oov-e2e")
    desk.locator(".staff-nav summary", has_text="Analyse en cijfers").click()  # the menu it is in
    desk.get_by_role("link", name="Tevredenheid").click()
    desk.wait_for_load_state()
    table = desk.locator("#satisfaction")
    expect(table).to_contain_text("3")
    comments = desk.locator("#shared-comments")
    expect(comments).to_contain_text("Snel gerepareerd, dank!")
    expect(comments).to_contain_text("Lang geleden al opgelost")
    expect(desk.locator("main")).not_to_contain_text("Nog steeds donker")  # not shared by the reporter
    desk.get_by_label("Beantwoord in").select_option(label="Afgelopen 30 dagen")
    expect(desk).to_have_url(re.compile(r"period=30d"))
    expect(table.locator("tbody tr").first).to_contain_text("50% (1)")
    expect(comments).not_to_contain_text("Lang geleden al opgelost")
    # The "not helped" answer shows on the report itself.
    report_id = _with_report(app, unhappy, lambda r: r.id)
    desk.goto(f"{base_url}/medewerkers/meldingen/{report_id}")
    expect(desk.locator(".not-helped")).to_contain_text("De melder is niet geholpen.")
    expect(desk.locator(".not-helped")).to_contain_text("Nog steeds donker")


def test_7_the_audit_log_for_people_after_a_beheerders_first_sign_in(live_server, desk):
    app, base_url = live_server
    _people(app)
    [reference] = _field_reports(app, 1)
    _with_report(app, reference, lambda r: workflow.assign_to_boa(r, _user("boa-e2e"), _user("coord-e2e")))
    with app.app_context():
        create_user("beheer-e2e", "Bas Beheer", ["beheerder"], PASSWORD)
        db.session.commit()
        db.session.remove()
    _sign_in(desk, base_url, "beheer-e2e")
    # Enrolment: the key shown on the page gives the first code, which completes the sign-in.
    secret = desk.locator("code.secret").inner_text()
    desk.get_by_label("Code van 6 cijfers uit uw authenticator-app").fill(pyotp.TOTP(secret).now())
    desk.get_by_role("button", name="Bevestigen").click()
    desk.locator(".staff-nav summary", has_text="Beheer").click()  # the menu it is in
    desk.get_by_role("link", name="Auditlog").click()
    desk.wait_for_load_state()
    log = desk.locator("#audit")
    desk.get_by_label("Persoon").select_option(label="Bas Beheer (beheer-e2e)")
    expect(desk).to_have_url(re.compile(r"person="))
    expect(log.locator("tbody tr").filter(has_text="Ingelogd")).to_have_count(1)
    desk.wait_for_load_state()
    desk.get_by_label("Persoon").select_option(label="Iedereen")
    expect(desk).not_to_have_url(re.compile(r"person="))
    desk.wait_for_load_state()
    desk.get_by_label("Handeling").select_option(label="Melding: toegewezen")
    row = log.locator("tbody tr").first
    expect(row).to_contain_text(reference)
    expect(row).to_contain_text("Tess Coördinator")
    expect(row).to_contain_text("Nieuw → In behandeling")
    expect(log).not_to_contain_text("report_assign")
    log.get_by_role("link", name=reference).click()
    expect(desk.get_by_label("Melding (kenmerk)")).to_have_value(reference)
    today = utcnow().date().isoformat()
    desk.get_by_label("Van", exact=True).fill(today)
    desk.get_by_label("Tot en met", exact=True).fill(today)
    desk.get_by_role("button", name="Filteren").click()
    expect(log.locator("tbody tr")).to_have_count(1)


def test_8_closing_an_unsafe_place_never_talks_about_people(live_server, desk):
    app, base_url = live_server
    _people(app)
    place = _file(app, *EMMEN, "Tunnel zonder licht", kind="onveilige_plek", category_code="donker",
                  incident_at=None).reference  # fmt: skip
    _with_report(app, place, lambda r: workflow.take_in_handling(r, _user("oov-e2e")))
    _sign_in(desk, base_url, "oov-e2e")
    desk.get_by_role("link", name=place, exact=True).click()
    for outcome in ("Onderdeel van een bredere aanpak", "Opgelost", "Overgedragen aan een partner",
                    "Geen directe actie mogelijk, meegenomen in ons beeld van de buurt"):  # fmt: skip
        desk.get_by_label("Begin met een sjabloon (in de taal van de melder)").select_option(label=outcome)
        desk.get_by_role("button", name="Sjabloon gebruiken").click()
        message = desk.get_by_label("Bericht voor de melder").input_value()
        assert message.startswith("Bedankt voor uw melding."), outcome
        assert "person" not in message.lower(), (outcome, message)
        assert "plek" in message, (outcome, message)
    desk.locator("#action-close").get_by_role("button", name="Afsluiten").click()
    expect(desk.locator(".flash")).to_contain_text(f"{place} is afgehandeld")
