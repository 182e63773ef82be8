"""The coordinator's queue at scale, printed (run with `make benchmark`); nothing here asserts on time. The queue
page (counts per state and one page), its map data (every filtered report, bounded) and previous/next, on bulk demo
reports. MELDPUNT_BENCH_QUEUE_REPORTS sets how many (default 100,000); MELDPUNT_BENCH_DATABASE_URL reuses a
database that has them (the analysis benchmark's million, say)."""

import os
import statistics
import time

import pytest
import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.profiles import PROFILES
from meldpunt.reports.demo import make_bulk_demo_reports
from meldpunt.reports.models import Queue, Report
from meldpunt.reports.queries import QueueFilters, queue_map_data, queue_neighbours, queue_page
from meldpunt.staff.models import User

REPORTS = int(os.environ.get("MELDPUNT_BENCH_QUEUE_REPORTS", "100000"))


@pytest.fixture
def busy_app(make_app):
    url = os.environ.get("MELDPUNT_BENCH_DATABASE_URL")
    app = make_app(SQLALCHEMY_DATABASE_URI=url) if url else make_app()
    with app.app_context():
        if not url:
            for _made in make_bulk_demo_reports(PROFILES["emmen"], REPORTS, seed=11):  # a generator: run it
                db.session.commit()
        yield app


def _timed(function, runs=3):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        db.session.rollback()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


@pytest.mark.only_backends("postgis")
def test_queue_views_at_scale(busy_app, backend):
    viewer = User(username="bench", name="Bench", roles=["oov"], sees_restricted=False, password_hash="-")
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Report))
    field = db.session.scalar(sa.select(Queue).where(Queue.is_field.is_(True)))
    open_reports = QueueFilters(state="open")
    everything = QueueFilters(state=None)
    middle = db.session.scalar(sa.select(Report).where(Report.queue_id == field.id).order_by(Report.id).limit(1))
    rows = [
        ("queue page, open", lambda: queue_page(field, open_reports, viewer).total),
        ("queue page, all states", lambda: queue_page(field, everything, viewer).total),
        ("map data, open", lambda: len(queue_map_data(field, open_reports, viewer)["features"])),
        ("map data, all (grouped beyond 2000)", lambda: len(queue_map_data(field, everything, viewer)["features"])),
        ("previous/next of a report", lambda: queue_neighbours(field, everything, viewer, middle)),
    ]  # fmt: skip
    print(f"\n[benchmark] queue on {backend}: {total} reports")
    print(f"[benchmark] {'view':48} {'median s':>9} {'result':>12}")
    for label, view in rows:
        seconds, result = _timed(view)
        print(f"[benchmark] {label:48} {seconds:9.3f} {result!s:>12}")
