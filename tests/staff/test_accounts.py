"""Passwords, throttling, two-step verification and the account policy, without HTTP."""

import pyotp
import pytest
import sqlalchemy as sa
from argon2 import extract_parameters

import config
from meldpunt.extensions import db
from meldpunt.staff import accounts
from meldpunt.staff.models import AuditEntry, User
from tests.fixtures.staff import PASSWORD

ARGON2_SETTINGS = ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST", "ARGON2_PARALLELISM")


def _actions(action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_passwords_are_stored_as_argon2id(make_user):
    user = make_user("anna", "oov")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_tests_hash_cheaply_and_production_rehashes_at_the_next_sign_in(make_app, make_user, app):
    user = make_user("anna", "oov")
    cheap = extract_parameters(user.password_hash)
    production = {name: getattr(config.Config, name) for name in ARGON2_SETTINGS}
    assert (cheap.time_cost, cheap.memory_cost, cheap.parallelism) == (
        config.TestConfig.ARGON2_TIME_COST,
        config.TestConfig.ARGON2_MEMORY_COST,
        config.TestConfig.ARGON2_PARALLELISM,
    )
    assert cheap.memory_cost < production["ARGON2_MEMORY_COST"]
    with make_app(**production).app_context():
        assert accounts.check_password("anna", PASSWORD, address="192.0.2.1").outcome == "ok"
        db.session.commit()
        stored = extract_parameters(db.session.get(User, user.id).password_hash)
        db.session.remove()
    assert (stored.time_cost, stored.memory_cost, stored.parallelism) == tuple(production.values())


def test_production_settings_are_argon2_cffis_defaults():
    from argon2 import PasswordHasher

    defaults = PasswordHasher()
    assert (config.Config.ARGON2_TIME_COST, config.Config.ARGON2_MEMORY_COST, config.Config.ARGON2_PARALLELISM) == (
        defaults.time_cost,
        defaults.memory_cost,
        defaults.parallelism,
    )


def test_short_passwords_are_refused(app):
    with pytest.raises(accounts.AccountError):
        accounts.create_user("kort", "Kort", ["boa"], "short")


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "password1234", "wachtwoord12345", "123456789012", "qwertyuiop12", "anna12345678"]
)
def test_common_and_trivial_passwords_are_refused(app, password):
    with pytest.raises(accounts.AccountError) as refused:
        accounts.create_user("anna", "Anna de Vries", ["boa"], password)
    assert refused.value.field == "password"
    assert "te makkelijk te raden" in str(refused.value)


def test_the_fixture_password_and_long_phrases_pass(app):
    for password in (PASSWORD, "paars nijlpaard danst op het ijs"):
        accounts.check_password_strength(password, user_inputs=["anna", "Anna de Vries"])


def test_unknown_roles_are_refused(app):
    with pytest.raises(accounts.AccountError):
        accounts.create_user("x", "X", ["superuser"], PASSWORD)


def test_right_and_wrong_password(make_user):
    make_user("anna", "oov")
    assert accounts.check_password("anna", PASSWORD, address="192.0.2.1").outcome == "ok"
    assert accounts.check_password("anna", "wrong password!!", address="192.0.2.1").outcome == "bad_credentials"
    assert accounts.check_password("nobody", PASSWORD, address="192.0.2.1").outcome == "bad_credentials"


def test_sign_in_functions_leave_the_commit_to_the_caller(make_user):
    user = make_user("anna", "oov")
    assert accounts.check_password("anna", PASSWORD, address="192.0.2.1").outcome == "ok"
    accounts.check_password("nobody", PASSWORD, address="192.0.2.1")
    accounts.start_totp_enrolment(user)
    db.session.rollback()
    user = db.session.get(User, user.id)
    assert user.last_login_at is None and user.totp_secret is None
    assert _actions("login") == []


def test_beheerder_needs_a_totp_code_and_a_code_works_once(make_user):
    user = make_user("bas", "beheerder")
    assert accounts.check_password("bas", PASSWORD, address="192.0.2.1").outcome == "needs_totp"
    code = pyotp.TOTP(user.totp_secret).now()
    wrong = "000000" if code != "000000" else "111111"
    assert accounts.check_totp(user, wrong, address="192.0.2.1").outcome == "bad_totp"
    assert accounts.check_totp(user, code, address="192.0.2.1").outcome == "ok"
    assert accounts.check_totp(user, code, address="192.0.2.1").outcome == "bad_totp"  # replayed


def test_optional_totp_for_others(make_user):
    user = make_user("bram", "boa")
    assert accounts.check_password("bram", PASSWORD, address="192.0.2.1").outcome == "ok"
    secret = accounts.start_totp_enrolment(user)
    assert not accounts.confirm_totp_enrolment(user, "000000" if pyotp.TOTP(secret).now() != "000000" else "1")
    assert accounts.confirm_totp_enrolment(user, pyotp.TOTP(secret).now())
    assert accounts.check_password("bram", PASSWORD, address="192.0.2.1").outcome == "needs_totp"


def test_restricted_access_needs_a_second_beheerder(make_user):
    first, second = make_user("bas", "beheerder"), make_user("berend", "beheerder")
    oov = make_user("olga", "oov")
    result = accounts.update_user(oov, accounts.UserChanges(sees_restricted=True), by=first)
    assert result.restricted_requested and not oov.sees_restricted
    with pytest.raises(accounts.AccountError):
        accounts.confirm_restricted_access(oov, by=first)
    accounts.confirm_restricted_access(oov, by=second)
    assert oov.sees_restricted
    assert [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))][-2:] == [
        "restricted_access_requested",
        "restricted_access_granted",
    ]


def test_create_user_command_refuses_a_trivial_password(runner):
    result = runner.invoke(args=["create-user", "cli-boa", "--name", "Cli Boa", "--role", "boa",
                                 "--password", "aaaaaaaaaaaa"])  # fmt: skip
    assert result.exit_code != 0
    assert "too easy to guess" in result.output
    assert db.session.scalar(sa.select(User).where(User.username == "cli-boa")) is None


def test_create_user_command_with_restricted_access_is_audited_as_such(runner):
    result = runner.invoke(args=["create-user", "cli-oov", "--name", "Cli OOV", "--role", "oov",
                                 "--sees-restricted", "--password", PASSWORD])  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "cli-oov"))
    assert user.sees_restricted
    [granted] = _actions("restricted_access_granted")
    assert "cli-oov" in granted.detail and "CLI" in granted.detail
