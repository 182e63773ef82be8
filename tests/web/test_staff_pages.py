"""The staff workspace through the test client."""

import html
import re
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.reports import workflow
from meldpunt.reports.history import EVENTS, STAFF_EVENTS, record_change
from meldpunt.reports.models import Report
from meldpunt.reports.submission import submit_report
from meldpunt.staff.audit_log import action_label
from meldpunt.staff.models import AUDIT_ACTIONS, AuditEntry, User, audit
from meldpunt.web.desk_messages import HISTORY_EVENT_LABELS
from tests.fixtures.sql import recorded_statements
from tests.fixtures.staff import PASSWORD


def _text(response):
    return response.get_data(as_text=True)


def _field_report(new_report, **extra):
    values = dict(kind="overlast", category_code="vernieling", incident_at=utcnow() - timedelta(days=2))
    values.update(extra)
    return db.session.get(Report, submit_report(new_report(**values)).report_id)


def test_wrong_password_says_so_without_naming_the_account(client, staff):
    response = client.post("/medewerkers/inloggen", data={"username": "analist", "password": "wrong password!!"})
    unknown = client.post("/medewerkers/inloggen", data={"username": "nobody", "password": "wrong password!!"})
    assert response.status_code == unknown.status_code == 422
    assert "Onbekende gebruikersnaam of verkeerd wachtwoord." in _text(response)
    assert _text(response).count("Onbekende gebruikersnaam") == _text(unknown).count("Onbekende gebruikersnaam")


def test_beheerder_enrols_two_step_verification_at_first_sign_in(client, make_user):
    make_user("nieuw", "oov", "beheerder")
    user = db.session.scalar(sa.select(User).where(User.username == "nieuw"))
    user.totp_enabled, user.totp_secret = False, None  # a brand-new beheerder has no authenticator yet
    db.session.commit()
    first = client.post("/medewerkers/inloggen", data={"username": "nieuw", "password": PASSWORD})
    assert first.headers["Location"].endswith("/medewerkers/inloggen/code")
    page = _text(client.get("/medewerkers/inloggen/code"))
    assert "<svg" in page  # the QR code
    db.session.expire_all()
    secret = db.session.scalar(sa.select(User.totp_secret).where(User.username == "nieuw"))
    assert secret in page
    wrong = client.post("/medewerkers/inloggen/code", data={"code": "000000"})
    assert wrong.status_code == 422
    done = client.post("/medewerkers/inloggen/code", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302
    assert client.get("/beheer/gebruikers").status_code == 200


def test_a_wrong_totp_code_does_not_sign_in(client, staff):
    client.post("/medewerkers/inloggen", data={"username": "beheer", "password": PASSWORD})
    response = client.post("/medewerkers/inloggen/code", data={"code": "12345x"})
    assert response.status_code == 422
    assert "/medewerkers/inloggen" in client.get("/beheer/gebruikers").headers["Location"]


def test_queue_page_filters_live_in_the_url_and_count_states(client, staff, login, new_report):
    for _ in range(3):
        submit_report(new_report(kind="onveilige_plek", category_code="donker"))
    submit_report(new_report(kind="onveilige_plek", category_code="verlichting"))
    login(client, staff["oov"])
    page = _text(client.get("/medewerkers/wachtrij/OOV?category=verlichting&state=nieuw"))
    assert page.count('<td><a href="/medewerkers/meldingen/') == 1
    assert "Nieuw: <strong>1</strong>" in page
    everything = _text(client.get("/medewerkers/wachtrij/OOV"))
    assert everything.count('<td><a href="/medewerkers/meldingen/') == 4
    assert "folium-map" in everything and "leaflet.markercluster.js" in everything
    assert "$(" not in everything  # folium's Popup needs jQuery, which is not shipped: markers must not use it


def test_queue_paging(client, staff, login, new_report):
    for _ in range(27):
        submit_report(new_report(kind="onveilige_plek", category_code="donker"))
    login(client, staff["oov"])
    first = _text(client.get("/medewerkers/wachtrij/OOV"))
    following = re.search(r'<a href="(\?[^"]*)" rel="next">Volgende</a>', first).group(1)
    second = _text(client.get("/medewerkers/wachtrij/OOV" + html.unescape(following)))
    assert first.count('<td><a href="/medewerkers/meldingen/') == 25
    assert second.count('<td><a href="/medewerkers/meldingen/') == 2
    assert 'rel="next"' not in second and 'rel="prev">Vorige</a>' in second


def test_overdue_filter(client, staff, login, new_report):
    # donker: 30 working days, six weeks and more (40 calendar days is no longer late)
    submit_report(new_report(kind="onveilige_plek", category_code="donker"), now=utcnow() - timedelta(days=60))
    submit_report(new_report(kind="onveilige_plek", category_code="donker"))
    login(client, staff["oov"])
    page = _text(client.get("/medewerkers/wachtrij/OOV?overdue=1"))
    assert page.count('<td><a href="/medewerkers/meldingen/') == 1


def test_contact_details_only_on_request_and_audited(client, staff, login, new_report):
    report = _field_report(new_report, email="melder@example.org", email_consent=True)
    login(client, staff["tnh"])
    page = _text(client.get(f"/medewerkers/meldingen/{report.id}"))
    assert "melder@example.org" not in page
    shown = _text(client.post(f"/medewerkers/meldingen/{report.id}/contact"))
    assert "melder@example.org" in shown
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "contact_viewed"))
    assert entry.user_id == staff["tnh"].id and entry.report_id == report.id


