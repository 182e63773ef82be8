"""Hotspots on a planted data set: grid cells, heat and DBSCAN clusters, the same on both backends."""

import math
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.analysis.filters import AnalysisFilters
from meldpunt.analysis.hotspots import CLUSTER_DISTANCES, CLUSTER_MIN_POINTS, cells_geojson, clusters, heat_points
from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.reports.submission import submit_report

STATION = (52.7810, 6.8900)
CENTRE = (52.7858, 6.8975)
PARK = (52.7740, 6.9080)


def offset(point, north_m, east_m):
    lat, lon = point
    return lat + north_m / 111_320, lon + east_m / (111_320 * math.cos(math.radians(lat)))


@pytest.fixture
def planted(app, new_report):
    """12 reports within ~30 m of the station, 6 in the centre, 2 near the park (too few for a cluster), one far
    from everything; and one restricted report at the station, which analysis never counts."""
    now = utcnow()
    made = []
    for i in range(12):
        made.append((STATION, i * 4, (i % 3) * 5))
    for i in range(6):
        made.append((CENTRE, -i * 5, 0))  # southward: all in one 250 m cell
    made += [(PARK, 0, 0), (PARK, 10, 0), ((52.8100, 6.9500), 0, 0)]
    for base, north, east in made:
        lat, lon = offset(base, north, east)
        submit_report(new_report(lat=lat, lon=lon, incident_at=now - timedelta(days=3)), now=now - timedelta(days=2))
    lat, lon = STATION
    submit_report(new_report(kind="verdachte_situatie", category_code="hennep", lat=lat, lon=lon))
    db.session.commit()
    return AnalysisFilters.from_args({}, today=now.date())


def test_grid_cells_count_what_lies_in_them(planted):
    cells = cells_geojson(planted.conditions(), 250)
    counts = sorted((f["properties"]["count"] for f in cells["features"]), reverse=True)
    assert sum(counts) == 21  # the restricted report is not counted
    assert counts[0] == 12  # the station's reports share one 250 m cell (they lie within 45 m)
    ring = cells["features"][0]["geometry"]["coordinates"][0]
    assert len(ring) == 5 and all(6.8 < lon < 7.0 and 52.7 < lat < 52.9 for lon, lat in ring)


def test_cells_under_a_threshold_are_left_out(planted):
    cells = cells_geojson(planted.conditions(), 250, min_count=5)
    assert sorted(f["properties"]["count"] for f in cells["features"]) == [6, 12]


def test_heat_points_weigh_each_cell(planted):
    points = heat_points(planted.conditions())
    assert sum(weight for _, _, weight in points) == 21
    assert all(52.7 < lat < 52.9 and 6.8 < lon < 7.0 for lat, lon, _ in points)


@pytest.mark.only_backends("postgis")
def test_clustering_leaves_the_rest_of_the_transaction_as_it_was(planted):
    # The planner settings the clustering needs must not change how the request's later statements run.
    names = ("enable_mergejoin", "work_mem", "jit")
    before = [db.session.scalar(sa.select(sa.func.current_setting(name))) for name in names]
    assert [c.count for c in clusters(planted.conditions(), eps_m=50, min_points=5)] == [12, 6]
    assert [db.session.scalar(sa.select(sa.func.current_setting(name))) for name in names] == before


def test_dbscan_finds_the_planted_clusters(planted):
    found = clusters(planted.conditions(), eps_m=50, min_points=5)
    assert [c.count for c in found] == [12, 6]
    station, centre = found
    assert abs(station.centre_lat - STATION[0]) < 0.0005 and abs(station.centre_lon - STATION[1]) < 0.0005
    assert abs(centre.centre_lat - CENTRE[0]) < 0.0005
    assert station.hull_geojson["type"] == "Polygon"
    assert station.first <= station.last


def test_a_looser_rule_joins_the_park_pair(planted):
    assert [c.count for c in clusters(planted.conditions(), eps_m=50, min_points=2)] == [12, 6, 2]


GRID_BASE = (52.7600, 6.9100)


