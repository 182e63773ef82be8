"""Signing in as an attacker sees it: the same answer and the same work for every name, throttling that slows
guessing without letting anyone keep a colleague out for long, and two-step verification."""

import re

import argon2
import pyotp
import pytest
import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.staff.models import User
from tests.fixtures.staff import PASSWORD

SIGN_IN = "/medewerkers/inloggen"
WRONG = "wrong password!!"


def _answer(response, name):
    """What a visitor can see of a refused sign-in: status, Retry-After and the page, with the name they typed
    and the per-request CSP nonce taken out."""
    body = response.get_data(as_text=True).replace(f'value="{name}"', 'value="NAME"')
    body = re.sub(r'nonce="[^"]*"', 'nonce=""', body)
    return response.status_code, response.headers.get("Retry-After"), body


def _try(client, username, password, address="192.0.2.10"):
    return client.post(SIGN_IN, data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})  # fmt: skip


@pytest.fixture
def inactive(make_user):
    user = make_user("oud", "oov", name="Oud Account")
    user.active = False
    db.session.commit()
    return user


@pytest.fixture
def hash_checks(monkeypatch):
    """Counts argon2 verifications (a spy on the password hasher)."""
    calls = []
    real = argon2.PasswordHasher.verify

    def spy(self, hash, password):
        calls.append(hash)
        return real(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", spy)
    return calls


def test_unknown_inactive_and_real_names_get_identical_answers_at_every_step(app, staff, inactive, clock):
    names = ["analist", "nobody", "oud"]
    clients = {name: app.test_client() for name in names}
    for step in range(12):
        answers = {
            name: _answer(_try(clients[name], name, WRONG, address=f"192.0.2.{i + 20}"), name)
            for i, name in enumerate(names)
        }
        assert answers["analist"] == answers["nobody"] == answers["oud"], f"step {step}"
        assert "geblokkeerd" not in answers["analist"][2]
        assert answers["analist"][0] in (422, 429)


def test_the_first_refusals_say_unknown_name_or_wrong_password(client, staff, clock):
    response = _try(client, "analist", WRONG)
    assert response.status_code == 422
    assert "Onbekende gebruikersnaam of verkeerd wachtwoord." in response.get_data(as_text=True)


def test_a_throttled_account_refuses_without_checking_and_accepts_the_right_password_after_the_delay(
    client, staff, clock, hash_checks
):
    for _ in range(8):
        _try(client, "analist", WRONG)
    hash_checks.clear()
    throttled = _try(client, "analist", PASSWORD)
    text = throttled.get_data(as_text=True)
    assert throttled.status_code == 429
    seconds = int(re.search(r"Te veel pogingen\. Probeer het over (\d+) seconden? opnieuw\.", text).group(1))
    assert 0 < seconds <= 300
    assert int(throttled.headers["Retry-After"]) == seconds
    assert hash_checks == []  # the password was not checked
    clock.advance(seconds=seconds)
    accepted = _try(client, "analist", PASSWORD)
    assert accepted.status_code == 302 and SIGN_IN not in accepted.headers["Location"]


def test_nobody_can_keep_a_colleague_out_for_more_than_a_few_minutes(client, staff, clock):
    for _ in range(60):  # an attacker who keeps trying whenever the delay allows
        response = _try(client, "analist", WRONG, address="198.51.100.7")
        if response.status_code == 429:
            clock.advance(seconds=int(response.headers["Retry-After"]))
    waits = []
    for _ in range(3):
        response = _try(client, "analist", WRONG, address="198.51.100.7")
        waits.append(int(response.headers.get("Retry-After") or 0))
        clock.advance(seconds=waits[-1])
    assert max(waits) <= 300
    clock.advance(seconds=300)
    accepted = _try(client, "analist", PASSWORD, address="203.0.113.5")
    assert accepted.status_code == 302 and SIGN_IN not in accepted.headers["Location"]


def test_every_checked_attempt_costs_exactly_one_argon2_verification(client, staff, inactive, clock, hash_checks):
    attempts = [("analist", WRONG), ("nobody", WRONG), ("oud", WRONG), ("oud", PASSWORD), ("analist", PASSWORD)]
    for i, (name, password) in enumerate(attempts):
        hash_checks.clear()
        _try(client, name, password, address=f"192.0.2.{i + 50}")
        assert len(hash_checks) == 1, (name, password, len(hash_checks))


def test_many_names_from_one_address_are_throttled(client, staff, clock, hash_checks):
    for i in range(25):
        _try(client, f"guess{i}", WRONG, address="198.51.100.9")
    hash_checks.clear()
    response = _try(client, "analist", PASSWORD, address="198.51.100.9")
    assert response.status_code == 429 and hash_checks == []
    elsewhere = _try(client, "analist", PASSWORD, address="203.0.113.9")
    assert elsewhere.status_code == 302


def test_the_throttle_is_shared_by_every_worker_process(make_app, staff, clock):
    first, second = make_app(), make_app()  # two processes' worth of app on one database
    with first.app_context():
        for _ in range(8):
            _try(first.test_client(), "analist", WRONG)
        db.session.remove()
    with second.app_context():
        assert _try(second.test_client(), "analist", PASSWORD).status_code == 429


def test_name_case_and_spaces_do_not_escape_the_throttle(client, staff, clock):
    for i in range(8):
        _try(client, ["analist", "ANALIST", " Analist "][i % 3], WRONG)
    assert _try(client, "analist", PASSWORD).status_code == 429


def test_bad_totp_codes_count_against_the_account(app, staff, clock, hash_checks):
    beheerder = staff["beheerder"]
    wrong = "000000" if pyotp.TOTP(beheerder.totp_secret).now() != "000000" else "111111"
    for _ in range(8):
        client = app.test_client()
        signed = _try(client, "beheer", PASSWORD)
        if signed.status_code == 429:
            break
        assert signed.headers["Location"].endswith("/inloggen/code")
        client.post("/medewerkers/inloggen/code", data={"code": wrong}, environ_base={"REMOTE_ADDR": "192.0.2.10"})
    else:
        pytest.fail("wrong codes never slowed the account down")
    hash_checks.clear()
    assert _try(app.test_client(), "beheer", PASSWORD).status_code == 429
    assert hash_checks == []


def test_turning_on_two_step_verification_asks_for_the_password(client, staff, login):
    user = staff["boa"]
    login(client, user)
    page = client.get("/medewerkers/account/tweestaps").get_data(as_text=True)
    assert 'name="password"' in page
    db.session.expire_all()
    secret = db.session.scalar(sa.select(User.totp_secret).where(User.id == user.id))
    code = pyotp.TOTP(secret).now()
    refused = client.post("/medewerkers/account/tweestaps", data={"code": code, "password": WRONG})
    assert refused.status_code == 422
    missing = client.post("/medewerkers/account/tweestaps", data={"code": code})
    assert missing.status_code == 422
    db.session.expire_all()
    assert not db.session.get(User, user.id).totp_enabled
    done = client.post("/medewerkers/account/tweestaps", data={"code": code, "password": PASSWORD})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_enabled


def test_the_work_per_attempt_is_the_same_for_every_kind_of_name(app, staff, inactive, hash_checks):
    """Verifications per attempt, over a run of wrong passwords: a real name must cost what an unknown one does
    (before, a locked real account answered without any verification: ~4 ms against ~250 ms)."""
    work = {}
    for i, name in enumerate(["analist", "nobody", "oud"]):
        client = app.test_client()
        work[name] = []
        for _ in range(10):
            hash_checks.clear()
            response = _try(client, name, WRONG, address=f"192.0.2.{i + 80}")
            work[name].append((response.status_code, len(hash_checks)))
    assert work["analist"] == work["nobody"] == work["oud"]
    assert {checks for status, checks in work["analist"] if status == 422} == {1}
    assert {checks for status, checks in work["analist"] if status == 429} == {0}
