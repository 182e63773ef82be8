"""Is a point inside the municipality, and if not, which one is it in?"""

import filecmp

import pytest
import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.geo import LatLon, spatial
from meldpunt.geo.boundaries import check_point_in_municipality, municipality_at
from meldpunt.geo.models import Municipality
from meldpunt.profiles import DATA_DIR
from tests.conftest import SHARED_DATA

# shared/data/README.md, "Reference points for tests" (lon, lat, the municipality it lies in).
REFERENCE_POINTS = [
    (6.8975, 52.7858, "Emmen"),
    (6.742, 52.661, "Coevorden"),
    (6.513, 52.862, "Midden-Drenthe"),
    (4.8952, 52.3702, "Amsterdam"),
    (7.0, 52.5, None),
]


def test_shipped_boundaries_are_the_shared_open_data():
    if not SHARED_DATA.exists():
        pytest.skip("shared/data is not beside this checkout")
    assert filecmp.cmp(DATA_DIR / "gemeenten-2025.geojson", SHARED_DATA / "gemeenten-2025.geojson", shallow=False)
    assert filecmp.cmp(DATA_DIR / "plaatsen-drenthe.csv", SHARED_DATA / "plaatsen-drenthe.csv", shallow=False)


@pytest.mark.parametrize("lon, lat, expected", REFERENCE_POINTS)
def test_reference_points_are_named_correctly(app, lon, lat, expected):
    check = check_point_in_municipality(LatLon(lat, lon), "GM0114")
    assert check.inside is (expected == "Emmen")
    assert check.municipality_name == expected


def test_a_point_just_outside_the_simplified_border_is_accepted(app):
    # Walk east from Emmen's centre to the German border; the first point outside the simplified outline is
    # within the tolerance, a point 700 m further is not.
    lon, lat = 6.8975, 52.7858
    step = 0.0005  # about 34 m
    while municipality_at(LatLon(lat, lon)) == "Emmen":
        lon += step
    distance = db.session.scalar(
        sa.select(spatial.planar_distance(Municipality.geom_rd, spatial.to_rd(spatial.point(LatLon(lat, lon))))).where(
            Municipality.code == "GM0114"
        )
    )
    assert distance < 150
    assert check_point_in_municipality(LatLon(lat, lon), "GM0114").inside
    far = check_point_in_municipality(LatLon(lat, lon + 0.01), "GM0114")
    assert not far.inside
    assert far.municipality_name is None  # Germany
