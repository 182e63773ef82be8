"""The desk through the test client: bulk actions and their summary, map data, saved filters, merge warnings,
no dead ends, satisfaction, the audit log."""

import re
from datetime import timedelta

import pyotp
import sqlalchemy as sa
from flask_babel import refresh

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.feedback.satisfaction import record_answer
from meldpunt.feedback.templates import default_templates
from meldpunt.reports import workflow
from meldpunt.reports.models import Category, Queue, Report
from meldpunt.reports.submission import submit_report
from meldpunt.staff.models import AuditEntry, SavedQueueFilter, User
from tests.fixtures.sql import recorded_statements
from tests.fixtures.staff import PASSWORD


def _field(new_report, **extra):
    values = dict(kind="overlast", category_code="vernieling", incident_at=utcnow() - timedelta(days=1))
    values.update(extra)
    return db.session.get(Report, submit_report(new_report(**values)).report_id)


def test_bulk_assign_says_how_many_and_names_each_refusal(client, staff, login, new_report):
    reports = [_field(new_report) for _ in range(4)]
    workflow.cancel(reports[3], "Dubbel", staff["tnh"])
    db.session.commit()
    login(client, staff["tnh"])
    response = client.post(
        "/medewerkers/wachtrij/TNH/bulk",
        data={"action": "assign", "boa": str(staff["boa"].id), "terug": "category=vernieling&evil=1",
              "report": [f"{r.id}:{r.version}" for r in reports]},
    )  # fmt: skip
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/medewerkers/wachtrij/TNH?category=vernieling")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 meldingen toegewezen." in page
    assert f"Geweigerd: {reports[3].reference}: Deze melding is niet meer open." in page


def test_bulk_loads_the_selection_at_once_and_says_a_report_moved_away_meanwhile(client, staff, login, new_report):
    reports = [_field(new_report) for _ in range(5)]
    moved = reports[4]
    workflow.reroute(moved, db.session.scalar(sa.select(Queue).where(Queue.code == "OOV")), "Geen veldwerk",
                     staff["tnh"])  # fmt: skip
    db.session.commit()
    login(client, staff["tnh"])
    selected = [f"{r.id}:{r.version}" for r in reports]
    with recorded_statements() as statements:
        response = client.post("/medewerkers/wachtrij/TNH/bulk", data={"action": "take", "report": selected})
    assert response.status_code == 302
    loads = [s for s in statements if s.lstrip().startswith("SELECT") and re.search(r"FROM report\b", s)]
    assert len(loads) == 1, "\n\n".join(loads)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "4 meldingen in behandeling genomen." in page
    # Moved to a queue the coordinator cannot read: counted, not named.
    assert "1 geselecteerde melding staat niet meer in een wachtrij die u kunt lezen." in page
    assert moved.reference not in page


def test_the_desk_asks_the_database_once_for_each_list_it_shows(client, staff, login, new_report):
    report = _field(new_report)
    workflow.take_in_handling(report, staff["tnh"])
    db.session.commit()
    login(client, staff["tnh"])
    with recorded_statements() as queue_sql:
        assert client.get("/medewerkers/wachtrij/TNH").status_code == 200
    with recorded_statements() as report_sql:
        page = client.get(f"/medewerkers/meldingen/{report.id}")
    assert page.status_code == 200 and '<option value="opgelost"' in page.get_data(as_text=True)

    def count(statements, pattern):
        return len([s for s in statements if re.search(pattern, s)])

    assert count(queue_sql, r"WHERE staff_user\.active") == 1  # the field officers, for the filter and the form
    assert count(report_sql, r"WHERE staff_user\.active") == 1
    assert count(report_sql, r"FROM feedback_template") == 1  # every template offered, not one query per outcome


def test_bulk_without_a_choice_keeps_the_page_and_says_why(client, staff, login, new_report):
    report = _field(new_report)
    login(client, staff["tnh"])
    response = client.post("/medewerkers/wachtrij/TNH/bulk", data={"action": "assign",
                                                                   "report": [f"{report.id}:1"]})  # fmt: skip
    assert response.status_code == 422
    assert "Kies een boa." in response.get_data(as_text=True)
    assert f'value="{report.id}:1" id="select-{report.id}" checked' in response.get_data(as_text=True)
    assert db.session.get(Report, report.id).assigned_to_id is None


def test_oov_reads_the_tnh_queue_but_cannot_act_on_it_in_bulk(client, staff, login, new_report):
    report = _field(new_report)
    login(client, staff["oov"])
    page = client.get("/medewerkers/wachtrij/TNH").get_data(as_text=True)
    assert 'name="report"' not in page  # no selection boxes
    response = client.post("/medewerkers/wachtrij/TNH/bulk", data={"action": "take", "report": [f"{report.id}:1"]})
    assert response.status_code == 403
    assert "Niet voor uw rol" in response.get_data(as_text=True)


