"""Passwords, lock-out and two-step verification, without HTTP."""

from datetime import timedelta

import pyotp
import pytest

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.staff import accounts
from meldpunt.staff.models import AuditEntry
from tests.fixtures.staff import PASSWORD


def test_passwords_are_stored_as_argon2id(make_user):
    user = make_user("anna", "oov")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_short_passwords_are_refused(app):
    with pytest.raises(accounts.AccountError):
        accounts.create_user("kort", "Kort", ["boa"], "short")


def test_unknown_roles_are_refused(app):
    with pytest.raises(accounts.AccountError):
        accounts.create_user("x", "X", ["superuser"], PASSWORD)


def test_right_and_wrong_password(make_user):
    make_user("anna", "oov")
    assert accounts.check_password("anna", PASSWORD).outcome == "ok"
    assert accounts.check_password("anna", "wrong password!!").outcome == "bad_credentials"
    assert accounts.check_password("nobody", PASSWORD).outcome == "bad_credentials"


def test_five_failures_lock_the_account_for_a_while(make_user):
    user = make_user("anna", "oov")
    now = utcnow()
    outcomes = [accounts.check_password("anna", "wrong password!!", now=now).outcome for _ in range(5)]
    assert outcomes == ["bad_credentials"] * 4 + ["locked"]
    # Even the right password is refused while locked...
    assert accounts.check_password("anna", PASSWORD, now=now + timedelta(minutes=5)).outcome == "locked"
    # ...and accepted after the lock-out.
    assert accounts.check_password("anna", PASSWORD, now=now + timedelta(minutes=16)).outcome == "ok"
    assert db.session.query(AuditEntry).filter_by(user_id=user.id, action="account_locked").count() == 1


def test_beheerder_needs_a_totp_code_and_a_code_works_once(make_user):
    user = make_user("bas", "beheerder")
    now = utcnow()
    assert accounts.check_password("bas", PASSWORD, now=now).outcome == "needs_totp"
    code = pyotp.TOTP(user.totp_secret).at(now)
    assert accounts.check_totp(user, "000000" if code != "000000" else "111111", now=now).outcome == "bad_totp"
    assert accounts.check_totp(user, code, now=now).outcome == "ok"
    assert accounts.check_totp(user, code, now=now).outcome == "bad_totp"  # replayed


def test_wrong_totp_codes_count_towards_the_lock_out(make_user):
    user = make_user("bas", "beheerder")
    now = utcnow()
    results = [accounts.check_totp(user, "12345x", now=now).outcome for _ in range(5)]
    assert results[-1] == "locked"


def test_optional_totp_for_others(make_user):
    user = make_user("bram", "boa")
    assert accounts.check_password("bram", PASSWORD).outcome == "ok"
    secret = accounts.start_totp_enrolment(user)
    assert not accounts.confirm_totp_enrolment(user, "000000" if pyotp.TOTP(secret).now() != "000000" else "1")
    assert accounts.confirm_totp_enrolment(user, pyotp.TOTP(secret).now())
    assert accounts.check_password("bram", PASSWORD).outcome == "needs_totp"


def test_a_password_change_ends_other_sessions(make_user):
    user = make_user("anna", "oov")
    before = user.get_id()
    accounts.set_password(user, "another long password")
    assert user.get_id() != before
