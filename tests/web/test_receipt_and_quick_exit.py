"""The receipt's "mail me this link" (one discreet mail, the address not kept), and the quick exit on every page a
resident sees (not on staff pages)."""

import re

import pytest
import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.outbox.models import OutboxMessage
from meldpunt.outbox.worker import drain
from meldpunt.reports.models import Report
from tests.fixtures.reports import form_fields
from tests.web.test_report_form import Reporter, text

CATEGORY_WORDS = ("intimidatie", "naroepen", "nafluiten", "overlast", "harassment")


@pytest.fixture
def app_settings(mail_settings):
    return mail_settings


def _sent_report(client):
    reporter = Reporter(client)
    sent = reporter.send(description="Een man riep mij na bij het station.")
    assert sent.status_code == 303
    receipt = text(client.get(sent.headers["Location"]))
    link = re.search(r'id="tracking-link">([^<]+)<', receipt).group(1)
    return receipt, link, form_fields(receipt)["token"]


def _outbox(kind):
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)))


def test_mail_me_this_link_sends_one_discreet_mail_and_forgets_the_address(app, client, smtp_server):
    receipt, link, token = _sent_report(client)
    assert "Mail mij deze link" in receipt and "bewaren uw e-mailadres niet" in receipt

    mailed = client.post("/melding/link-mailen", data={"token": token, "email": "melder@example.org"})
    assert mailed.status_code == 303
    assert "We hebben de link naar uw e-mailadres gestuurd" in text(client.get(mailed.headers["Location"]))
    [message] = _outbox("tracking_link")
    assert message.report.email is None and not message.report.email_consent  # not kept with the report

    drain()
    [(recipients, mail)] = smtp_server.mailbox.messages
    assert recipients == ["melder@example.org"]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert link.startswith("https://meldpunt.example/volg/") and link in body
    subject, sender = mail["Subject"].lower(), mail["From"].lower()
    assert not any(word in subject or word in sender for word in CATEGORY_WORDS), (subject, sender)
    [message] = _outbox("tracking_link")
    assert message.recipient is None and message.body_text is None  # sent: nothing of it is kept


def test_mail_me_this_link_checks_the_address_and_the_token(app, client):
    _receipt, _link, token = _sent_report(client)
    wrong = client.post("/melding/link-mailen", data={"token": token, "email": "geen adres"})
    assert wrong.status_code == 422
    assert "Dit is geen geldig e-mailadres." in text(wrong)
    assert client.post("/melding/link-mailen", data={"token": "x" * 43, "email": "a@example.org"}).status_code == 404
    assert _outbox("tracking_link") == []
    # Without a receipt in this session (another browser) the form does nothing.
    assert (
        app.test_client().post("/melding/link-mailen", data={"token": token, "email": "a@example.org"}).status_code
        == 404
    )


def test_the_confirmation_mail_subject_says_nothing_about_what_happened(app, client, smtp_server):
    reporter = Reporter(client)
    assert reporter.send(email="melder@example.org", email_consent="y").status_code == 303
    drain()
    [(_, mail)] = smtp_server.mailbox.messages
    subject, sender = mail["Subject"].lower(), mail["From"].lower()
    assert not any(word in subject or word in sender for word in CATEGORY_WORDS), (subject, sender)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 1


@pytest.mark.parametrize(
    "path", ["/", "/melden/straatintimidatie", "/melden/straatintimidatie/naroepen", "/privacy", "/cijfers/"]
)
def test_every_public_page_has_the_quick_exit(client, path):
    page = text(client.get(path))
    assert re.search(r'<a class="quick-exit" id="quick-exit" href="https://www\.knmi\.nl/[^"]*"', page)
    assert "js/quick-exit.js" in page


def test_the_quick_exit_goes_where_the_municipality_configured(make_app):
    app = make_app(QUICK_EXIT_URL="https://www.buienradar.nl/")
    with app.app_context():
        assert 'href="https://www.buienradar.nl/"' in text(app.test_client().get("/"))


def test_staff_pages_have_no_quick_exit(client):
    assert "quick-exit" not in text(client.get("/medewerkers/inloggen"))
