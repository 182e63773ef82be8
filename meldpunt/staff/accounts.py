"""Staff accounts: passwords (argon2id, strength checked with zxcvbn), sign-in with throttling, TOTP two-step
verification, and the account policy a beheerder works under (no changes to one's own roles or access; a
second beheerder confirms restricted access).

Functions here add and flush; the caller (a view or a command) commits. Policy errors are AccountError with a
translated message and the form field it belongs to."""

import threading
from dataclasses import dataclass, field
from datetime import datetime

import pyotp
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from zxcvbn import zxcvbn

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.profiles import current_profile
from meldpunt.staff import sessions, throttle
from meldpunt.staff.models import RestrictedAccessRequest, StaffSession, User, audit
from meldpunt.staff.roles import BEHEERDER, ROLES, field_team_of, is_active_field_officer

MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_SCORE = 3  # zxcvbn: 0 (guessed at once) … 4 (very hard); 3 stands up to an offline attack on slow hashes
ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input (its matching is quadratic); the start of a longer one is judged
# zxcvbn's dictionaries are English: Dutch and local words people use in passwords at work.
LOCAL_WORDS = (
    "wachtwoord", "welkom", "geheim", "gemeente", "medewerker", "beheer", "beheerder", "handhaving", "veiligheid",
    "samen", "alert", "samenalert", "meldpunt", "melding", "drenthe", "emmen", "coevorden", "midden", "zomer",
    "winter", "voorjaar", "najaar", "maandag", "vrijdag",
)  # fmt: skip
_zxcvbn_lock = threading.Lock()  # zxcvbn keeps the user inputs in a module-level dictionary while it works


class AccountError(ValueError):
    """A change the account policy refuses. `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotAllowed(AccountError):
    """This beheerder may not do this (for example: confirm a request they made themselves)."""


class NoRequest(AccountError):
    """There is nothing to confirm or refuse."""


# --- passwords -------------------------------------------------------------------------------------------------


def password_hasher() -> PasswordHasher:
    """The hasher made from this app's settings (ARGON2_*), with a dummy hash of the same cost."""
    cached = current_app.extensions.get("meldpunt_password_hasher")
    if cached is None:
        config = current_app.config
        hasher = PasswordHasher(
            time_cost=int(config["ARGON2_TIME_COST"]),
            memory_cost=int(config["ARGON2_MEMORY_COST"]),
            parallelism=int(config["ARGON2_PARALLELISM"]),
        )
        # Verified for unknown and inactive names too, so that every checked attempt costs the same.
        cached = current_app.extensions["meldpunt_password_hasher"] = (hasher, hasher.hash("not-a-real-password"))
    return cached[0]


def _dummy_hash() -> str:
    password_hasher()
    return current_app.extensions["meldpunt_password_hasher"][1]


