"""Speed figures, printed (run with `make benchmark`); nothing here asserts on time.

- submission: reports stored per second through submit_report (locate, route, history, commit)
- boundary check: point-in-municipality lookups per second
- area tagging with 200 areas loaded
- the boa's field list with 2000 reports
- peak memory of sanitising the largest photos a reporter can send, and of refusing a decompression bomb"""

import json
import subprocess
import sys
import time

import pytest

from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.geo.areas import areas_containing, import_areas
from meldpunt.geo.boundaries import check_point_in_municipality
from meldpunt.profiles import PROFILES
from meldpunt.reports.demo import make_demo_reports


def _rate(label, backend, count, seconds):
    print(f"\n[benchmark] {backend:10} {label:40} {count / seconds:9.1f}/s  ({count} in {seconds:.2f} s)")


def test_submission_rate(app, backend):
    start = time.perf_counter()
    made = make_demo_reports(PROFILES["emmen"], 200, seed=1)
    db.session.commit()
    _rate("reports submitted", backend, made, time.perf_counter() - start)


def test_boundary_check_rate(app, backend):
    points = [(6.85 + i * 0.001, 52.75 + i * 0.0005) for i in range(300)]
    start = time.perf_counter()
    for lon, lat in points:
        check_point_in_municipality(LatLon(lat, lon), "GM0114")
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
        areas_containing(LatLon(lat, lon))
    _rate("area lookups (200 areas)", backend, len(points), time.perf_counter() - start)


def test_field_list_rate(app, backend):
    """The boa's list: open field reports, live first, nearest first (PostGIS: KNN over the GiST index)."""
    from meldpunt.reports.queries import open_field_reports_near

    make_demo_reports(PROFILES["emmen"], 2000, seed=2)
    start = time.perf_counter()
    for i in range(100):
        open_field_reports_near(LatLon(52.78, 6.88 + i * 0.0005))
    _rate("field lists (2000 reports)", backend, 100, time.perf_counter() - start)


PHOTO_PEAK = """
import sys
from meldpunt.reports.photos import PhotoRejected, sanitise_photo


def high_water_mark_kb():  # VmHWM: this process's peak resident memory (reset at exec, unlike ru_maxrss)
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))


raw = open(sys.argv[1], "rb").read()
before = high_water_mark_kb()
try:
    sanitise_photo(raw, max_bytes=10 * 1024 * 1024, max_pixels=2048)
    result = "accepted"
except PhotoRejected:
    result = "refused"
print(result, len(raw), (high_water_mark_kb() - before) // 1024)
"""


@pytest.mark.parametrize(
    "kind, width, height",
    [("JPEG", 4000, 3000), ("JPEG", 8000, 6000), ("PNG", 4000, 4000), ("PNG", 7060, 7060)],
)
def test_photo_peak_memory(tmp_path, kind, width, height):
    """Each photo in a fresh process that only reads the file: the growth of its peak memory is what sanitising
    this one photo costs. (Measured before the pixel caps and draft decoding: 610 MB for the
    48 MP JPEG; the 7060x7060 PNG was accepted, at 357 MB.)"""
    from PIL import Image

    path = tmp_path / f"photo.{kind.lower()}"
    if kind == "PNG":
        Image.new("1", (width, height)).save(path, format="PNG")  # tiny file, many pixels
    else:
        Image.new("RGB", (width, height), (90, 90, 90)).save(path, format="JPEG", quality=70)
    done = subprocess.run([sys.executable, "-c", PHOTO_PEAK, str(path)], capture_output=True, text=True, check=True)
    result, size, peak_mb = done.stdout.split()
    print(f"\n[benchmark] photo {kind} {width}x{height} ({int(size) // 1024} KiB): {result}, "
          f"peak memory growth {peak_mb} MB")  # fmt: skip
