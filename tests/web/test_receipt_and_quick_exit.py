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
    # Without JavaScript the link forgets the report in progress on its way (/snel-weg); with it, quick-exit.js
    # tells the site to forget and goes straight to the neutral page.
    assert re.search(r'<a class="quick-exit" id="quick-exit" href="/snel-weg"[^>]*data-exit-url="https://www\.knmi\.nl/[^"]*"',
                     page)  # fmt: skip
    assert "js/quick-exit.js" in page


def test_the_quick_exit_goes_where_the_municipality_configured(make_app):
    app = make_app(QUICK_EXIT_URL="https://www.buienradar.nl/")
    with app.app_context():
        assert 'data-exit-url="https://www.buienradar.nl/"' in text(app.test_client().get("/"))


def test_staff_pages_have_no_quick_exit(client):
    assert "quick-exit" not in text(client.get("/medewerkers/inloggen"))


# -- What the quick exit forgets: someone who takes the phone afterwards and opens the site finds nothing ----------


def _a_report_in_progress(client) -> Reporter:
    reporter = Reporter(client)
    review = reporter.post(description="Hij volgde mij tot aan mijn voordeur.")
    assert "Hij volgde mij tot aan mijn voordeur." in text(review)
    assert "Hij volgde mij" in text(client.get(reporter.url))  # kept on the server, found through the cookie
    return reporter


def test_the_quick_exit_forgets_the_report_in_progress(client):
    reporter = _a_report_in_progress(client)
    assert client.post("/snel-weg").status_code == 204  # what quick-exit.js sends as it leaves
    assert "Hij volgde mij" not in text(client.get(reporter.url))


def test_the_quick_exit_forgets_the_receipt(client):
    sent = Reporter(client).send()
    assert client.get(sent.headers["Location"]).status_code == 200
    client.post("/snel-weg")
    assert client.get("/melding/ontvangen").status_code == 404


def test_the_quick_exit_link_without_javascript_forgets_and_leaves(app, client):
    reporter = _a_report_in_progress(client)
    left = client.get("/snel-weg")
    assert left.status_code == 302 and left.headers["Location"] == app.config["QUICK_EXIT_URL"]
    assert left.headers["Referrer-Policy"] == "no-referrer"
    assert "Hij volgde mij" not in text(client.get(reporter.url))