def test_nearby_reports_show_possible_duplicates(client, staff, login, new_report):
    report = _field_report(new_report, lat=52.7858, lon=6.8975)
    near = _field_report(new_report, lat=52.78590, lon=6.89760)  # about 15 m away
    _field_report(new_report, lat=52.7880, lon=6.8975)  # about 245 m away
    login(client, staff["tnh"])
    page = _text(client.get(f"/medewerkers/meldingen/{report.id}"))
    section = page.split("50 m")[1]
    assert near.reference in section and section.count('<a href="/medewerkers/meldingen/') == 1


def test_a_stale_form_changes_nothing_and_says_why(client, staff, login, new_report):
    report = _field_report(new_report)
    login(client, staff["tnh"])
    page = _text(client.get(f"/medewerkers/meldingen/{report.id}"))
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert client.post(f"/medewerkers/meldingen/{report.id}/take", data={"version": version}).status_code == 302
    stale = client.post(f"/medewerkers/meldingen/{report.id}/cancel", data={"version": version, "reason": "spam"})
    assert stale.status_code == 422
    assert "Iemand anders heeft deze melding" in _text(stale)
    db.session.expire_all()
    assert db.session.get(Report, report.id).state == "in_behandeling"


def test_a_forbidden_transition_is_explained(client, staff, login, new_report):
    report = _field_report(new_report)
    login(client, staff["tnh"])
    response = client.post(f"/medewerkers/meldingen/{report.id}/reopen", data={"version": 1, "reason": "x"})
    assert response.status_code == 422
    assert "kan niet" in _text(response)


def test_assigning_to_a_non_boa_is_refused(client, staff, login, new_report):
    report = _field_report(new_report)
    login(client, staff["tnh"])
    response = client.post(f"/medewerkers/meldingen/{report.id}/assign",
                           data={"version": 1, "boa": staff["oov"].id})  # fmt: skip
    assert response.status_code == 422
    assert staff["oov"].name in _text(response)
    ok = client.post(f"/medewerkers/meldingen/{report.id}/assign", data={"version": 1, "boa": staff["boa"].id})
    assert ok.status_code == 302


def test_oov_triages_reroutes_and_merges(client, staff, login, new_report):
    first = db.session.get(Report, submit_report(new_report(kind="overlast", category_code="verward")).report_id)
    duplicate = db.session.get(Report, submit_report(new_report(kind="overlast", category_code="verward")).report_id)
    login(client, staff["oov"])
    assert client.post(f"/medewerkers/meldingen/{first.id}/take", data={"version": 1}).status_code == 302
    merged = client.post(f"/medewerkers/meldingen/{duplicate.id}/merge",
                         data={"version": 1, "original": first.reference.lower()})  # fmt: skip
    assert merged.status_code == 302
    moved = client.post(f"/medewerkers/meldingen/{first.id}/reroute",
                        data={"version": 2, "queue": "TNH", "reason": "Veldwerk nodig"})  # fmt: skip
    assert moved.status_code == 302
    db.session.expire_all()
    first, duplicate = db.session.get(Report, first.id), db.session.get(Report, duplicate.id)
    assert duplicate.state == "geannuleerd" and duplicate.merged_into_id == first.id
    assert first.queue.code == "TNH"
    history = _text(client.get(f"/medewerkers/meldingen/{first.id}"))
    assert "Veldwerk nodig" in history


