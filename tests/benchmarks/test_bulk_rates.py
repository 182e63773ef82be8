"""Bulk speed, printed (run with `make benchmark`); nothing here asserts on time.

- `flask reports import`: rows per second for a 100,000-row file of an old system (checked, stored, with history)
- `flask demo-data --bulk`: reports per second (the 1,000,000-report run is described in README)"""

import csv
import random
import time
from datetime import timedelta

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.profiles import PROFILES
from meldpunt.reports.demo import _demo_categories, _draw, make_bulk_demo_reports
from meldpunt.reports.importer import import_reports

IMPORT_ROWS = 100_000
DEMO_REPORTS = 100_000


def _rate(label, backend, count, seconds):
    print(f"\n[benchmark] {backend:10} {label:40} {count / seconds:9.1f}/s  ({count} in {seconds:.2f} s)")


def _old_system_file(path, rows: int):
    """A year of an old system's reports, around the demo hotspots, every one closed."""
    rng = random.Random(8)
    now = utcnow()
    categories = _demo_categories()
    hotspots = tuple(PROFILES["emmen"].hotspots)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["reference", "kind", "category", "lat", "lon", "incident_time", "created_time", "state",
                         "closed_time", "queue", "outcome"])  # fmt: skip
        for n in range(rows):
            demo = _draw(rng, hotspots, categories, now - timedelta(days=400), 365)
            incident = "" if demo.kind == "onveilige_plek" else demo.incident_at.isoformat(timespec="minutes")
            closed = demo.reported_at + timedelta(days=rng.uniform(0.1, 20))
            writer.writerow([f"OUD-{n}", demo.kind, demo.category_code, f"{demo.position.lat:.6f}",
                             f"{demo.position.lon:.6f}", incident, demo.reported_at.isoformat(timespec="minutes"),
                             "afgehandeld", closed.isoformat(timespec="minutes"), "OOV", "opgelost"])  # fmt: skip


def test_import_rate(app, backend, tmp_path):
    path = tmp_path / "oud-systeem.csv"
    _old_system_file(path, IMPORT_ROWS)
    start = time.perf_counter()
    result = import_reports(path, PROFILES["emmen"])
    db.session.commit()
    seconds = time.perf_counter() - start
    assert result.stored == IMPORT_ROWS, result.refused[:5]
    _rate(f"imported rows ({IMPORT_ROWS} in one file)", backend, IMPORT_ROWS, seconds)


def test_bulk_demo_rate(app, backend):
    start = time.perf_counter()
    for _made in make_bulk_demo_reports(PROFILES["emmen"], DEMO_REPORTS, seed=4):
        db.session.commit()
    _rate(f"bulk demo reports ({DEMO_REPORTS})", backend, DEMO_REPORTS, time.perf_counter() - start)
