"""`flask demo-data --bulk`: two years of synthetic reports with a life, inserted in bulk, never mailed."""

import statistics
from datetime import timedelta

import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo import LatLon, spatial
from meldpunt.geo.boundaries import check_point_in_municipality
from meldpunt.outbox.models import OutboxMessage
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.models import OPEN_STATES, Queue, Report, StateChange

COUNT = 3000


def test_bulk_demo_data_is_two_years_of_reports_with_a_life(app, runner):
    result = runner.invoke(args=["demo-data", "--bulk", "--reports", str(COUNT), "--seed", "11"])
    assert result.exit_code == 0, result.output
    assert f"{COUNT} of {COUNT} reports (" in result.output  # progress
    assert f"made {COUNT} demo reports in " in result.output and " reports/s)" in result.output
    rows = db.session.execute(
        sa.select(
            Report.id,
            Report.reference,
            Report.kind,
            Report.state,
            Report.created_at,
            Report.incident_at,
            Report.first_response_at,
            Report.closed_at,
            Report.outcome,
            Report.channel,
            Report.email,
            Report.queue_id,
        )  # fmt: skip
    ).all()
    assert len(rows) == COUNT
    assert len({r.reference for r in rows}) == COUNT and all(r.reference.startswith("EMN-") for r in rows)
    assert {r.channel for r in rows} == {"web"} and {r.email for r in rows} == {None}

    # Two years, busier in the evening and at the weekend, the kinds of the profile's hotspots.
    now = utcnow()
    ages = [(now - r.created_at).days for r in rows]
    assert max(ages) > 650 and min(ages) < 30
    local = [r.created_at.astimezone(LOCAL_TZ) for r in rows]
    assert sum(18 <= t.hour <= 23 for t in local) > 2 * sum(6 <= t.hour <= 11 for t in local)
    assert sum(t.weekday() == 5 for t in local) > 1.5 * sum(t.weekday() == 1 for t in local)
    assert {r.kind for r in rows} == {"straatintimidatie", "overlast", "onveilige_plek"}
    assert all((r.incident_at is None) == (r.kind == "onveilige_plek") for r in rows)
    assert all(r.incident_at <= r.created_at for r in rows if r.incident_at)

    # States and times that make lead times: most are closed with an outcome, the newest are still open.
    states = [r.state for r in rows]
    assert states.count("afgehandeld") > 0.7 * COUNT
    assert 0 < states.count("geannuleerd") < 0.15 * COUNT
    assert 0 < sum(s in OPEN_STATES for s in states) < 0.15 * COUNT
    for r in rows:
        closed = r.state in ("afgehandeld", "geannuleerd")
        assert (r.closed_at is not None) == closed
        assert (r.outcome is not None) == (r.state == "afgehandeld")
        assert (r.first_response_at is None) == (r.state == "nieuw")
        if closed:
            assert r.created_at <= r.first_response_at <= r.closed_at <= now
    assert all(now - r.created_at < timedelta(days=30) for r in rows if r.state == "nieuw")
    lead_days = [(r.closed_at - r.created_at).total_seconds() / 86400 for r in rows if r.state == "afgehandeld"]
    assert 1 < statistics.median(lead_days) < 20
    # Routed by the profile's rules: every queue of Emmen (OOV, TNH and the straatcoaches' STRAATCOACH) gets work.
    codes = dict(db.session.execute(sa.select(Queue.id, Queue.code)).all())
    assert {codes[r.queue_id] for r in rows} == {"OOV", "TNH", "STRAATCOACH"}

    # Located inside the municipality, clustered around the hotspots (RD filled by the database).
    for r in rows[:25]:
        lon, lat = db.session.execute(
            sa.select(sa.func.ST_X(Report.location), sa.func.ST_Y(Report.location)).where(Report.id == r.id)
        ).one()
        assert check_point_in_municipality(LatLon(lat, lon), "GM0114").inside
    station = spatial.to_rd(spatial.point(LatLon(52.7870, 6.8990)))
    near = db.session.scalar(
        sa.select(sa.func.count()).where(spatial.planar_distance(Report.location_rd, station) < 3000)
    )
    assert near > 0.6 * COUNT

    # A history: created, and one line for the state it reached. No mail.
    lines = db.session.execute(sa.select(StateChange.report_id, StateChange.event, StateChange.to_state)).all()
    assert sum(1 for line in lines if line.event == "created") == COUNT
    by_report = {r.id: r for r in rows}
    later = [line for line in lines if line.event != "created"]
    assert len(later) == sum(1 for s in states if s != "nieuw")
    assert all(by_report[line.report_id].state == line.to_state for line in later)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_bulk_demo_data_twice_draws_no_reference_twice(app, runner):
    for _ in range(2):
        assert runner.invoke(args=["demo-data", "--bulk", "--reports", "500", "--seed", "1"]).exit_code == 0
    references = list(db.session.scalars(sa.select(Report.reference)))
    assert len(references) == len(set(references)) == 1000