def test_closing_posts_a_message_for_the_reporter(client, staff, login, new_report):
    receipt = submit_report(new_report(kind="onveilige_plek", category_code="verlichting"))
    login(client, staff["oov"])
    client.post(f"/medewerkers/meldingen/{receipt.report_id}/take", data={"version": 1})
    missing = client.post(f"/medewerkers/meldingen/{receipt.report_id}/close",
                          data={"version": 2, "outcome": "opgelost", "message": ""})  # fmt: skip
    assert missing.status_code == 422
    done = client.post(f"/medewerkers/meldingen/{receipt.report_id}/close",
                       data={"version": 2, "outcome": "opgelost", "message": "De lamp is vervangen."})  # fmt: skip
    assert done.status_code == 302
    tracking = _text(client.get(f"/volg/{receipt.tracking_token}"))
    assert "Afgehandeld" in tracking and "De lamp is vervangen." in tracking


def test_beheerder_manages_users_and_reads_the_audit_log(client, staff, login):
    login(client, staff["beheerder"])
    created = client.post("/beheer/gebruikers/nieuw", data={
        "username": "nieuweboa", "name": "Nina Nieuw", "roles": ["boa"], "password": "een heel lang wachtwoord",
    })  # fmt: skip
    assert created.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "nieuweboa"))
    assert user.roles == ["boa"] and user.password_hash.startswith("$argon2id$")
    changed = client.post(f"/beheer/gebruikers/{user.id}", data={
        "username": "nieuweboa", "name": "Nina Nieuw", "roles": ["boa", "tnh-coordinator"], "active": "y",
    })  # fmt: skip
    assert changed.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == ["boa", "tnh-coordinator"]
    log = _text(client.get("/beheer/audit"))
    assert "user_created" in log and "user_changed" in log


def test_create_user_command(app, runner):
    result = runner.invoke(args=["create-user", "cli-boa", "--name", "Cli Boa", "--role", "boa",
                                 "--password", "lang genoeg wachtwoord"])  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "cli-boa"))
    assert user.roles == ["boa"]
    again = runner.invoke(args=["create-user", "cli-boa", "--name", "X", "--role", "boa",
                                "--password", "lang genoeg wachtwoord"])  # fmt: skip
    assert again.exit_code != 0 and "exists" in again.output


def test_a_closing_message_with_a_phone_number_is_stopped_for_review(client, staff, login, new_report):
    receipt = submit_report(new_report(kind="onveilige_plek", category_code="verlichting"))
    login(client, staff["oov"])
    client.post(f"/medewerkers/meldingen/{receipt.report_id}/take", data={"version": 1})
    message = "Bel de beheerder van het park op 06-12345678."
    stopped = client.post(f"/medewerkers/meldingen/{receipt.report_id}/close",
                          data={"version": 2, "outcome": "opgelost", "message": message})  # fmt: skip
    assert stopped.status_code == 422
    assert "06-12345678" in _text(stopped) and 'name="personal_data_confirmed"' in _text(stopped)
    db.session.expire_all()
    assert db.session.get(Report, receipt.report_id).state == "in_behandeling"
    confirmed = client.post(f"/medewerkers/meldingen/{receipt.report_id}/close",
                            data={"version": 2, "outcome": "opgelost", "message": message,
                                  "personal_data_confirmed": "y"})  # fmt: skip
    assert confirmed.status_code == 302


def test_nearby_reports_only_from_queues_the_viewer_reads(client, staff, login, new_report):
    report = _field_report(new_report, lat=52.7858, lon=6.8975)
    hidden = db.session.get(Report, submit_report(new_report(kind="overlast", category_code="woonoverlast",
                                                             lat=52.78585, lon=6.89755)).report_id)  # fmt: skip
    assert hidden.queue.code == "OOV"
    login(client, staff["tnh"])
    page = _text(client.get(f"/medewerkers/meldingen/{report.id}"))
    assert hidden.reference not in page


