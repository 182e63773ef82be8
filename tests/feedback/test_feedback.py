"""Feedback templates with a Dutch fallback, privacy levels, and the satisfaction question."""

import logging
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.feedback.models import Satisfaction
from meldpunt.feedback.templates import template_for
from meldpunt.outbox.worker import drain
from meldpunt.reports import workflow
from meldpunt.reports.models import Report
from meldpunt.reports.submission import submit_report


def _closed(new_report, staff, **extra):
    values = dict(kind="onveilige_plek", category_code="verlichting", email="melder@example.org", email_consent=True)
    values.update(extra)
    receipt = submit_report(new_report(**values))
    report = db.session.get(Report, receipt.report_id)
    workflow.take_in_handling(report, staff["oov"])
    workflow.close_with_outcome(report, "opgelost", "De lamp is vervangen.", staff["oov"])
    db.session.commit()
    return receipt, report


def test_templates_exist_per_language_and_fall_back_to_dutch(app, caplog):
    english = template_for("vernieling", "bredere_aanpak", "en")
    dutch = template_for("vernieling", "bredere_aanpak", "nl")
    assert english.locale == "en" and "wider approach" in english.body
    assert dutch.locale == "nl" and english.body != dutch.body
    db.session.delete(english)
    db.session.commit()
    with caplog.at_level(logging.WARNING):
        fallback = template_for("vernieling", "bredere_aanpak", "en")
    assert fallback.locale == "nl"
    assert "no en feedback template" in caplog.text


def test_a_category_template_wins_over_the_general_one(app):
    assert "Young people may meet" in template_for("jeugd", "aangesproken", "en").body
    assert template_for("alcohol", "aangesproken", "en") is None


def test_staff_compose_from_a_template_in_the_reporters_language(client, staff, login, new_report):
    receipt = submit_report(new_report(kind="onveilige_plek", category_code="donker", locale="en"))
    login(client, staff["oov"])
    client.post(f"/medewerkers/meldingen/{receipt.report_id}/take", data={"version": 1})
    page = client.get(f"/medewerkers/meldingen/{receipt.report_id}?sjabloon=geen_directe_actie").get_data(as_text=True)
    # An unsafe place has its own wording: about the place, not about people.
    assert "We cannot change this place right away" in page
    assert re.search(r'<option selected value="geen_directe_actie">|<option value="geen_directe_actie" selected', page)


def test_generic_categories_only_tell_generic_outcomes(app, staff, new_report):
    receipt = submit_report(new_report(kind="overlast", category_code="woonoverlast"))
    report = db.session.get(Report, receipt.report_id)
    workflow.take_in_handling(report, staff["oov"])
    with pytest.raises(workflow.WorkflowError):
        workflow.close_with_outcome(report, "opgelost", "De buren zijn gewaarschuwd.", staff["oov"])
    workflow.close_with_outcome(report, "doorgezet_partner", str(template_for("woonoverlast", "doorgezet_partner",
                                                                              "nl").body), staff["oov"])  # fmt: skip
    assert report.state == "afgehandeld"


def test_not_helped_on_the_tracking_page_reopens_the_report(client, staff, login, new_report):
    receipt, report = _closed(new_report, staff)
    page = client.get(f"/volg/{receipt.tracking_token}").get_data(as_text=True)
    assert 'name="helped"' in page
    answered = client.post(f"/volg/{receipt.tracking_token}/tevredenheid",
                           data={"helped": "nee", "comment": "Het is nog steeds donker", "reopen": "ja"})  # fmt: skip
    assert answered.status_code == 200
    db.session.expire_all()
    report = db.session.get(Report, receipt.report_id)
    assert report.state == "heropend" and report.history[-1].actor == "melder"
    answer = db.session.scalar(sa.select(Satisfaction))
    assert not answer.helped and answer.reopen_requested and answer.comment == "Het is nog steeds donker"
    # It lands in the queue, and counts in the figures.
    login(client, staff["oov"])
    queue = client.get("/medewerkers/wachtrij/OOV?state=heropend").get_data(as_text=True)
    assert report.reference in queue
    figures = client.get("/medewerkers/tevredenheid").get_data(as_text=True)
    assert "0% (0)" in figures


def test_answering_from_the_closing_mail(app, smtp_server, staff, new_report):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    from meldpunt.extensions import mail

    app.extensions["mail"] = mail.init_mail({**app.config, "MAIL_SUPPRESS_SEND": False})
    receipt, report = _closed(new_report, staff)
    drain()
    closed_mail = smtp_server.mailbox.messages[-1][1].get_body(("plain",)).get_content()
    link = re.search(r"(/tevredenheid/[^?\s]+)\?antwoord=ja", closed_mail).group(1)
    client = app.test_client()
    question = client.get(f"{link}?antwoord=ja").get_data(as_text=True)
    assert 'id="helped-ja" name="helped" value="ja" checked' in question  # GET only asks
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Satisfaction)) == 0
    assert client.post(link, data={"helped": "ja"}).status_code == 200
    assert db.session.scalar(sa.select(Satisfaction.helped)) is True
    again = client.post(link, data={"helped": "nee"})
    assert again.status_code == 422
    assert client.get("/tevredenheid/forged-token").status_code == 404


def test_answers_are_content_and_expire_with_it(app, staff, new_report):
    from meldpunt.privacy.retention import sweep

    receipt, report = _closed(new_report, staff)
    from meldpunt.feedback.satisfaction import record_answer

    record_answer(report, False, "Mijn buurman Jan doet het weer", False)
    sweep(now=utcnow() + timedelta(days=400))
    assert db.session.scalar(sa.select(Satisfaction.comment)) is None
    assert db.session.scalar(sa.select(Satisfaction.helped)) is False  # the figure stays


def test_a_category_restricted_by_data_gets_no_mail_and_no_question(app, staff, new_report):
    from meldpunt.feedback.satisfaction import can_answer
    from meldpunt.outbox.models import OutboxMessage
    from meldpunt.reports.models import Category

    category = db.session.scalar(sa.select(Category).where(Category.code == "verlichting"))
    category.restricted = True  # a profile may restrict other categories (DESIGN §2)
    db.session.commit()
    staff["oov"].sees_restricted = True
    receipt, report = _closed(new_report, staff)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert not can_answer(report)
