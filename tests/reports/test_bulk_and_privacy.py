"""Bulk-stored reports live by the same privacy rules as any other: the hourly sweep must cope with many at once."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.geo import WGS84
from meldpunt.privacy.retention import sweep
from meldpunt.reports.bulk import ReportRow, insert_reports
from meldpunt.reports.models import Category, Queue, Report

# More closed reports than PostgreSQL takes parameters in one statement (65,535): an import of a few years, or
# `flask demo-data --bulk`, puts that many in front of the first sweep.
MANY = 66_000


@pytest.mark.only_backends("postgis")
def test_the_privacy_sweep_handles_more_reports_than_one_statement_takes(app):
    category = db.session.scalar(sa.select(Category).where(Category.code == "jeugd"))
    queue = db.session.scalar(sa.select(Queue).where(Queue.code == "TNH"))
    created = datetime(2023, 5, 5, 20, tzinfo=UTC)
    rows = [
        ReportRow(
            row_no=n,
            reference=f"OUD-{n}",
            kind="overlast",
            category_id=category.id,
            queue_id=queue.id,
            x=6.85 + (n % 1000) * 0.0001,
            y=52.77 + (n // 1000) * 0.0002,
            srid=WGS84,
            created_at=created,
            incident_at=created,
            state="afgehandeld",
            closed_at=created + timedelta(days=2),
            outcome="aangesproken",
            channel="import",
        )  # fmt: skip
        for n in range(MANY)
    ]
    insert_reports(rows, actor="systeem", reason="test")
    db.session.commit()
    counts = sweep()
    db.session.commit()
    assert counts["contact_erased"] == counts["locations_coarsened"] == counts["content_erased"] == MANY
    not_coarsened = sa.select(sa.func.count()).where(Report.location_coarsened_at.is_(None))
    assert db.session.scalar(not_coarsened) == 0
