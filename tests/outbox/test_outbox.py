"""Mail through the transactional outbox and a real SMTP server on loopback."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.outbox.models import OutboxMessage
from meldpunt.outbox.worker import drain
from meldpunt.reports import workflow
from meldpunt.reports.models import Report
from meldpunt.reports.submission import SubmissionRejected, submit_report
from tests.fixtures.reports import COEVORDEN_CENTRE


@pytest.fixture
def app_settings(mail_settings):
    """Every app in this module sends through the loopback SMTP server."""
    return mail_settings


def _outbox():
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _report_with_email(new_report, **extra):
    values = dict(kind="straatintimidatie", category_code="seksuele_intimidatie", email="melder@example.org",
                  email_consent=True, incident_at=utcnow() - timedelta(days=2), incident_is_now=False)  # fmt: skip
    values.update(extra)
    receipt = submit_report(new_report(**values))
    db.session.commit()
    return receipt


def test_the_reporter_receives_confirmation_taken_up_and_closed(app, smtp_server, new_report, staff):
    receipt = _report_with_email(new_report)
    assert [m.kind for m in _outbox()] == ["confirmation"]  # written with the report, in its transaction
    assert drain().sent == 1
    report = db.session.get(Report, receipt.report_id)
    workflow.take_in_handling(report, staff["oov"])
    db.session.commit()
    workflow.close_with_outcome(report, "bredere_aanpak", "We nemen deze plek mee in onze aanpak.", staff["oov"])
    db.session.commit()
    assert drain().sent == 2
    messages = smtp_server.mailbox.messages
    assert [to for to, _ in messages] == [["melder@example.org"]] * 3
    subjects = [m["Subject"] for _, m in messages]
    assert subjects == [f"Uw melding {receipt.reference}"] * 3
    for _, message in messages:
        # Discreet: nothing in the subject or sender says what the report is about.
        assert "intimidatie" not in message["Subject"].lower() and "intimidatie" not in message["From"].lower()
        assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
        assert "<html" in message.get_body(("html",)).get_content()
    confirmation = messages[0][1].get_body(("plain",)).get_content()
    assert f"https://meldpunt.example/volg/{receipt.tracking_token}" in confirmation
    closed = messages[2][1].get_body(("plain",)).get_content()
    assert "We nemen deze plek mee in onze aanpak." in closed


def test_mail_is_in_the_reporters_language(app, smtp_server, new_report):
    _report_with_email(new_report, locale="en")
    drain()
    [(_, message)] = smtp_server.mailbox.messages
    assert message["Subject"].startswith("Your report ")
    assert "We have received your report" in message.get_body(("plain",)).get_content()


def test_no_mail_without_an_address_or_consent(app, new_report):
    submit_report(new_report())
    with pytest.raises(SubmissionRejected):
        submit_report(new_report(email="melder@example.org", email_consent=False))
    assert _outbox() == []


def test_a_rejected_report_leaves_no_mail(app, new_report):
    with pytest.raises(SubmissionRejected):
        _report_with_email(new_report, lat=COEVORDEN_CENTRE[0], lon=COEVORDEN_CENTRE[1])
    assert _outbox() == []


def test_nothing_is_lost_while_smtp_is_down(app, smtp_server, new_report):
    _report_with_email(new_report)
    smtp_server.stop()
    now = utcnow()
    result = drain(now=now)
    assert (result.sent, result.retrying) == (0, 1)
    [message] = _outbox()
    assert message.attempts == 1 and message.sent_at is None and message.next_attempt_at > now
    assert drain(now=now).sent == 0  # not due yet: backing off
    smtp_server.start()
    assert drain(now=now + timedelta(minutes=2)).sent == 1
    assert len(smtp_server.mailbox.messages) == 1
    assert drain(now=now + timedelta(hours=1)).sent == 0  # sent once, never again


def test_a_bouncing_address_becomes_a_dead_letter_a_beheerder_can_retry(app, smtp_server, new_report,
                                                                        staff, login):  # fmt: skip
    smtp_server.mailbox.refuse.add("melder@example.org")
    _report_with_email(new_report)
    assert drain().dead == 1
    [message] = _outbox()
    assert message.dead_at is not None and "550" in message.last_error
    client = app.test_client()
    login(client, staff["beheerder"])
    page = client.get("/beheer/mail").get_data(as_text=True)
    assert "550" in page and "melder@example.org" not in page
    smtp_server.mailbox.refuse.clear()
    assert client.post(f"/beheer/mail/{message.id}/opnieuw").status_code == 302
    assert drain().sent == 1
    from meldpunt.staff.models import AuditEntry

    retried = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "mail_retried")).all()
    expected = [(staff["beheerder"].id, f"outbox message {message.id}")]
    assert [(entry.user_id, entry.detail) for entry in retried] == expected


@pytest.mark.only_backends("postgis")
def test_several_workers_never_send_a_mail_twice(app, smtp_server, new_report):
    for _ in range(12):
        _report_with_email(new_report)
    db.session.remove()

    def worker():
        with app.app_context():
            drain()
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(smtp_server.mailbox.messages) == 12
    assert all(m.sent_at is not None for m in _outbox())


def test_outbox_worker_command(app, smtp_server, new_report):
    _report_with_email(new_report)
    result = app.test_cli_runner().invoke(args=["outbox-worker", "--once"])
    assert result.exit_code == 0 and "sent 1" in result.output
    assert len(smtp_server.mailbox.messages) == 1


def test_a_sent_confirmation_no_longer_holds_the_tracking_link(app, smtp_server, new_report):
    receipt = _report_with_email(new_report)
    assert receipt.tracking_token in _outbox()[0].body_text
    drain()
    [message] = _outbox()
    assert message.body_text is None and message.body_html is None and message.sent_at


def test_mail_without_a_recipient_is_dead_and_cannot_be_resent(app, smtp_server, new_report, staff, login):
    _report_with_email(new_report)
    [message] = _outbox()
    message.recipient = None  # erased by a withdrawal before it was sent
    db.session.commit()
    assert drain().dead == 1
    later = _report_with_email(new_report)
    assert drain().sent == 1  # the next mail still goes out
    client = app.test_client()
    login(client, staff["beheerder"])
    assert client.post(f"/beheer/mail/{message.id}/opnieuw").status_code == 400
    assert later.reference in smtp_server.mailbox.messages[0][1]["Subject"]
    assert f"/beheer/mail/{message.id}/opnieuw" not in client.get("/beheer/mail").get_data(as_text=True)
    # The rule is the outbox's (worker.can_send_again), so a command or another page gets the same answer.
    from meldpunt.outbox.worker import retry_dead_letter

    with pytest.raises(ValueError):
        retry_dead_letter(message, by=staff["beheerder"])


def test_a_dead_letter_loses_its_tracking_link_at_once(app, smtp_server, new_report):
    smtp_server.mailbox.refuse.add("melder@example.org")
    receipt = _report_with_email(new_report)
    assert drain().dead == 1
    [message] = _outbox()
    assert receipt.tracking_token not in message.body_text and receipt.tracking_token not in message.body_html
    assert receipt.reference in message.body_text  # the reporter can still quote the reference
    smtp_server.mailbox.refuse.clear()
    from meldpunt.outbox.worker import retry_dead_letter

    retry_dead_letter(message)
    db.session.commit()
    assert drain().sent == 1
    sent = smtp_server.mailbox.messages[0][1].get_body(("plain",)).get_content()
    assert receipt.tracking_token not in sent and receipt.reference in sent
