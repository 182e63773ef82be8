"""The sign-in throttle, without HTTP: growing waits with a cap, forgetting, and two processes counting the
first failure of a name at the same moment."""

from datetime import timedelta

import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.staff import throttle
from meldpunt.staff.models import LoginThrottle


def test_waits_grow_from_the_fifth_failure_and_stop_at_five_minutes():
    waits = [throttle.PER_NAME.wait_after(n).total_seconds() for n in range(1, 12)]
    assert waits == [0, 0, 0, 0, 15, 30, 60, 120, 240, 300, 300]


def test_failures_are_forgotten_after_an_hour_without_one(app):
    now = utcnow()
    for _ in range(6):
        throttle.count_failure("anna", None, now)
    assert throttle.wait_seconds("anna", None, now) == 30
    later = now + throttle.FORGET_AFTER
    assert throttle.wait_seconds("anna", None, later) == 0
    throttle.count_failure("anna", None, later)
    assert db.session.scalar(sa.select(LoginThrottle.failures)) == 1


def test_neither_names_nor_addresses_are_stored(app):
    throttle.count_failure("Anna.de.Vries", "192.0.2.44", utcnow())
    db.session.commit()
    stored = " ".join(key for key in db.session.scalars(sa.select(LoginThrottle.key)))
    assert "anna" not in stored.lower() and "192.0.2.44" not in stored


def test_a_first_failure_counted_elsewhere_at_the_same_moment_is_added_to(app, monkeypatch):
    now = utcnow()
    real = throttle._increment
    calls = []

    def racing(key, moment):
        calls.append(key)
        if len(calls) == 1:  # another process inserts the row between our UPDATE and our INSERT
            db.session.execute(sa.insert(LoginThrottle).values(key=key, failures=1, last_failure_at=moment))
            return False
        return real(key, moment)

    monkeypatch.setattr(throttle, "_increment", racing)
    throttle.count_failure("anna", None, now)
    db.session.commit()
    assert db.session.scalar(sa.select(LoginThrottle.failures)) == 2
    assert throttle.wait_seconds("anna", None, now + timedelta(seconds=1)) == 0
