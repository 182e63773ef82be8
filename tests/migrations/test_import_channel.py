"""Revision a083d4317312 widens the channel check with "import" (on SQLite by editing the table's definition in
place): the check must still refuse other values, and a downgrade must narrow it again."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError

from meldpunt.extensions import db
from meldpunt.geo import WGS84
from meldpunt.reports.models import Category, Queue, Report


def store(channel: str, reference: str) -> None:
    """One report row, stored with only the columns of the downgraded schema: what the bulk path does after storing
    a report (areas, events) needs tables of later revisions."""
    category = db.session.scalar(sa.select(Category).where(Category.code == "jeugd"))
    queue = db.session.scalar(sa.select(Queue).where(Queue.code == "TNH"))
    location = sa.func.ST_GeomFromText("POINT(6.899 52.787)", WGS84)
    db.session.execute(
        sa.insert(Report.__table__).values(
            reference=reference, tracking_token_hash=reference, kind="overlast", category_id=category.id,
            queue_id=queue.id, location=location, location_rd=sa.func.ST_Transform(location, 28992),
            location_method="map", created_at=datetime(2023, 5, 5, 20, tzinfo=UTC), state="nieuw",
            incident_at=datetime(2023, 5, 5, 19, tzinfo=UTC), channel=channel,
        )
    )  # fmt: skip
    db.session.commit()


def refused(channel: str, reference: str) -> bool:
    try:
        store(channel, reference)
    except IntegrityError:
        db.session.rollback()
        return True
    return False


def test_the_channel_check_admits_import_and_nothing_else(app):
    assert not refused("import", "IMP-1")
    assert refused("fax", "FAX-1")


def test_downgrade_narrows_the_check_again(app):
    downgrade(revision="9e679ea193d7")  # the revision before a083d4317312
    db.session.remove()
    assert refused("import", "IMP-2")
    assert not refused("web", "WEB-2")
    upgrade()
    db.session.remove()
    assert not refused("import", "IMP-3")


def test_downgrade_with_imported_reports_refuses_and_changes_nothing(app, capsys):
    store("import", "IMP-1")
    # Imported reports would break the narrower check. (Flask-Migrate logs the error and exits.)
    with pytest.raises(SystemExit):
        downgrade(revision="9e679ea193d7")  # the revision before a083d4317312
    assert "1 imported reports (channel 'import') exist; remove them before downgrading" in capsys.readouterr().err
    db.session.remove()
    assert not refused("import", "IMP-2")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 2