def test_map_data_is_geojson_with_what_the_popup_shows(client, staff, login, new_report):
    report = _field(new_report)
    login(client, staff["tnh"])
    data = client.get("/medewerkers/wachtrij/TNH/kaart.geojson?category=vernieling").get_json()
    [feature] = data["features"]
    props = feature["properties"]
    assert props["reference"] == report.reference and props["category"] == "Vernieling"
    assert props["state"] == "Nieuw" and "geleden" in props["age"]
    assert props["url"] == f"/medewerkers/meldingen/{report.id}?terug=state%3Dopen%26category%3Dvernieling"
    assert "melder" not in str(data).lower() and "description" not in props


def test_saved_filters_belong_to_their_owner(client, staff, login):
    login(client, staff["tnh"])
    client.post("/medewerkers/wachtrij/TNH/filters", data={"name": "Mijn vernielingen",
                                                           "query": "category=vernieling&page=3&x=1"})  # fmt: skip
    saved = db.session.scalar(sa.select(SavedQueueFilter))
    assert saved.query == "category=vernieling" and saved.user_id == staff["tnh"].id
    assert "Mijn vernielingen" in client.get("/medewerkers/wachtrij/TNH").get_data(as_text=True)
    other = client.application.test_client()
    login(other, staff["oov"])
    assert "Mijn vernielingen" not in other.get("/medewerkers/wachtrij/TNH").get_data(as_text=True)
    assert other.post(f"/medewerkers/filters/{saved.id}/verwijderen").status_code == 404
    assert client.post(f"/medewerkers/filters/{saved.id}/verwijderen").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SavedQueueFilter)) == 0


def test_merging_another_category_needs_a_confirmation(client, staff, login, new_report):
    original = _field(new_report)
    other = _field(new_report, category_code="jeugd")
    login(client, staff["tnh"])
    url = f"/medewerkers/meldingen/{other.id}/merge?naar={original.id}"
    refused = client.post(url, data={"version": other.version, "original": original.reference})
    assert refused.status_code == 422
    assert "heeft een andere categorie" in refused.get_data(as_text=True)
    done = client.post(url, data={"version": other.version, "original": original.reference,
                                  "different_category_confirmed": "y"})  # fmt: skip
    assert done.headers["Location"].endswith(f"/medewerkers/meldingen/{original.id}")
    page = client.get(f"/medewerkers/meldingen/{other.id}").get_data(as_text=True)
    assert f'Samengevoegd met <a href="/medewerkers/meldingen/{original.id}">{original.reference}</a>' in page


def test_a_refused_merge_here_says_why_on_the_page_it_was_sent_from(client, staff, login, new_report):
    oov = db.session.scalar(sa.select(Queue).where(Queue.code == "OOV"))
    original, closed, duplicate, moved = (_field(new_report) for _ in range(4))
    workflow.cancel(closed, "Dubbel", staff["tnh"])
    workflow.reroute(moved, oov, "Geen veldwerk", staff["tnh"])
    db.session.commit()
    login(client, staff["tnh"])

    def merge_here(other, into):
        url = f"/medewerkers/meldingen/{other.id}/merge?naar={into.id}"
        response = client.post(url, data={"version": other.version, "original": into.reference})
        page = response.get_data(as_text=True)
        assert response.status_code == 422, page[:500]
        assert f"<h1>{into.reference} · " in page  # still the page it was sent from
        return page[page.index('<div class="error-summary"') :][:600]

    assert "Voeg samen met een open melding die u kunt zien." in merge_here(duplicate, closed)
    assert "Een melding kan niet met zichzelf worden samengevoegd." in merge_here(original, original)
    # Moved meanwhile to a queue the coordinator does not handle (nor read): said, not a 403.
    assert "Die melding staat niet meer in een wachtrij die u behandelt; er is niets samengevoegd." in merge_here(
        moved, original
    )
    db.session.expire_all()
    assert db.session.get(Report, duplicate.id).merged_into_id is None
    assert db.session.get(Report, moved.id).merged_into_id is None


def test_answers_show_with_their_questions_in_the_staff_language(client, staff, login, new_report):
    report = _field(new_report, answers={"weapon": "ja", "group_size": "groep"})
    login(client, staff["tnh"])
    page = client.get(f"/medewerkers/meldingen/{report.id}").get_data(as_text=True)
    assert "<dt>Was er een wapen of geweld?</dt><dd>Ja</dd>" in page
    assert "<dt>Hoeveel mensen zijn erbij betrokken?</dt><dd>Meer dan 5</dd>" in page
    refresh()  # tests share one app context, where Flask-Babel caches the locale of the previous request
    english = client.get(f"/medewerkers/meldingen/{report.id}?lang=en")
    assert "<dt>Was there a weapon or violence?</dt><dd>Yes</dd>" in english.get_data(as_text=True)


