"""Slowing down password and code guessing, per account name and per client address, in the database (so that
it holds across worker processes).

There is no lock-out: after a few free failures each further failure doubles the wait, up to a cap of a few
minutes, so someone who types a colleague's name wrongly on purpose cannot keep that colleague out for long.
Names count whether or not an account exists, so the answers never tell which names are real. An attempt made
while waiting is refused without checking the password and does not count.

Functions here add and flush; the caller commits."""

import hashlib
import hmac
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from meldpunt.extensions import db
from meldpunt.staff.models import LoginThrottle


@dataclass(frozen=True)
class Policy:
    free: int  # failures without any wait
    first_wait: timedelta  # after the first failure beyond the free ones; doubles with each further failure
    cap: timedelta

    def wait_after(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        return min(self.first_wait * 2 ** (failures - self.free), self.cap)


PER_NAME = Policy(free=5, first_wait=timedelta(seconds=15), cap=timedelta(minutes=5))
# An office's staff may share one address: more free failures there, the same cap.
PER_ADDRESS = Policy(free=20, first_wait=timedelta(seconds=15), cap=timedelta(minutes=5))
# Failures are forgotten after this long without a new one.
FORGET_AFTER = timedelta(hours=1)


def normalise_name(name: str) -> str:
    return unicodedata.normalize("NFKC", name or "").strip().casefold()


def _key(kind: str, value: str) -> str:
    """A keyed hash: the table holds neither names typed by mistake (a password, sometimes) nor addresses."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _keys(name: str, address: str | None) -> list[tuple[str, Policy]]:
    keys = [(_key("name", normalise_name(name)), PER_NAME)]
    if address:
        keys.append((_key("address", address), PER_ADDRESS))
    return keys


def wait_seconds(name: str, address: str | None, now: datetime) -> int:
    """How long this name and address must wait before the next attempt is checked (0: go ahead)."""
    longest = 0
    for key, policy in _keys(name, address):
        row = db.session.get(LoginThrottle, key, populate_existing=True)
        if row is None or now - row.last_failure_at >= FORGET_AFTER:
            continue
        remaining = (row.last_failure_at + policy.wait_after(row.failures) - now).total_seconds()
        longest = max(longest, math.ceil(remaining))
    return longest


def count_failure(name: str, address: str | None, now: datetime) -> None:
    for key, _policy in _keys(name, address):
        if not _increment(key, now):
            try:
                with db.session.begin_nested():
                    db.session.add(LoginThrottle(key=key, failures=1, last_failure_at=now))
            except IntegrityError:  # another process counted the first failure at the same moment
                _increment(key, now)
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.last_failure_at <= now - FORGET_AFTER))
    db.session.flush()


def _increment(key: str, now: datetime) -> bool:
    recent = LoginThrottle.last_failure_at > now - FORGET_AFTER  # as in wait_seconds
    result = db.session.execute(
        sa.update(LoginThrottle)
        .where(LoginThrottle.key == key)
        .values(failures=sa.case((recent, LoginThrottle.failures + 1), else_=1), last_failure_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def clear_name(name: str) -> None:
    """After a complete sign-in: that name starts afresh (the address does not: it may be guessing others)."""
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == _key("name", normalise_name(name))))
    db.session.flush()
