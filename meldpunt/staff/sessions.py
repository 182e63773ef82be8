"""Server-side staff sessions. Signing in makes a row; the browser's (signed) cookie holds only a random token
whose hash finds it. Every request checks the row: not ended, signed in less than PERMANENT_SESSION_LIFETIME
ago, and used within STAFF_IDLE_TIMEOUT. Logout, "sign out everywhere" and account changes end rows, so a copied
cookie opens nothing afterwards.

Functions here add and flush; the caller (a view, a command, the request hook) commits."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.staff.models import StaffSession, User

# Between a right password and the second step.
PENDING_LIFETIME = timedelta(minutes=5)
# last_seen_at is written at most this often (field mode polls every 10 s); the idle timeout is exact to within it.
TOUCH_EVERY = timedelta(seconds=60)
# Ended sessions are deleted after this; the audit log keeps sign-ins.
FORGET_AFTER = timedelta(days=30)

# Why a session ended (StaffSession.end_reason).
LOGOUT = "logout"
EVERYWHERE = "everywhere"
IDLE = "idle"
EXPIRED = "expired"
ACCOUNT_CHANGED = "account_changed"
INACTIVE = "inactive"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _duration(value) -> timedelta:
    """Settings may come from the environment as a number of seconds."""
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def idle_timeout() -> timedelta:
    return _duration(current_app.config["STAFF_IDLE_TIMEOUT"])


def absolute_limit() -> timedelta:
    return _duration(current_app.config["PERMANENT_SESSION_LIFETIME"])


def start(user: User, *, pending: bool = False, user_agent: str | None = None) -> tuple[StaffSession, str]:
    """A new session for `user`; returns the row and the token for the cookie (only its hash is stored)."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        token_hash=_hash(token),
        user_id=user.id,
        pending=pending,
        created_at=now,
        last_seen_at=now,
        user_agent=(user_agent or "")[:200] or None,
    )
    db.session.add(row)
    db.session.execute(sa.delete(StaffSession).where(StaffSession.created_at < now - FORGET_AFTER))
    db.session.flush()
    return row, token


def complete(row: StaffSession) -> str:
    """The second step is done: the pending session becomes a full one, signed in now, with a new token."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    row.token_hash = _hash(token)
    row.pending = False
    row.created_at = now
    row.last_seen_at = now
    db.session.flush()
    return token


@dataclass(frozen=True)
class Check:
    session: StaffSession | None
    # Why there is no valid session: None (valid), "none" (no token), "unknown", "ended", IDLE or EXPIRED.
    reason: str | None = None
    changed: bool = False  # something was written: the caller commits


def check(token: str | None, *, pending: bool = False) -> Check:
    """The session this token opens, if it is still valid; ends it when it has just run out. Marks it as seen."""
    if not token:
        return Check(None, "none")
    # With its user in the same statement: every staff page and every field poll asks this first.
    row = db.session.scalar(
        sa.select(StaffSession).options(so.joinedload(StaffSession.user)).where(StaffSession.token_hash == _hash(token))
    )
    if row is None or row.pending != pending:
        return Check(None, "unknown")
    if row.ended_at is not None:
        # Ended by a poll (whose answer leaves the cookie alone, see web/access.py): the next page still says why.
        return Check(None, row.end_reason if row.end_reason in (IDLE, EXPIRED) else "ended")
    now = utcnow()
    absolute, idle = (PENDING_LIFETIME, PENDING_LIFETIME) if pending else (absolute_limit(), idle_timeout())
    if now - row.created_at >= absolute:
        end(row, EXPIRED, now=now)
        return Check(None, EXPIRED, changed=True)
    if now - row.last_seen_at >= idle:
        end(row, IDLE, now=now)
        return Check(None, IDLE, changed=True)
    if not row.user.active:
        end(row, INACTIVE, now=now)
        return Check(None, "ended", changed=True)
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        db.session.flush()
        return Check(row, changed=True)
    return Check(row)


def end(row: StaffSession, reason: str, *, now: datetime | None = None) -> None:
    if row.ended_at is None:
        row.ended_at = now or utcnow()
        row.end_reason = reason
    db.session.flush()


def end_all(user: User, reason: str, *, keep: StaffSession | None = None) -> int:
    """End every session of `user` (pending ones included), except `keep`. Returns how many were open."""
    statement = (
        sa.update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    if keep is not None:
        statement = statement.where(StaffSession.id != keep.id)
    return db.session.execute(statement).rowcount


def open_sessions(user: User) -> list[StaffSession]:
    """The sessions that would still be let in now, newest first (for the account page)."""
    now = utcnow()
    return list(
        db.session.scalars(
            sa.select(StaffSession)
            .where(
                StaffSession.user_id == user.id,
                StaffSession.ended_at.is_(None),
                StaffSession.pending.is_(False),
                StaffSession.created_at > now - absolute_limit(),
                StaffSession.last_seen_at > now - idle_timeout(),
            )
            .order_by(StaffSession.last_seen_at.desc())
        )
    )