def check_password_strength(password: str, user_inputs=()) -> None:
    """Refuse short, common and trivial passwords, and ones made of the person's own names."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("A password needs at least %(count)d characters.", count=MIN_PASSWORD_LENGTH), field="password"
        )
    inputs = [str(value) for value in user_inputs if value]
    inputs += [part for value in inputs for part in value.split()]
    with _zxcvbn_lock:
        score = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[*inputs, *LOCAL_WORDS])["score"]
    if score < MIN_PASSWORD_SCORE:
        raise AccountError(
            _(
                "This password is too easy to guess. Use a longer phrase of several unrelated words; avoid names, "
                "dates, keyboard patterns, repeated characters and well-known passwords."
            ),
            field="password",
        )


def hash_password(password: str, *, user_inputs=()) -> str:
    check_password_strength(password, user_inputs)
    return password_hasher().hash(password)


def set_password(
    user: User, password: str, *, by: User | None = None, keep_session: StaffSession | None = None
) -> None:
    """A new password ends every other session of that person (all of them when someone else sets it)."""
    user.password_hash = hash_password(password, user_inputs=[user.username, user.name])
    sessions.end_all(user, sessions.ACCOUNT_CHANGED, keep=keep_session)
    audit(by or user, "password_set", detail=f"for {user.username}")


# --- creating and changing accounts ----------------------------------------------------------------------------


def _checked_roles(roles) -> list[str]:
    roles = sorted(set(roles or []))
    if not roles or set(roles) - set(ROLES):
        raise AccountError(_("Choose at least one role."), field="roles")
    return roles


def _checked_field_team(team: str | None) -> str | None:
    """A field team of this profile, or None (the profile's first team)."""
    team = (team or "").strip() or None
    if team is not None and team not in {t.code for t in current_profile().field_teams}:
        raise AccountError(_("Choose one of the field teams."), field="field_team")
    return team


def _checked_email(email: str | None) -> str | None:
    email = (email or "").strip()
    if not email:
        return None
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise AccountError(_("This is not a valid e-mail address."), field="email") from None
    return email


def create_user(
    username: str, name: str, roles: list[str], password: str, *, sees_restricted=False, email: str | None = None,
    field_team: str | None = None,
) -> User:  # fmt: skip
    """Make an account. `sees_restricted` grants restricted access directly: for the command line (shell access
    is full access already), which audits it; the beheerder's page asks a second beheerder instead."""
    username, name = (username or "").strip(), (name or "").strip()
    roles = _checked_roles(roles)
    if not username:
        raise AccountError(_("Give a user name."), field="username")
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise AccountError(_("A user with this user name exists already."), field="username")
    if not password:
        raise AccountError(
            _("Give a first password of at least %(count)d characters.", count=MIN_PASSWORD_LENGTH), field="password"
        )
    user = User(
        username=username,
        name=name,
        roles=roles,
        password_hash=hash_password(password, user_inputs=[username, name]),
        sees_restricted=sees_restricted,
        email=_checked_email(email),
        field_team=_checked_field_team(field_team),
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_account(
    username: str, name: str, roles: list[str], password: str, *, sees_restricted: bool, by: User,
    email: str | None = None, field_team: str | None = None,
) -> tuple[User, bool]:  # fmt: skip
    """A beheerder makes an account. Restricted access is asked for, not granted. Returns (user, asked)."""
    user = create_user(username, name, roles, password, email=email, field_team=field_team)
    audit(by, "user_created", detail=f"{user.username}: {', '.join(user.roles)}")
    if sees_restricted:
        request_restricted_access(user, by=by)
    return user, bool(sees_restricted)


@dataclass
class UserChanges:
    """What a beheerder's form asks to change; None leaves a value as it is."""

    name: str | None = None
    email: str | None = None  # "" removes it
    roles: list[str] | None = None
    active: bool | None = None
    sees_restricted: bool | None = None
    password: str | None = None
    reset_totp: bool = False
    field_team: str | None = None  # "" puts them in the profile's first team


@dataclass
class UpdateResult:
    changes: list[str] = field(default_factory=list)
    restricted_requested: bool = False


def update_user(
    user: User, changes: UserChanges, *, by: User, keep_session: StaffSession | None = None
) -> UpdateResult:
    """Apply a beheerder's changes by the account policy. Everything is checked before anything changes.

    A beheerder may not change their own roles, deactivate themselves, or change their own restricted access.
    Granting restricted access is a request that another beheerder confirms; revoking is immediate. A new
    password, other roles, deactivation and a reset of two-step verification end that person's sessions."""
    own = user.id == by.id
    roles = _checked_roles(changes.roles) if changes.roles is not None else sorted(user.roles)
    if own and roles != sorted(user.roles):
        raise AccountError(_("You cannot change your own roles."), field="roles")
    if own and changes.active is False and user.active:
        raise AccountError(_("You cannot deactivate your own account."), field="active")
    if own and changes.sees_restricted is not None and changes.sees_restricted != user.sees_restricted:
        raise AccountError(_("You cannot change your own access to restricted reports."), field="sees_restricted")
    name = (changes.name or "").strip() or user.name
    email = _checked_email(changes.email) if changes.email is not None else user.email
    team = _checked_field_team(changes.field_team) if changes.field_team is not None else user.field_team
    if changes.password:
        check_password_strength(changes.password, [user.username, name])

    result = UpdateResult()
    end_sessions = False
    if roles != sorted(user.roles):
        result.changes.append(f"roles {sorted(user.roles)} -> {roles}")
        user.roles = roles
        end_sessions = True
    if changes.active is not None and changes.active != user.active:
        result.changes.append(f"active -> {changes.active}")
        user.active = changes.active
        end_sessions = True
    if name != user.name:
        result.changes.append("name")
        user.name = name
    if email != user.email:
        result.changes.append("e-mail address")
        user.email = email
    if team != user.field_team:
        # Field mode shows another queue from the next request on: no session needs to end.
        result.changes.append(f"field team {user.field_team or '-'} -> {team or '-'}")
        user.field_team = team
    if changes.sees_restricted and not user.sees_restricted:
        result.restricted_requested = request_restricted_access(user, by=by)
    elif changes.sees_restricted is False and user.sees_restricted:
        revoke_restricted_access(user, by=by)
        result.changes.append("restricted access revoked")
    if changes.password:
        set_password(user, changes.password, by=by, keep_session=keep_session)
        result.changes.append("password reset")
    if changes.reset_totp:
        user.totp_enabled, user.totp_secret, user.totp_last_step = False, None, None
        result.changes.append("two-step verification reset")
        end_sessions = True
    if end_sessions:
        sessions.end_all(user, sessions.ACCOUNT_CHANGED, keep=keep_session)
    if result.changes:
        audit(by, "user_changed", detail=f"{user.username}: {'; '.join(result.changes)}")
    db.session.flush()
    return result


# --- restricted access: four eyes ------------------------------------------------------------------------------


def pending_restricted_request(user: User) -> RestrictedAccessRequest | None:
    return db.session.scalar(sa.select(RestrictedAccessRequest).where(RestrictedAccessRequest.user_id == user.id))


def pending_restricted_requests() -> dict[int, RestrictedAccessRequest]:
    return {r.user_id: r for r in db.session.scalars(sa.select(RestrictedAccessRequest))}


def request_restricted_access(user: User, *, by: User) -> bool:
    """Ask for restricted access for `user`; another beheerder confirms. False when already asked for."""
    if user.id == by.id:
        raise NotAllowed(_("You cannot change your own access to restricted reports."), field="sees_restricted")
    if user.sees_restricted or pending_restricted_request(user) is not None:
        return False
    db.session.add(RestrictedAccessRequest(user_id=user.id, requested_by_id=by.id, requested_at=utcnow()))
    audit(by, "restricted_access_requested", detail=f"for {user.username}")
    db.session.flush()
    return True


def confirm_restricted_access(user: User, *, by: User) -> None:
    """A second beheerder, neither the one who asked nor the person concerned, grants the access."""
    request = pending_restricted_request(user)
    if request is None:
        raise NoRequest(_("There is no request to confirm."))
    if not by.has_role(BEHEERDER) or by.id in (request.requested_by_id, user.id):
        raise NotAllowed(_("Another administrator has to confirm this request."))
    user.sees_restricted = True
    audit(by, "restricted_access_granted", detail=f"for {user.username}, asked by {request.requested_by.username}")
    db.session.delete(request)
    db.session.flush()


def refuse_restricted_access(user: User, *, by: User) -> None:
    """Any beheerder may turn a request down (the one who asked: withdraw it)."""
    request = pending_restricted_request(user)
    if request is None:
        raise NoRequest(_("There is no request to confirm."))
    if not by.has_role(BEHEERDER):
        raise NotAllowed(_("Another administrator has to confirm this request."))
    audit(by, "restricted_access_refused", detail=f"for {user.username}, asked by {request.requested_by.username}")
    db.session.delete(request)
    db.session.flush()


def revoke_restricted_access(user: User, *, by: User | None) -> None:
    if user.sees_restricted:
        user.sees_restricted = False
        audit(by, "restricted_access_revoked", detail=f"for {user.username}")
    db.session.flush()


# --- signing in --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    user: User | None
    outcome: str  # ok, needs_totp, bad_credentials, bad_totp, throttled
    retry_after: int = 0  # seconds, when throttled


def requires_totp(user: User) -> bool:
    return user.totp_enabled or user.has_role(BEHEERDER)


def check_password(username: str, password: str, *, address: str | None = None) -> SignIn:
    """One attempt at the password step. Unknown, inactive and real names get the same outcome for a wrong
    password and cost the same: exactly one argon2 verification, or none at all while throttled."""
    now = utcnow()
    if wait := throttle.wait_seconds(username, address, now):
        return SignIn(None, "throttled", wait)
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    hasher = password_hasher()
    try:
        right = hasher.verify(user.password_hash if user is not None else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        right = False
    if not right or user is None or not user.active:
        throttle.count_failure(username, address, now)
        return SignIn(None, "bad_credentials")
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    if requires_totp(user):
        # The name's failures are cleared only after the code: a right password must not reset code guessing.
        return SignIn(user, "needs_totp")
    throttle.clear_name(username)
    return _succeeded(user, now)


def check_totp(user: User, code: str, *, address: str | None = None) -> SignIn:
    """The second step. A wrong code counts against the account name like a wrong password."""
    now = utcnow()
    if wait := throttle.wait_seconds(user.username, address, now):
        return SignIn(user, "throttled", wait)
    step = totp_step_accepted(user, code, now)
    if step is None:
        throttle.count_failure(user.username, address, now)
        return SignIn(user, "bad_totp")
    user.totp_last_step = step
    throttle.clear_name(user.username)
    return _succeeded(user, now)


def confirm_password(user: User, password: str, *, address: str | None = None) -> str:
    """Ask a signed-in person for their password again: "ok", "wrong" or "throttled" (counts like sign-in)."""
    now = utcnow()
    if throttle.wait_seconds(user.username, address, now):
        return "throttled"
    try:
        password_hasher().verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        throttle.count_failure(user.username, address, now)
        return "wrong"
    return "ok"


def retry_after(user: User, address: str | None) -> int:
    return throttle.wait_seconds(user.username, address, utcnow())


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


def _succeeded(user: User, now: datetime) -> SignIn:
    user.last_login_at = now
    audit(user, "login")
    db.session.flush()
    return SignIn(user, "ok")


def start_totp_enrolment(user: User) -> str:
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = False
    user.totp_last_step = None
    db.session.flush()
    return user.totp_secret


def totp_uri(user: User, issuer: str) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=issuer)


def confirm_totp_enrolment(user: User, code: str, *, keep_session: StaffSession | None = None) -> bool:
    """Turn two-step verification on with a first code; every other session of that person ends."""
    step = totp_step_accepted(user, code, utcnow())
    if step is None:
        return False
    user.totp_enabled = True
    user.totp_last_step = step
    sessions.end_all(user, sessions.ACCOUNT_CHANGED, keep=keep_session)
    audit(user, "totp_enabled")
    db.session.flush()
    return True


def enrol_at_sign_in(user: User, code: str, *, keep_session: StaffSession | None = None) -> bool:
    """The first sign-in of someone who must use two-step verification: the first code turns it on and completes
    the sign-in, which is logged like every other."""
    if not confirm_totp_enrolment(user, code, keep_session=keep_session):
        return False
    throttle.clear_name(user.username)
    _succeeded(user, utcnow())
    return True


def active_field_officers(queue_code: str | None = None) -> list[User]:
    """The field workers a report can be assigned to or an area named after, by name. `queue_code`: a field
    queue's team only (a report of the straatcoaches' queue goes to a straatcoach, never to a boa)."""
    users = db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.name))
    team = current_profile().field_team_of_queue(queue_code) if queue_code is not None else None
    return [u for u in users if is_active_field_officer(u) and (team is None or field_team_of(u) == team)]
