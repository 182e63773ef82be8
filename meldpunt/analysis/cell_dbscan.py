"""DBSCAN from counts per cell: the clusters of PostGIS's ST_ClusterDBSCAN(location_rd, eps, min_points) without
comparing every pair of points, on both backends.

ST_ClusterDBSCAN looks at every pair of points within eps; at a hotspot with half a million reports in a year that
is tens of billions of pairs. Here the database counts the points per cell of a grid of eps/√2 (one GROUP BY on
report.rd_x and rd_y): any two points in one cell are within eps of each other. So

- a cell with at least min_points points ("dense") holds core points only, which are all in one cluster: it is one
  block, known by its count, times, sums and its bounding octagon (the least and greatest x, y, x + y and x - y of
  its points: each side of the octagon has a point on it);
- a cell with fewer ("sparse") whose surroundings hold fewer than min_points points in all has no core point;
- two dense cells are joined for certain when a side of one octagon lies within eps of a side of the other as a
  whole (a point on each is then within eps), and certainly not when the octagons are more than eps apart; in the
  middle of a hotspot the first settles almost every pair;
- only what that leaves open is read point by point, in a second statement: the sparse cells that may hold core
  or border points, the dense cells next to them (at the edge of a hotspot, so they hold few points), and dense
  cells whose joining is still open. With those points the rest is the textbook DBSCAN.

The clusters are ST_ClusterDBSCAN's: a core point has at least min_points points within eps (itself included);
a cluster is the core points connected through core points within eps of each other, plus the other points within
eps of one of them (a point within reach of two clusters joins the one with the nearest core point;
ST_ClusterDBSCAN gives it to either). tests/analysis/test_hotspots.py compares them on planted and demo data.

Only the grid's SQL differs per backend (geo/spatial.py); the rest is the same code for SpatiaLite and PostGIS."""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from itertools import product

import sqlalchemy as sa

from meldpunt.analysis.filters import MOMENT
from meldpunt.extensions import db
from meldpunt.geo import spatial
from meldpunt.reports.models import Report

# Every cell whose points may lie within eps of a cell's points: with cells of eps/√2, two cells either way.
_AROUND = [(dx, dy) for dx, dy in product(range(-2, 3), repeat=2) if (dx, dy) != (0, 0)]


@dataclass
class _Cell:
    """A grid cell's points in aggregate: count, earliest and latest moment, sums of x and y, and the bounds of its
    octagon (x, y, u = x + y, v = x - y)."""

    n: int
    first: datetime
    last: datetime
    sx: float
    sy: float
    bounds: tuple[float, ...]  # min x, max x, min y, max y, min u, max u, min v, max v

    @cached_property
    def sides(self) -> list[tuple[tuple[float, float], tuple[float, float]]]:
        """The octagon's eight sides as segments (a side may be a single point); each has a point of the cell."""
        x0, x1, y0, y1, u0, u1, v0, v1 = self.bounds

        def clamp(lo, hi):
            return (lo, hi) if lo <= hi else ((lo + hi) / 2, (lo + hi) / 2)

        sides = []
        for x in (x0, x1):  # y with u and v within bounds on the line x
            lo, hi = clamp(max(y0, u0 - x, x - v1), min(y1, u1 - x, x - v0))
            sides.append(((x, lo), (x, hi)))
        for y in (y0, y1):
            lo, hi = clamp(max(x0, u0 - y, v0 + y), min(x1, u1 - y, v1 + y))
            sides.append(((lo, y), (hi, y)))
        for u in (u0, u1):  # on x + y = u: x within bounds, and v = 2x - u within bounds
            lo, hi = clamp(max(x0, u - y1, (v0 + u) / 2), min(x1, u - y0, (v1 + u) / 2))
            sides.append(((lo, u - lo), (hi, u - hi)))
        for v in (v0, v1):  # on x - y = v: x within bounds, and u = 2x - v within bounds
            lo, hi = clamp(max(x0, v + y0, (u0 + v) / 2), min(x1, v + y1, (u1 + v) / 2))
            sides.append(((lo, lo - v), (hi, hi - v)))
        return sides

    def corners(self) -> list[tuple[float, float]]:
        """The octagon's corners: its outline."""
        return [end for side in self.sides for end in side]


def _lower_bound(a: tuple, b: tuple) -> float:
    """No point of octagon a is nearer than this to a point of octagon b."""
    ax0, ax1, ay0, ay1, au0, au1, av0, av1 = a
    bx0, bx1, by0, by1, bu0, bu1, bv0, bv1 = b
    gap_x = max(0.0, bx0 - ax1, ax0 - bx1)
    gap_y = max(0.0, by0 - ay1, ay0 - by1)
    gap_u = max(0.0, bu0 - au1, au0 - bu1)
    gap_v = max(0.0, bv0 - av1, av0 - bv1)
    return max(math.hypot(gap_x, gap_y), gap_u / math.sqrt(2), gap_v / math.sqrt(2))


