"""The report in progress (reports/drafts.py): it survives a language switch and leaving the review, belongs to one
session only, is dropped once sent, and does not outlive its lifetime (browser walk: e2e/test_report_walk.py)."""

import os
import re
import time

import sqlalchemy as sa
from flask_babel import refresh

from meldpunt.extensions import db
from meldpunt.reports.drafts import DRAFT_LIFETIME_S, draft_store
from meldpunt.reports.models import Report
from tests.web.test_report_form import FORM, Reporter, text

REVIEW = FORM + "/controleren"
URL = FORM.format(kind="straatintimidatie", category="naroepen")
REVIEW_URL = REVIEW.format(kind="straatintimidatie", category="naroepen")
DESCRIPTION = "Een man liep mij achterna tot aan het station."


def _drafts(app) -> list:
    folder = app.config["DRAFT_FOLDER"]
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def _page(client, url) -> str:
    refresh()  # the tests share one app context, where Flask-Babel keeps the locale of the first request
    return text(client.get(url))


def _reports() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report))


def test_checking_redirects_to_a_review_page_that_survives_a_language_switch(client):
    reporter = Reporter(client)
    checked = reporter.client.post(
        reporter.url, data={**reporter.hidden, "lat": "52.7858", "lon": "6.8975", "when": "nu", "action": "review",
                            "description": DESCRIPTION, "people_involved": "een"},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert checked.status_code == 303 and checked.headers["Location"].endswith(REVIEW_URL)

    english = _page(client, REVIEW_URL + "?lang=en")
    assert "Check your report" in english and DESCRIPTION in english and "One person" in english
    dutch = _page(client, REVIEW_URL + "?lang=nl")
    assert "Controleer uw melding" in dutch and DESCRIPTION in dutch
    # The form, opened again (a language link, "Change", the category chosen again), holds the same answers.
    form = _page(client, URL + "?lang=en")
    assert DESCRIPTION in form and "What you entered is still here." in form
    assert re.search(r'<input checked[^>]*value="een"', form)


def test_the_form_page_keeps_what_was_typed_when_a_language_link_is_followed(client):
    reporter = Reporter(client)
    # What report-form.js sends when a language link is tapped on the form page.
    left = reporter.post(action="leave", next="/melden/straatintimidatie/naroepen?lang=en", description=DESCRIPTION)
    assert left.status_code == 303 and left.headers["Location"] == URL + "?lang=en"
    form = _page(client, left.headers["Location"])
    assert "What happened?" in form and DESCRIPTION in form


def test_leave_follows_only_addresses_on_this_site(client):
    reporter = Reporter(client)
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        left = reporter.post(action="leave", next=target)
        assert left.status_code == 303 and left.headers["Location"] == URL, target


def test_after_sending_the_draft_is_gone_and_the_review_leads_to_an_empty_form(app, client):
    reporter = Reporter(client)
    reporter.post(description=DESCRIPTION)
    assert len(_drafts(app)) == 1
    assert reporter.send(description=DESCRIPTION).status_code == 303
    assert _drafts(app) == []
    back = client.get(REVIEW_URL)
    assert back.status_code == 303 and back.headers["Location"].endswith(URL)
    assert DESCRIPTION not in text(client.get(URL))
    assert _reports() == 1


def test_a_draft_belongs_to_its_session_only(app, client):
    reporter = Reporter(client)
    reporter.post(description=DESCRIPTION)
    # Someone else (another browser) with the same page's hidden fields finds nothing.
    stranger = app.test_client()
    assert stranger.get(REVIEW_URL).status_code == 303
    assert DESCRIPTION not in text(stranger.get(URL))
    # The file on the server is not named by anything the page shows.
    [name] = _drafts(app)
    assert reporter.hidden["submission_key"] not in name


def test_start_again_drops_the_draft(app, client):
    Reporter(client).post(description=DESCRIPTION)
    fresh = text(client.get(URL + "?opnieuw=1"))
    assert DESCRIPTION not in fresh
    assert _drafts(app) == []


def test_a_draft_does_not_outlive_its_lifetime(app, client, runner):
    Reporter(client).post(description=DESCRIPTION)
    [name] = _drafts(app)
    past = time.time() - DRAFT_LIFETIME_S - 60
    os.utime(os.path.join(app.config["DRAFT_FOLDER"], name), (past, past))
    assert DESCRIPTION not in text(client.get(URL))  # too old: never read
    Reporter(client).post(description=DESCRIPTION)
    [name] = _drafts(app)
    os.utime(os.path.join(app.config["DRAFT_FOLDER"], name), (past, past))
    result = runner.invoke(args=["privacy-sweep"])
    assert result.exit_code == 0, result.output
    assert _drafts(app) == []


def test_the_privacy_page_says_how_long_a_draft_is_kept(client):
    retention = text(client.get("/privacy")).split('id="retention"')[1]
    assert "Wat u hebt ingevuld in een melding die u nog niet hebt verstuurd" in retention
    assert f"tot u de melding verstuurt, hooguit {DRAFT_LIFETIME_S // 3600} uur" in retention.lower()


def test_the_store_refuses_ids_that_are_not_its_own(app):
    store = draft_store()
    assert store.load("../../etc/passwd") is None
    assert store.load("") is None


def test_another_site_cannot_plant_a_draft(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        client.get(URL)  # the victim's session exists
        planted = client.post(URL, data={"action": "leave", "next": URL, "description": "Geplant door een ander."},
                              content_type="multipart/form-data")  # fmt: skip
        assert planted.status_code == 303
        assert "Geplant door een ander." not in text(client.get(URL))
        assert _drafts(app) == []
