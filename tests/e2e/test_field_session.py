"""A boa's phone in field mode when the session ends on the server (signed out everywhere from another device):
the next poll takes the phone to the sign-in page, and signing in again leads back to field mode."""

import re
import threading

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from meldpunt.extensions import db
from meldpunt.staff import sessions
from meldpunt.staff.models import User
from tests.e2e.test_field_flow import _boa, _file, _sign_in
from tests.fixtures.staff import PASSWORD

pytestmark = pytest.mark.e2e


def test_an_ended_session_takes_the_phone_to_the_sign_in_page_and_back(live_server, phone):
    app, base_url = live_server
    _boa(app)
    _file(app, 52.7843, 6.8955, "Bushokje ingetrapt")
    _sign_in(phone, base_url)
    expect(phone).to_have_url(f"{base_url}/veld/")
    expect(phone.locator(".field-item")).to_have_count(1)

    with app.app_context():  # "sign out everywhere" from another device
        sessions.end_all(db.session.scalar(sa.select(User).where(User.username == "boa-e2e")), sessions.EVERYWHERE)
        db.session.commit()
        db.session.remove()

    # Within one polling round the page leaves for the sign-in page; no sign-in form appears inside the list.
    expect(phone).to_have_url(re.compile(r"/medewerkers/inloggen\?next=(/|%2F)veld(/|%2F)$"), timeout=15000)
    expect(phone.get_by_label("Gebruikersnaam")).to_have_count(1)
    # A poll still on its way when the page left leaves the sign-in page's cookie alone: its form is accepted.
    phone.get_by_label("Gebruikersnaam").fill("boa-e2e")
    phone.get_by_label("Wachtwoord").fill(PASSWORD)
    phone.get_by_role("button", name="Inloggen").click()
    expect(phone).to_have_url(f"{base_url}/veld/")
    expect(phone.locator(".field-item")).to_have_count(1)
    assert not [e for e in phone.console_errors if "Content Security Policy" in e]


def test_a_poll_on_its_way_while_the_officer_signs_in_again_does_not_undo_the_sign_in(live_server, phone, monkeypatch):
    """The list is polled every few seconds; a poll sent with the old session's cookie may come back after a new
    sign-in (bad signal, a busy server). Its answer must not replace the new cookie: the next form would be refused
    (400, CSRF) or the officer signed out."""
    from meldpunt.web import field

    app, base_url = live_server
    _boa(app)
    report_id = _file(app, 52.7843, 6.8955, "Bushokje ingetrapt").report_id
    _sign_in(phone, base_url)
    expect(phone).to_have_url(f"{base_url}/veld/")
    on_its_way, signed_in_again, answer = threading.Event(), threading.Event(), threading.Event()
    position = field._position

    def slow_poll():  # only the poll reads the position header; each one sent before the new sign-in waits
        if not signed_in_again.is_set():
            on_its_way.set()
            answer.wait(30)
        return position()

    monkeypatch.setattr(field, "_position", slow_poll)
    assert on_its_way.wait(30), "the page did not poll"
    # Meanwhile, in another tab of the same phone: sign out, sign in again, open the report.
    tab = phone.context.new_page()
    tab.goto(f"{base_url}/veld/")
    tab.get_by_role("button", name=re.compile("Uitloggen")).click()
    _sign_in(tab, base_url)
    expect(tab).to_have_url(f"{base_url}/veld/")
    signed_in_again.set()
    tab.goto(f"{base_url}/veld/meldingen/{report_id}")
    with phone.expect_response(lambda response: "/veld/lijst" in response.url):
        answer.set()  # the poll sent with the old cookie comes back now
    phone.close()  # and that page polls no more (a later poll could put the new cookie back by chance)
    with tab.expect_response(lambda response: response.request.method == "POST") as claim:
        tab.get_by_role("button", name="Ik ga erheen").click()
    assert claim.value.status == 302, claim.value.status
    expect(tab.get_by_role("button", name="Ik ben ter plaatse")).to_be_visible()
