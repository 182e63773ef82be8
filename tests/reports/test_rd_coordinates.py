"""report.rd_x and rd_y, which the analysis counts and clusters by, are the database's own copy of location_rd's
coordinates: right after a report is made, a bulk insert, a moved location and a coarsened one, without anyone
setting them."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.analysis.filters import AnalysisFilters
from meldpunt.analysis.hotspots import clusters
from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo import RD_NEW
from meldpunt.geo.spatial import MakePoint
from meldpunt.privacy.retention import coarsen_location
from meldpunt.profiles import PROFILES
from meldpunt.reports.demo import make_bulk_demo_reports
from meldpunt.reports.models import Report
from meldpunt.reports.submission import submit_report

STATION = (52.7810, 6.8900)


def _mismatches() -> list:
    """Reports whose rd_x/rd_y are not location_rd's coordinates (to the micrometre)."""
    off = sa.or_(
        sa.func.abs(Report.rd_x - sa.func.ST_X(Report.location_rd)) > 1e-6,
        sa.func.abs(Report.rd_y - sa.func.ST_Y(Report.location_rd)) > 1e-6,
        Report.rd_x.is_(None),
        Report.rd_y.is_(None),
    )
    return db.session.scalars(sa.select(Report.id).where(off)).all()


def _rd(report_id: int) -> tuple[float, float]:
    db.session.expire_all()
    return db.session.execute(sa.select(Report.rd_x, Report.rd_y).where(Report.id == report_id)).one()


def test_a_new_report_has_its_rd_coordinates(app, new_report):
    receipt = submit_report(new_report(lat=STATION[0], lon=STATION[1]))
    db.session.commit()
    x, y = _rd(receipt.report_id)
    # Emmen's station in RD New: x ≈ 256,500, y ≈ 533,500 (metres).
    assert 255_000 < x < 258_000 and 532_000 < y < 535_000
    assert _mismatches() == []


def test_bulk_stored_reports_have_their_rd_coordinates(app):
    for _ in make_bulk_demo_reports(PROFILES["emmen"], 300, days_back=30, seed=5):
        pass
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 300
    assert _mismatches() == []


def test_a_moved_location_moves_its_rd_coordinates(app, new_report):
    receipt = submit_report(new_report(lat=STATION[0], lon=STATION[1]))
    db.session.commit()
    x, y = _rd(receipt.report_id)
    report = db.session.get(Report, receipt.report_id)
    report.location_rd = MakePoint(x + 120.0, y - 80.0, RD_NEW)
    db.session.commit()
    assert _rd(receipt.report_id) == pytest.approx((x + 120.0, y - 80.0), abs=1e-6)
    assert _mismatches() == []


def test_a_coarsened_location_is_clustered_where_it_now_lies(app, new_report):
    now = utcnow()
    ids = [
        submit_report(new_report(lat=STATION[0], lon=STATION[1], incident_at=now - timedelta(days=1))).report_id
        for _ in range(5)
    ]
    db.session.commit()
    x, y = _rd(ids[0])
    corner = ((x // 50) * 50, (y // 50) * 50)  # of the 50 m cell of the station
    # Spread over the cell's south-west quarter, so that their mean lies 15 m and more from the cell's centre.
    for report_id, (east, north) in zip(ids, ((2, 2), (10, 2), (2, 10), (10, 10), (6, 6)), strict=True):
        db.session.get(Report, report_id).location_rd = MakePoint(corner[0] + east, corner[1] + north, RD_NEW)
    db.session.commit()
    coarsen_location(ids, 50, now)
    db.session.commit()
    centre = (corner[0] + 25.0, corner[1] + 25.0)
    assert all(_rd(i) == pytest.approx(centre, abs=1e-6) for i in ids)
    assert _mismatches() == []
    # The map's cluster sits on the coarsened spot, not on where the reports were made.
    [cluster] = clusters(AnalysisFilters.from_args({}, today=now.date()).conditions(), eps_m=50, min_points=5)
    lon, lat = db.session.execute(
        sa.select(sa.func.ST_X(Report.location), sa.func.ST_Y(Report.location)).where(Report.id == ids[0])
    ).one()
    assert cluster.count == 5
    assert (cluster.centre_lat, cluster.centre_lon) == pytest.approx((lat, lon), abs=1e-7)
