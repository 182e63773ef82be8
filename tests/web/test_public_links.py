"""Links that leave the site (in mails, on the receipt) are built from PUBLIC_BASE_URL, never from the request's
Host header: a forged Host must not make the municipality mail a link to someone else's site."""

import re

import pytest
import sqlalchemy as sa

from meldpunt import create_app
from meldpunt.extensions import db
from meldpunt.outbox.models import OutboxMessage
from tests.web.test_report_form import Reporter, text

FORGED = {"Host": "evil.example"}


def test_a_forged_host_never_reaches_the_mail_or_the_receipt(make_app):
    app = make_app(PUBLIC_BASE_URL="https://meldpunt.emmen.example")
    with app.app_context():
        client = app.test_client()
        reporter = Reporter(client)
        sent = client.post(
            reporter.url,
            data={**reporter.hidden, "lat": "52.7858", "lon": "6.8975", "when": "nu", "action": "send",
                  "description": "Iemand riep mij na.", "email": "melder@example.org", "email_consent": "y"},
            headers=FORGED,
        )  # fmt: skip
        assert sent.status_code == 303
        [mail] = db.session.scalars(sa.select(OutboxMessage))
        assert "evil.example" not in mail.body_text and "evil.example" not in mail.body_html
        assert "https://meldpunt.emmen.example/volg/" in mail.body_text
        receipt = text(client.get("/melding/ontvangen", headers=FORGED))
        link = re.search(r'id="tracking-link">([^<]+)<', receipt).group(1)
        assert link.startswith("https://meldpunt.emmen.example/volg/")


@pytest.mark.parametrize("base", [None, "", "meldpunt.emmen.nl", "ftp://meldpunt.emmen.nl"])
def test_production_refuses_to_start_without_a_public_base_url(base, tmp_path):
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app("config.Config", SECRET_KEY="s" * 32, PUBLIC_BASE_URL=base,
                   SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db")  # fmt: skip


def test_production_starts_with_a_public_base_url(tmp_path):
    app = create_app("config.Config", SECRET_KEY="s" * 32, PUBLIC_BASE_URL="https://meldpunt.emmen.nl/",
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db")  # fmt: skip
    assert app.config["PUBLIC_BASE_URL"] == "https://meldpunt.emmen.nl"