def test_after_a_stale_refusal_the_same_form_can_be_sent_deliberately(client, staff, login, new_report):
    report = _field_report(new_report)
    login(client, staff["tnh"])
    client.post(f"/medewerkers/meldingen/{report.id}/take", data={"version": 1})
    stale = client.post(f"/medewerkers/meldingen/{report.id}/cancel", data={"version": 1, "reason": "spam"})
    assert stale.status_code == 422
    cancel_form = _text(stale).split('/cancel"')[1]
    version = re.search(r'<input id="version" name="version" type="hidden" value="(\d+)"', cancel_form)
    assert version and version.group(1) == "2"
    again = client.post(f"/medewerkers/meldingen/{report.id}/cancel", data={"version": 2, "reason": "spam"})
    assert again.status_code == 302


def test_an_out_of_range_date_in_the_audit_log_filter_is_named_not_a_server_error(client, staff, login):
    login(client, staff["beheerder"])
    for query in ("to=9999-12-31", "from=0001-01-01", "from=0001-01-01&to=9999-12-31"):
        response = client.get(f"/beheer/audit?{query}")
        assert response.status_code == 200, query
        assert "Kies een datum tussen 1 januari 2000 en 31 december 2100." in _text(response), query
    assert "Kies een datum tussen" not in _text(client.get("/beheer/audit?from=2020-01-01&to=2020-01-02"))


def test_an_out_of_range_measure_date_on_the_unsafe_spots_page_is_not_a_server_error(client, staff, login):
    login(client, staff["oov"])
    for day in ("9999-12-31", "0001-01-01"):
        response = client.get(f"/analyse/onveilige-plekken?maatregel={day}&plek=1-1")
        assert response.status_code == 200
        assert "Kies een datum tussen 1 januari 2000 en 31 december 2100." in _text(response)


def test_a_hand_back_reads_in_words_in_the_history_and_the_audit_log(client, staff, login, new_report):
    report = _field_report(new_report)
    workflow.claim(report, staff["boa"])
    workflow.hand_back(report, staff["boa"], "einde_dienst")
    db.session.commit()
    login(client, staff["tnh"])
    history = _text(client.get(f"/medewerkers/meldingen/{report.id}"))
    assert "(teruggegeven door de boa)" in history and "hand_back" not in history
    beheerder = client.application.test_client()
    login(beheerder, staff["beheerder"])
    log = _text(beheerder.get("/beheer/audit?action=report_hand_back"))
    assert "<td>Melding: teruggegeven door de boa</td>" in log and "report_hand_back</td>" not in log


def test_every_history_event_and_audit_action_has_a_label(app):
    from flask_babel import force_locale

    assert EVENTS and AUDIT_ACTIONS
    report_actions = {f"report_{event}" for event in STAFF_EVENTS}
    with app.test_request_context(), force_locale("nl"):
        for event in EVENTS:
            assert str(HISTORY_EVENT_LABELS.get(event, event)) != event, event
        for action in AUDIT_ACTIONS | report_actions:
            assert action_label(action) != action, action


def test_an_event_or_action_not_in_the_lists_is_refused(app, staff, new_report):
    report = _field_report(new_report)
    with pytest.raises(ValueError):
        record_change(report, event="teleport", to_state=report.state, actor="test", now=utcnow())
    with pytest.raises(ValueError):
        audit(staff["tnh"], "teleported")


def test_lists_of_areas_do_not_load_their_outlines(client, staff, login, new_report):
    """An area's outline can be megabytes (a CBS buurt, an imported zone); lists, filters and a report's area
    need its name only."""
    report = _field_report(new_report)
    with recorded_statements() as statements:
        login(client, staff["tnh"])
        for path in ("/medewerkers/wachtrij/TNH", "/medewerkers/vaste-boas", f"/medewerkers/meldingen/{report.id}"):
            assert client.get(path).status_code == 200, path
        oov = client.application.test_client()
        login(oov, staff["oov"])
        assert oov.get("/analyse/").status_code == 200
    assert any("FROM area" in s for s in statements)
    assert not [s for s in statements if re.search(r"AsEWKB\(area\.geom", s)]
