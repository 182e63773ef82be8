"""Staff sessions end on the server: logout, "sign out everywhere", the idle timeout and the absolute limit
(polling included), and account changes that end a person's other sessions."""

from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import sqlalchemy as sa
from flask import g

from meldpunt.extensions import db
from meldpunt.reports.submission import submit_report
from meldpunt.staff.models import User
from tests.fixtures.staff import PASSWORD, totp_now

SIGN_IN = "/medewerkers/inloggen"


def _to_sign_in(response) -> bool:
    return response.status_code == 302 and SIGN_IN in response.headers.get("Location", "")


def _new_request_state():
    """Tests share one app context, where Flask-Login caches the user of the last request in `g`; in a server
    every request starts without it."""
    g.pop("_login_user", None)


def _replayer(app, client):
    """A second browser holding a copy of the first one's session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def test_a_cookie_copied_before_logout_is_refused_afterwards(app, client, staff, login, new_report):
    receipt = submit_report(new_report(kind="onveilige_plek", category_code="donker", email="melder@example.org",
                                       email_consent=True))  # fmt: skip
    login(client, staff["oov"])
    copy = _replayer(app, client)
    assert copy.get("/medewerkers/wachtrij/OOV").status_code == 200
    assert client.post("/medewerkers/uitloggen").status_code == 302
    _new_request_state()
    queue = copy.get("/medewerkers/wachtrij/OOV")
    contact = copy.post(f"/medewerkers/meldingen/{receipt.report_id}/contact")
    assert _to_sign_in(queue) and _to_sign_in(contact)
    assert b"melder@example.org" not in contact.get_data()


def test_sign_out_everywhere_ends_every_session_of_that_person(app, staff, login):
    phone, desk, colleague = app.test_client(), app.test_client(), app.test_client()
    login(phone, staff["oov"])
    login(desk, staff["oov"])
    login(colleague, staff["tnh"])
    page = desk.get("/medewerkers/account/tweestaps").get_data(as_text=True)
    assert "Overal uitloggen" in page
    assert desk.post("/medewerkers/account/overal-uitloggen").status_code == 302
    assert _to_sign_in(phone.get("/medewerkers/wachtrij/OOV"))
    assert _to_sign_in(desk.get("/medewerkers/wachtrij/OOV"))
    assert colleague.get("/medewerkers/wachtrij/TNH").status_code == 200


def test_sign_out_everywhere_needs_a_csrf_token(make_app, staff, login):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        page = client.get(SIGN_IN).get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(SIGN_IN, data={"username": "analist", "password": PASSWORD, "csrf_token": token})
        assert client.get("/medewerkers/wachtrij/OOV").status_code == 200
        assert client.post("/medewerkers/account/overal-uitloggen").status_code == 400
        assert client.get("/medewerkers/wachtrij/OOV").status_code == 200


def test_a_session_used_every_20_seconds_still_ends_after_12_hours(client, staff, login, clock):
    login(client, staff["boa"])
    answers = []
    for _ in range(12 * 180 - 1):  # every 20 s, up to 20 s before the limit
        clock.advance(seconds=20)
        answers.append(client.get("/veld/lijst").status_code)
    assert set(answers) == {200}
    clock.advance(seconds=21)
    assert client.get("/veld/lijst").status_code == 401
    assert _to_sign_in(client.get("/veld/"))


def test_an_idle_session_ends_after_30_minutes(client, staff, login, clock):
    login(client, staff["oov"])
    clock.advance(minutes=29)
    assert client.get("/medewerkers/wachtrij/OOV").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/medewerkers/wachtrij/OOV")
    assert _to_sign_in(response)
    assert "niets heeft gedaan" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_ended_session_gets_401_from_the_field_poll_not_a_sign_in_page(app, client, staff, login):
    login(client, staff["boa"])
    copy = _replayer(app, client)
    assert copy.get("/veld/lijst").status_code == 200
    client.post("/medewerkers/uitloggen")
    _new_request_state()
    response = copy.get("/veld/lijst", headers={"Accept": "text/html"})
    assert response.status_code == 401
    body = response.get_data(as_text=True)
    assert len(body) < 300 and "<form" not in body and "<html" not in body.lower()
    # The page's script goes to the sign-in page with the way back to field mode.
    sign_in = urlsplit(response.get_json()["sign_in"])
    assert sign_in.path == SIGN_IN and parse_qs(sign_in.query) == {"next": ["/veld/"]}


def test_field_poll_of_a_visitor_who_never_signed_in_is_401_too(client):
    assert client.get("/veld/lijst").status_code == 401
    assert _to_sign_in(client.get("/veld/"))


def _edit(client, user, **changes):
    data = {"username": user.username, "name": user.name, "roles": list(user.roles), "active": "y"}
    data.update(changes)
    return client.post(f"/beheer/gebruikers/{user.id}", data={k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize(
    "change",
    [
        {"password": "paars nijlpaard danst op het ijs"},
        {"roles": ["oov", "tnh-coordinator"]},
        {"active": None},
        {"reset_totp": "y"},
    ],
    ids=["password", "roles", "deactivated", "two-step-reset"],
)
def test_account_changes_by_a_beheerder_end_that_persons_sessions(app, staff, login, change):
    target = staff["oov"]
    target.totp_secret, target.totp_enabled = pyotp.random_base32(), True
    db.session.commit()
    theirs, admin = app.test_client(), app.test_client()
    login(theirs, target)
    login(admin, staff["beheerder"])
    assert theirs.get("/medewerkers/wachtrij/OOV").status_code == 200
    assert _edit(admin, target, **change).status_code == 302
    assert _to_sign_in(theirs.get("/medewerkers/wachtrij/OOV"))
    assert admin.get("/beheer/gebruikers").status_code == 200  # the beheerder's own session goes on


def test_turning_on_two_step_ends_other_sessions_but_not_this_one(app, staff, login):
    user = staff["boa"]
    here, there = app.test_client(), app.test_client()
    login(here, user)
    login(there, user)
    here.get("/medewerkers/account/tweestaps")
    db.session.expire_all()
    secret = db.session.scalar(sa.select(User.totp_secret).where(User.id == user.id))
    code = pyotp.TOTP(secret).now()
    assert here.post("/medewerkers/account/tweestaps", data={"code": code, "password": PASSWORD}).status_code == 302
    assert here.get("/veld/").status_code == 200
    assert _to_sign_in(there.get("/veld/"))


def test_a_pending_second_step_ends_with_a_password_change(app, staff, login):
    """Password right, code not yet given; the password is reset meanwhile: the code alone is not enough."""
    beheerder = staff["beheerder"]
    client = app.test_client()
    client.post(SIGN_IN, data={"username": beheerder.username, "password": PASSWORD})
    from meldpunt.staff import accounts

    accounts.set_password(db.session.get(User, beheerder.id), "paars nijlpaard danst op het ijs")
    db.session.commit()
    response = client.post("/medewerkers/inloggen/code", data={"code": totp_now(beheerder)})
    assert _to_sign_in(response)
    assert _to_sign_in(client.get("/beheer/gebruikers"))


def _session_cookie_set(response) -> bool:
    return any(value.startswith("session=") for value in response.headers.getlist("Set-Cookie"))


def test_the_field_poll_never_writes_the_session_cookie_and_the_next_page_says_why_it_ended(
    client, staff, login, clock
):
    login(client, staff["boa"])
    assert client.get("/veld/").status_code == 200
    clock.advance(minutes=5)
    polled = client.get("/veld/lijst")
    assert polled.status_code == 200 and not _session_cookie_set(polled)
    clock.advance(minutes=31)
    ended = client.get("/veld/lijst")  # the poll is what notices the idle session
    assert ended.status_code == 401 and not _session_cookie_set(ended)
    page = client.get("/veld/")
    assert _to_sign_in(page)
    assert "niets heeft gedaan" in client.get(page.headers["Location"]).get_data(as_text=True)