def _point_bounds(x: float, y: float) -> tuple:
    return (x, x, y, y, x + y, x + y, x - y, x - y)


def _within(p, q, eps2: float) -> bool:
    return (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 <= eps2


def _certainly_joined(a: _Cell, b: _Cell, eps2: float) -> bool:
    """A side of a lies within eps of a side of b as a whole: the points on them are within eps of each other."""
    b_sides = b.sides
    for pa, qa in a.sides:
        for pb, qb in b_sides:
            if _within(pa, pb, eps2) and _within(pa, qb, eps2) and _within(qa, pb, eps2) and _within(qa, qb, eps2):
                return True
    return False


def _certainly_reaches(point, cell: _Cell, eps2: float) -> bool:
    """A side of the cell lies within eps of the point as a whole."""
    return any(_within(point, p, eps2) and _within(point, q, eps2) for p, q in cell.sides)


class _Groups:
    """Union-find over cells and points."""

    def __init__(self):
        self.parent = {}

    def find(self, node):
        self.parent.setdefault(node, node)
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def join(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class CellCluster:
    """One cluster: its number of points, their earliest and latest moment, the sums of their RD x and y (for the
    centre), and points whose convex hull holds all of its points (the outline)."""

    n: int = 0
    first: datetime | None = None
    last: datetime | None = None
    sx: float = 0.0
    sy: float = 0.0
    outline: list[tuple[float, float]] = field(default_factory=list)

    def add(self, n, first, last, sx, sy, outline) -> None:
        self.n += n
        self.first = first if self.first is None else min(self.first, first)
        self.last = last if self.last is None else max(self.last, last)
        self.sx += sx
        self.sy += sy
        self.outline.extend(outline)


def cell_dbscan(conditions: list, eps_m: float, min_points: int) -> list[CellCluster]:
    """The DBSCAN clusters (eps in metres, min_points with the point itself) of the reports that meet
    `conditions`, largest first."""
    cell_m = eps_m / math.sqrt(2)
    eps2 = float(eps_m) ** 2
    cells = _cells(conditions, cell_m)
    dense = {c for c, cell in cells.items() if cell.n >= min_points}

    def around(c):
        """The cells around c whose points may lie within eps of c's."""
        for dx, dy in _AROUND:
            other = (c[0] + dx, c[1] + dy)
            if other in cells and _lower_bound(cells[c].bounds, cells[other].bounds) <= eps_m:
                yield other

    neighbours = {c: list(around(c)) for c in cells}
    # Sparse cells with enough points around them that some of theirs may be core points.
    maybe_core = {
        c for c in cells if c not in dense and cells[c].n + sum(cells[o].n for o in neighbours[c]) >= min_points
    }
    # Sparse cells whose points may be core or border points: read point by point, with the dense cells next to them.
    read_sparse = {
        c
        for c in cells
        if c not in dense and (c in maybe_core or any(o in dense or o in maybe_core for o in neighbours[c]))
    }
    read = set(read_sparse)
    for c in read_sparse:
        read.update(o for o in neighbours[c] if o in dense)

    groups = _Groups()
    for c in dense:
        groups.find(("cell", c))
    open_pairs = []
    for c in dense:
        for o in neighbours[c]:
            if o in dense and c < o and groups.find(("cell", c)) != groups.find(("cell", o)):
                if _certainly_joined(cells[c], cells[o], eps2):
                    groups.join(("cell", c), ("cell", o))
                else:
                    open_pairs.append((c, o))
    open_pairs = [(c, o) for c, o in open_pairs if groups.find(("cell", c)) != groups.find(("cell", o))]
    for pair in open_pairs:
        read.update(pair)

    points = _points(conditions, cell_m, read) if read else {}

    # Core points of the sparse cells: at least min_points points within eps, counted in the cells around.
    core = {}  # id -> (x, y, cell)
    for c in maybe_core:
        for pid, x, y, _moment in points.get(c, ()):
            count = 0
            for o in (c, *neighbours[c]):
                count += sum(1 for _, qx, qy, _m in points[o] if (qx - x) ** 2 + (qy - y) ** 2 <= eps2)
                if count >= min_points:
                    core[pid] = (x, y, c)
                    groups.find(("point", pid))
                    break

    def any_within(point, cell_points) -> bool:
        return any((qx - point[0]) ** 2 + (qy - point[1]) ** 2 <= eps2 for _, qx, qy, _m in cell_points)

    # Dense cells left open: joined if any two of their points are within eps.
    for c, o in open_pairs:
        if groups.find(("cell", c)) != groups.find(("cell", o)) and _any_pair_within(points[c], points[o], eps_m):
            groups.join(("cell", c), ("cell", o))
    # Sparse core points: joined to the dense cells and the core points within eps.
    core_by_cell = defaultdict(list)
    for pid, (x, y, c) in core.items():
        core_by_cell[c].append((pid, x, y))
    for pid, (x, y, c) in core.items():
        for o in (c, *neighbours[c]):
            if o in dense:
                if _certainly_reaches((x, y), cells[o], eps2) or any_within((x, y), points[o]):
                    groups.join(("point", pid), ("cell", o))
            else:
                for qid, qx, qy in core_by_cell.get(o, ()):
                    if qid != pid and (qx - x) ** 2 + (qy - y) ** 2 <= eps2:
                        groups.join(("point", pid), ("point", qid))

    clusters: dict = defaultdict(CellCluster)
    for c in dense:
        cell = cells[c]
        clusters[groups.find(("cell", c))].add(cell.n, cell.first, cell.last, cell.sx, cell.sy, cell.corners())
    for c in read_sparse:
        for pid, x, y, moment in points.get(c, ()):
            if pid in core:
                root = groups.find(("point", pid))
            else:
                root = _nearest_core_group(pid, x, y, c, neighbours, dense, points, core_by_cell, groups, eps2)
                if root is None:
                    continue  # noise
            clusters[root].add(1, moment, moment, x, y, [(x, y)])
    return sorted(clusters.values(), key=lambda cluster: -cluster.n)


def _nearest_core_group(pid, x, y, c, neighbours, dense, points, core_by_cell, groups, eps2):
    """The group of the nearest core point within eps of a point that is not a core point itself, or None."""
    best, best_d2 = None, eps2
    for o in (c, *neighbours[c]):
        if o in dense:
            candidates = ((("cell", o), qx, qy) for _, qx, qy, _m in points[o])
        else:
            candidates = ((("point", qid), qx, qy) for qid, qx, qy in core_by_cell.get(o, ()) if qid != pid)
        for node, qx, qy in candidates:
            d2 = (qx - x) ** 2 + (qy - y) ** 2
            if d2 <= best_d2 and (best is None or d2 < best_d2 or node < best):
                best, best_d2 = node, d2
    return None if best is None else groups.find(best)


def _any_pair_within(a_points, b_points, eps_m: float) -> bool:
    """Whether any point of a is within eps of any point of b: b's points in buckets of eps, each of a's points
    compared with the 3 x 3 buckets around it."""
    eps2 = float(eps_m) ** 2
    buckets = defaultdict(list)
    for _, x, y, _m in b_points:
        buckets[(math.floor(x / eps_m), math.floor(y / eps_m))].append((x, y))
    for _, x, y, _m in a_points:
        bx, by = math.floor(x / eps_m), math.floor(y / eps_m)
        for dx, dy in product((-1, 0, 1), repeat=2):
            for qx, qy in buckets.get((bx + dx, by + dy), ()):
                if (qx - x) ** 2 + (qy - y) ** 2 <= eps2:
                    return True
    return False


def _cells(conditions: list, cell_m: float) -> dict[tuple[int, int], _Cell]:
    """The counts per cell, in one GROUP BY over the filtered reports' rd_x and rd_y."""
    x, y = Report.rd_x, Report.rd_y
    cx, cy = spatial.grid_cell(x, y, cell_m)
    u, v = x + y, x - y
    query = (
        sa.select(
            cx,
            cy,
            sa.func.count(),
            sa.func.min(MOMENT),
            sa.func.max(MOMENT),
            sa.func.sum(x),
            sa.func.sum(y),
            *(f(column) for column in (x, y, u, v) for f in (sa.func.min, sa.func.max)),
        )
        .where(*conditions)
        .group_by(cx, cy)
    )
    return {
        (int(gx), int(gy)): _Cell(n, first, last, sx, sy, tuple(bounds))
        for gx, gy, n, first, last, sx, sy, *bounds in db.session.execute(query)
    }


def _points(conditions: list, cell_m: float, wanted: set) -> dict[tuple[int, int], list]:
    """The filtered reports in the wanted cells, point by point: (id, x, y, moment) per cell. Found through the
    spatial index of location_rd (the cells' squares), not by reading the period again."""
    x, y = Report.rd_x, Report.rd_y
    cx, cy = spatial.grid_cell(x, y, cell_m)
    boxes = spatial.cell_boxes(sorted(wanted), cell_m)
    report = Report.__table__
    dialect = db.session.get_bind().dialect.name
    query = (
        sa.select(boxes.c.gx, boxes.c.gy, Report.id, x, y, MOMENT)
        .select_from(spatial.join_points_in_boxes(boxes, boxes.c.box, report, report.c.location_rd, dialect))
        .where(cx == boxes.c.gx, cy == boxes.c.gy, *conditions)
    )
    found = defaultdict(list)
    for gx, gy, pid, px, py, moment in db.session.execute(query):
        found[(int(gx), int(gy))].append((pid, px, py, moment))
    return found
