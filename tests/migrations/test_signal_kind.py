"""Revision d0bc7e54aeda widens the kind checks with "spanningen" and the location method check with "gebied" and
"gemeente" (on SQLite by editing the tables' definitions in place): the checks must still refuse other values, and a
downgrade must narrow them again, or refuse while signals exist."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError

from meldpunt.extensions import db
from meldpunt.geo import WGS84
from meldpunt.reports.models import Category, Queue, Report

BEFORE = "b8d4f2e6a1c3"  # the revision before d0bc7e54aeda


def store(kind: str, method: str, reference: str) -> None:
    """One report row with only the columns of the downgraded schema."""
    category = db.session.scalar(sa.select(Category).where(Category.code == "jeugd"))
    queue = db.session.scalar(sa.select(Queue).where(Queue.code == "OOV"))
    location = sa.func.ST_GeomFromText("POINT(6.899 52.787)", WGS84)
    db.session.execute(
        sa.insert(Report.__table__).values(
            reference=reference, tracking_token_hash=reference, kind=kind, category_id=category.id,
            queue_id=queue.id, location=location, location_rd=sa.func.ST_Transform(location, 28992),
            location_method=method, created_at=datetime(2026, 5, 5, 20, tzinfo=UTC), state="nieuw", channel="web",
        )
    )  # fmt: skip
    db.session.commit()


def refused(kind: str, method: str, reference: str) -> bool:
    try:
        store(kind, method, reference)
    except IntegrityError:
        db.session.rollback()
        return True
    return False


def test_the_checks_admit_the_signal_and_nothing_else(app):
    assert not refused("spanningen", "gemeente", "SIG-1")
    assert not refused("spanningen", "gebied", "SIG-2")
    assert refused("roddel", "gemeente", "SIG-3")
    assert refused("spanningen", "telepathie", "SIG-4")


def test_downgrade_narrows_the_checks_and_upgrade_widens_them_again(app):
    downgrade(revision=BEFORE)
    db.session.remove()
    assert refused("spanningen", "map", "SIG-5")
    assert refused("overlast", "gemeente", "SIG-6")
    assert not refused("overlast", "map", "OVL-1")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Category).where(Category.kind == "spanningen")) == 0
    db.session.remove()  # end the read's transaction: PostgreSQL's ALTER TABLE waits for it
    upgrade()
    db.session.remove()
    assert not refused("spanningen", "gemeente", "SIG-7")


def test_downgrade_with_signals_refuses_and_changes_nothing(app, capsys):
    store("overlast", "gebied", "SIG-8")
    with pytest.raises(SystemExit):
        downgrade(revision=BEFORE)
    assert "1 signals without a spot exist; remove them before downgrading" in capsys.readouterr().err
    db.session.remove()
    assert not refused("spanningen", "gemeente", "SIG-9")
