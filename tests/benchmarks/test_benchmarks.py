"""Speed figures, printed (run with `make benchmark`); nothing here asserts on time.

- submission: reports stored per second through submit_report (locate, route, history, commit)
- boundary check: point-in-municipality lookups per second
- area tagging with 200 areas loaded
- the boa's field list with 2000 reports"""

import json
import time

import pytest

from meldpunt.geo.areas import areas_containing, import_areas
from meldpunt.geo.boundaries import check_point_in_municipality
from meldpunt.profiles import PROFILES
from meldpunt.reports.demo import make_demo_reports


def _rate(label, backend, count, seconds):
    print(f"\n[benchmark] {backend:10} {label:40} {count / seconds:9.1f}/s  ({count} in {seconds:.2f} s)")


def test_submission_rate(app, backend):
    start = time.perf_counter()
    made = make_demo_reports(PROFILES["emmen"], 200, seed=1)
    _rate("reports submitted", backend, made, time.perf_counter() - start)


def test_boundary_check_rate(app, backend):
    points = [(6.85 + i * 0.001, 52.75 + i * 0.0005) for i in range(300)]
    start = time.perf_counter()
    for lon, lat in points:
        check_point_in_municipality(lon, lat, "GM0114")
    _rate("boundary checks", backend, len(points), time.perf_counter() - start)


@pytest.fixture
def many_areas(tmp_path):
    features = []
    for i in range(20):
        for j in range(10):
            x, y = 6.80 + i * 0.01, 52.72 + j * 0.01
            ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
            features.append({"type": "Feature", "properties": {"name": f"vak {i}-{j}"},
                             "geometry": {"type": "Polygon", "coordinates": [ring]}})  # fmt: skip
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_area_tagging_rate(app, backend, many_areas):
    from meldpunt.extensions import db

    import_areas(many_areas, kind="wijk")
    db.session.commit()
    points = [(6.801 + i * 0.0007, 52.721 + i * 0.0003) for i in range(300)]
    start = time.perf_counter()
    for lon, lat in points:
        areas_containing(lon, lat)
    _rate("area lookups (200 areas)", backend, len(points), time.perf_counter() - start)


def test_field_list_rate(app, backend):
    """The boa's list: open field reports, live first, nearest first (PostGIS: KNN over the GiST index)."""
    from meldpunt.reports.queries import open_field_reports_near

    make_demo_reports(PROFILES["emmen"], 2000, seed=2)
    start = time.perf_counter()
    for i in range(100):
        open_field_reports_near(6.88 + i * 0.0005, 52.78)
    _rate("field lists (2000 reports)", backend, 100, time.perf_counter() - start)