@pytest.fixture
def sparse_and_bridged(app, new_report):
    """For DBSCAN at 50 m and 3 points: a chain of 10 reports 30 m apart (only the chain makes it a cluster: no two
    points share enough neighbours, and its two ends are border points); two tight groups of 5, 84 m apart, joined
    by one report 42 m from each; two tight groups of 4 that stay 60 m apart; a pair 30 m apart and a single
    report (noise)."""
    now = utcnow()
    made = [(0, 30 * i) for i in range(10)]  # (north, east) in metres from GRID_BASE
    made += [(500 + i % 2, (i // 2) * 1.0) for i in range(5)] + [(500 + i % 2, 84 + (i // 2) * 1.0) for i in range(5)]
    made += [(500, 43)]  # the bridge: 42 m from the nearest of each group
    made += [(1000 + i % 2, i // 2) for i in range(4)] + [(1000 + i % 2, 61 + i // 2) for i in range(4)]
    made += [(1500, 0), (1500, 30), (2000, 0)]
    for north, east in made:
        lat, lon = offset(GRID_BASE, north, east)
        submit_report(new_report(kind="overlast", category_code="vernieling", lat=lat, lon=lon,
                                 incident_at=now - timedelta(days=3)), now=now - timedelta(days=2))  # fmt: skip
    db.session.commit()
    return AnalysisFilters.from_args({}, today=now.date())


def test_dbscan_follows_chains_bridges_and_gaps(sparse_and_bridged):
    assert [c.count for c in clusters(sparse_and_bridged.conditions(), eps_m=50, min_points=3)] == [11, 10, 4, 4]


def test_a_stricter_rule_keeps_only_the_bridged_groups(sparse_and_bridged):
    # At 5 points the chain and the groups of 4 are noise; the groups of 5 and their bridge stay one cluster.
    assert [c.count for c in clusters(sparse_and_bridged.conditions(), eps_m=50, min_points=5)] == [11]


@pytest.mark.only_backends("postgis")
def test_the_same_clusters_as_st_clusterdbscan_on_demo_data(app, backend):
    """The grid DBSCAN on PostGIS against ST_ClusterDBSCAN itself, on the demo hotspots (dense and sparse parts)
    for every distance and minimum the map offers.

    DBSCAN leaves one thing open: a border point (not a core point itself) within reach of the cores of two
    clusters may join either (the PostGIS manual says so of ST_ClusterDBSCAN). The clusters must be the same ones
    of the same total size; their sizes may differ only by border points that really could go both ways."""
    from meldpunt.profiles import PROFILES
    from meldpunt.reports.demo import make_bulk_demo_reports
    from meldpunt.reports.models import Report

    for _ in make_bulk_demo_reports(PROFILES["emmen"], 3000, days_back=60, seed=11):
        pass
    db.session.commit()
    conditions = AnalysisFilters.from_args({}, today=utcnow().date()).conditions()
    points = sa.select(Report.id, Report.location_rd.label("g")).where(*conditions).subquery("points")
    for eps_m in CLUSTER_DISTANCES:
        for min_points in CLUSTER_MIN_POINTS:
            expected = _reference_sizes(points, eps_m, min_points)
            got = [c.count for c in clusters(conditions, eps_m, min_points)]
            assert len(got) == len(expected) and sum(got) == sum(expected), (eps_m, min_points, got, expected)
            if got != expected:
                moved = sum(abs(a - b) for a, b in zip(got, expected, strict=True)) // 2
                ambiguous = _ambiguous_border_points(points, eps_m, min_points)
                assert moved <= ambiguous, (eps_m, min_points, got, expected, ambiguous)


def _labelled(points, eps_m: int, min_points: int):
    label = sa.func.ST_ClusterDBSCAN(points.c.g, eps_m, min_points).over().label("cid")
    return sa.select(points.c.id, points.c.g, label).subquery("labelled")


def _reference_sizes(points, eps_m: int, min_points: int) -> list[int]:
    """Cluster sizes from ST_ClusterDBSCAN, largest first."""
    labelled = _labelled(points, eps_m, min_points)
    sizes = db.session.scalars(sa.select(sa.func.count()).where(labelled.c.cid.is_not(None)).group_by(labelled.c.cid))
    return sorted(sizes, reverse=True)


def _ambiguous_border_points(points, eps_m: int, min_points: int) -> int:
    """Border points with core neighbours in more than one of ST_ClusterDBSCAN's clusters."""
    labelled = _labelled(points, eps_m, min_points)
    other = labelled.alias("other")
    neighbours = (
        sa.select(labelled.c.id, sa.func.count().label("n"))
        .join(other, sa.func.ST_DWithin(labelled.c.g, other.c.g, eps_m))
        .group_by(labelled.c.id)
        .subquery("neighbours")
    )
    core = (
        sa.select(labelled.c.id, labelled.c.g, labelled.c.cid)
        .join(neighbours, neighbours.c.id == labelled.c.id)
        .where(neighbours.c.n >= min_points)
        .subquery("core")
    )
    border = (
        sa.select(labelled.c.id)
        .join(neighbours, neighbours.c.id == labelled.c.id)
        .join(core, sa.func.ST_DWithin(labelled.c.g, core.c.g, eps_m))
        .where(neighbours.c.n < min_points)
        .group_by(labelled.c.id)
        .having(sa.func.count(sa.distinct(core.c.cid)) > 1)
        .subquery("border")
    )
    return db.session.scalar(sa.select(sa.func.count()).select_from(border))


def _plant_in_rd(new_report, points_rd) -> None:
    """Reports at exact RD New positions (the clusters read rd_x/rd_y, which follow location_rd)."""
    from meldpunt.geo import RD_NEW
    from meldpunt.geo.spatial import MakePoint
    from meldpunt.reports.models import Report

    now = utcnow()
    for x, y in points_rd:
        new = new_report(kind="overlast", category_code="vernieling", lat=GRID_BASE[0], lon=GRID_BASE[1],
                         incident_at=now - timedelta(days=3))  # fmt: skip
        receipt = submit_report(new, now=now - timedelta(days=2))
        db.session.get(Report, receipt.report_id).location_rd = MakePoint(x, y, RD_NEW)
    db.session.commit()


@pytest.mark.parametrize(("east_x", "expected"), [(52, [3, 3]), (48, [6])])
def test_neighbouring_dense_cells_are_joined_only_by_points_within_reach(app, new_report, east_x, expected):
    """Two groups of 3 in neighbouring cells of the grid (eps 50: cells of 35.36 m): a triangle in the west of one
    cell, and a group in the south of the next cell east. The cells' outlines (octagons) come within 42 m of each
    other, but the nearest points are 51.8 m apart: two clusters; 4 m nearer, 47.8 m: one. Only the points can
    tell, so they are read and compared."""
    cell = 50 / math.sqrt(2)
    x0, y0 = 7255 * cell, 15100 * cell  # a cell's south-west corner, at Emmen's station
    west = [(x0 + 0.5, y0 + 35), (x0 + 0.5, y0 + 10), (x0 + 10, y0 + 35)]
    east = [(x0 + east_x, y0 + 3.5), (x0 + east_x + 1, y0 + 3.5), (x0 + east_x, y0 + 4.5)]
    _plant_in_rd(new_report, west + east)
    conditions = AnalysisFilters.from_args({}, today=utcnow().date()).conditions()
    assert [c.count for c in clusters(conditions, eps_m=50, min_points=3)] == expected


def test_the_same_clusters_as_a_textbook_dbscan_on_demo_data(app, backend):
    """On both backends, against scikit-learn's DBSCAN on the same points (the textbook algorithm, independent of
    either database), on the demo hotspots for every distance and minimum the map offers. As with
    ST_ClusterDBSCAN, a border point within reach of two clusters may join either."""
    import numpy as np
    from sklearn.cluster import DBSCAN
    from sklearn.neighbors import KDTree

    from meldpunt.profiles import PROFILES
    from meldpunt.reports.demo import make_bulk_demo_reports
    from meldpunt.reports.models import Report

    for _ in make_bulk_demo_reports(PROFILES["emmen"], 3000, days_back=60, seed=11):
        pass
    db.session.commit()
    conditions = AnalysisFilters.from_args({}, today=utcnow().date()).conditions()
    xy = np.array(db.session.execute(sa.select(Report.rd_x, Report.rd_y).where(*conditions)).all(), dtype=float)
    tree = KDTree(xy)
    for eps_m in CLUSTER_DISTANCES:
        neighbours = tree.query_radius(xy, eps_m)
        for min_points in CLUSTER_MIN_POINTS:
            labels = DBSCAN(eps=eps_m, min_samples=min_points).fit(xy).labels_
            expected = sorted(np.bincount(labels[labels >= 0]).tolist(), reverse=True)
            got = [c.count for c in clusters(conditions, eps_m, min_points)]
            assert len(got) == len(expected) and sum(got) == sum(expected), (eps_m, min_points, got, expected)
            if got != expected:
                core = np.array([len(n) >= min_points for n in neighbours])
                ambiguous = sum(
                    1
                    for i, near in enumerate(neighbours)
                    if not core[i] and len({labels[j] for j in near if core[j]}) > 1
                )
                moved = sum(abs(a - b) for a, b in zip(got, expected, strict=True)) // 2
                assert moved <= ambiguous, (eps_m, min_points, got, expected, ambiguous)