def test_moving_to_a_queue_you_cannot_read_ends_on_your_queue(client, staff, login, new_report):
    report = _field(new_report)
    login(client, staff["tnh"])
    response = client.post(f"/medewerkers/meldingen/{report.id}/reroute?terug=state%3Dopen",
                           data={"version": report.version, "queue": "OOV", "reason": "Beleid"})  # fmt: skip
    assert response.headers["Location"].endswith("/medewerkers/wachtrij/TNH?state=open")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{report.reference} is verplaatst naar Openbare Orde en Veiligheid." in page
    forbidden = client.get(f"/medewerkers/meldingen/{report.id}")
    assert forbidden.status_code == 403 and "Niet voor uw rol" in forbidden.get_data(as_text=True)


def _closed_with_answer(new_report, staff, helped, comment, share, days_ago=0):
    report = db.session.get(Report, submit_report(new_report(kind="onveilige_plek", category_code="donker")).report_id)
    workflow.take_in_handling(report, staff["oov"])
    workflow.close_with_outcome(report, "opgelost", "Gerepareerd.", staff["oov"])
    answer = record_answer(report, helped, comment, reopen=False, share_comment=share)
    answer.created_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return report


def test_satisfaction_per_period_with_only_shared_comments(client, staff, login, new_report):
    _closed_with_answer(new_report, staff, True, "Oud maar goed", True, days_ago=100)
    _closed_with_answer(new_report, staff, False, "Gedeeld: nog steeds donker", True)
    _closed_with_answer(new_report, staff, False, "Niet delen aub", False)
    login(client, staff["oov"])
    everything = client.get("/medewerkers/tevredenheid").get_data(as_text=True)
    assert "33% (1)" in everything and "Oud maar goed" in everything
    recent = client.get("/medewerkers/tevredenheid?period=30d").get_data(as_text=True)
    assert "0% (0)" in recent and "Oud maar goed" not in recent
    assert "Gedeeld: nog steeds donker" in recent and "Niet delen aub" not in recent


def test_the_reporter_can_share_a_comment_from_the_tracking_page(client, app, staff, new_report):
    receipt = submit_report(new_report(kind="onveilige_plek", category_code="donker"))
    report = db.session.get(Report, receipt.report_id)
    workflow.take_in_handling(report, staff["oov"])
    workflow.close_with_outcome(report, "opgelost", "Gerepareerd.", staff["oov"])
    db.session.commit()
    response = client.post(f"/volg/{receipt.tracking_token}/tevredenheid",
                           data={"helped": "ja", "comment": "Top", "share_comment": "ja"})  # fmt: skip
    assert response.status_code == 200
    from meldpunt.feedback.satisfaction import satisfaction_of

    assert satisfaction_of(report).comment_shared is True


def test_unsafe_place_templates_never_speak_of_people(app):
    codes = set(db.session.scalars(sa.select(Category.code).where(Category.kind == "onveilige_plek")))
    templates = default_templates()
    for code in codes:
        for outcome in ("opgelost", "bredere_aanpak", "geen_directe_actie", "doorgezet_partner"):
            text = str(templates[(code, outcome)])
            assert "people" not in text and "privacy" not in text, (code, outcome)
    assert "personen" not in str(workflow.template_for("donker", "bredere_aanpak", "nl").body)


def test_the_audit_log_names_people_actions_and_references_and_filters(client, staff, login, new_report):
    report = _field(new_report)
    workflow.assign_to_boa(report, staff["boa"], staff["tnh"])
    db.session.commit()
    login(client, staff["beheerder"])
    page = client.get(f"/beheer/audit?action=report_assign&person={staff['tnh'].id}").get_data(as_text=True)
    assert report.reference in page and "Melding: toegewezen" in page and "Nieuw → In behandeling" in page
    assert "<td>report_assign</td>" not in page and "<td>Melding: toegewezen</td>" in page
    none = client.get(f"/beheer/audit?reference={report.reference}&action=login").get_data(as_text=True)
    assert "Geen regels bij deze filters." in none
    old = client.get("/beheer/audit?from=2020-01-01&to=2020-01-02").get_data(as_text=True)
    assert "Geen regels bij deze filters." in old


def test_a_beheerders_enrolment_sign_in_is_logged(client, make_user):
    user = make_user("nieuw", "beheerder")
    user.totp_enabled, user.totp_secret = False, None
    db.session.commit()
    client.post("/medewerkers/inloggen", data={"username": "nieuw", "password": PASSWORD})
    client.get("/medewerkers/inloggen/code")
    secret = db.session.scalar(sa.select(User.totp_secret).where(User.username == "nieuw"))
    assert client.post("/medewerkers/inloggen/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.user_id == user.id)).all()
    assert "login" in actions and "totp_enabled" in actions
