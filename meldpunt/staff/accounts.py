"""Passwords (argon2), sign-in with throttling and temporary lock-out, TOTP two-factor."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.staff.models import User, audit
from meldpunt.staff.roles import BEHEERDER, ROLES

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()
# Spent on unknown usernames too, so that response time does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AccountError(ValueError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def create_user(username: str, name: str, roles: list[str], password: str, *, sees_restricted=False) -> User:
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise AccountError(f"roles must be among {', '.join(ROLES)}")
    if db.session.scalar(sa.select(User).where(User.username == username)):
        raise AccountError(f"user {username!r} exists")
    user = User(
        username=username,
        name=name,
        roles=sorted(set(roles)),
        password_hash=hash_password(password),
        sees_restricted=sees_restricted,
    )
    db.session.add(user)
    return user


@dataclass(frozen=True)
class SignIn:
    user: User | None
    outcome: str  # ok, needs_totp, bad_credentials, locked, bad_totp, inactive
    locked_until: datetime | None = None


def requires_totp(user: User) -> bool:
    return user.totp_enabled or user.has_role(BEHEERDER)


def check_password(username: str, password: str, *, now: datetime | None = None) -> SignIn:
    now = now or utcnow()
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        return SignIn(None, "bad_credentials")
    if user.locked_until and user.locked_until > now:
        return SignIn(user, "locked", user.locked_until)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return _failed(user, now)
    if not user.active:
        return SignIn(user, "inactive")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    if requires_totp(user):
        db.session.commit()
        return SignIn(user, "needs_totp")
    return _succeeded(user, now)


def check_totp(user: User, code: str, *, now: datetime | None = None) -> SignIn:
    now = now or utcnow()
    if user.locked_until and user.locked_until > now:
        return SignIn(user, "locked", user.locked_until)
    step = totp_step_accepted(user, code, now)
    if step is None:
        return _failed(user, now, outcome="bad_totp")
    user.totp_last_step = step
    return _succeeded(user, now)


def totp_step_accepted(user: User, code: str, now: datetime) -> int | None:
    """The time step of a valid, unused code (one step of clock drift either way), else None."""
    if not user.totp_secret or not code:
        return None
    totp = pyotp.TOTP(user.totp_secret)
    code = code.strip().replace(" ", "")
    current = int(now.timestamp()) // totp.interval
    for step in (current, current - 1, current + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def _failed(user: User, now: datetime, outcome: str = "bad_credentials") -> SignIn:
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = now + LOCKOUT
        user.failed_logins = 0
        audit(user, "account_locked", detail=f"after {MAX_FAILED_LOGINS} failed attempts")
        db.session.commit()
        return SignIn(user, "locked", user.locked_until)
    db.session.commit()
    return SignIn(user, outcome)


def _succeeded(user: User, now: datetime) -> SignIn:
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit(user, "login")
    db.session.commit()
    return SignIn(user, "ok")


def start_totp_enrolment(user: User) -> str:
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = False
    user.totp_last_step = None
    db.session.commit()
    return user.totp_secret


def totp_uri(user: User, issuer: str) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=issuer)


def confirm_totp_enrolment(user: User, code: str, *, now: datetime | None = None) -> bool:
    step = totp_step_accepted(user, code, now or utcnow())
    if step is None:
        return False
    user.totp_enabled = True
    user.totp_last_step = step
    user.session_version += 1
    audit(user, "totp_enabled")
    db.session.commit()
    return True


def set_password(user: User, password: str, *, by: User | None = None) -> None:
    user.password_hash = hash_password(password)
    user.session_version += 1
    user.failed_logins = 0
    user.locked_until = None
    audit(by or user, "password_set", detail=f"for {user.username}")
