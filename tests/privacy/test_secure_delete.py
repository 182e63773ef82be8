"""Erased personal data must not survive in the database's files: SQLite overwrites deleted content
(secure_delete) and the sweep checkpoints the write-ahead log; PostgreSQL's touched tables are vacuumed."""

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.reports import workflow
from meldpunt.reports.models import Report
from meldpunt.reports.submission import submit_report

ADDRESS = b"unieke.melder.7391@example.org"
SECRET = "De buurman met de rode auto, Dahliastraat 12"


def _closed_report(new_report, staff, closed_at):
    new = new_report(
        kind="onveilige_plek", category_code="donker", email=ADDRESS.decode(), email_consent=True, description=SECRET
    )
    receipt = submit_report(new, now=closed_at - timedelta(days=2))
    report = db.session.get(Report, receipt.report_id)
    workflow.take_in_handling(report, staff["oov"], now=closed_at - timedelta(days=1))
    workflow.close_with_outcome(report, "opgelost", "Opgelost.", staff["oov"], now=closed_at)
    db.session.commit()
    return receipt


def _database_bytes(app) -> bytes:
    path = Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


@pytest.mark.only_backends("spatialite")
def test_after_the_sweep_the_sqlite_file_holds_no_copy_of_the_erased_data(app, runner, new_report, staff):
    _closed_report(new_report, staff, utcnow() - timedelta(days=400))
    assert ADDRESS in _database_bytes(app)
    assert runner.invoke(args=["privacy-sweep"]).exit_code == 0
    # Read while the site keeps running: the write-ahead log counts as much as the database file.
    stored = _database_bytes(app)
    assert ADDRESS not in stored
    assert SECRET.encode() not in stored


@pytest.mark.only_backends("postgis")
def test_after_the_sweep_postgresql_vacuums_the_tables_it_touched(app, runner, new_report, staff):
    _closed_report(new_report, staff, utcnow() - timedelta(days=400))
    result = runner.invoke(args=["privacy-sweep"])
    assert result.exit_code == 0 and "vacuumed" in result.output
    vacuumed = (
        db.session.execute(sa.text("SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL"))
        .scalars()
        .all()
    )
    assert {"report", "outbox_message"} <= set(vacuumed)
