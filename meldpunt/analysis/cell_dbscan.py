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
- only what that leaves open is read point by point, through the spatial index: first the sparse cells that may
  hold core or border points (at the edges of hotspots, few) and, of dense cells whose joining is still open,
  the parts within eps of the other cell; then, of the dense cells next to those sparse points, the parts within
  eps of the points whose core status or reach the counts do not settle (a dense cell wholly within eps of a
  point adds its count; one with a side wholly within eps is reached for certain). With those points the rest
  is the textbook DBSCAN.

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

import numpy as np
import sqlalchemy as sa

from meldpunt.analysis.filters import MOMENT
from meldpunt.extensions import db
from meldpunt.geo import spatial
from meldpunt.reports.models import Report

# Every cell whose points may lie within eps of a cell's points: with cells of eps/√2, two cells either way; those
# side by side first, then the diagonal ones, then the rest.
_AROUND = sorted(
    ((dx, dy) for dx, dy in product(range(-2, 3), repeat=2) if (dx, dy) != (0, 0)), key=lambda d: d[0] ** 2 + d[1] ** 2
)


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
    """Union-find over cells and points (integers)."""

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
    keys = list(cells)
    counts = np.array([cells[c].n for c in keys], dtype=np.int64)
    # Every pair of cells whose points may lie within eps of each other (both ways), side by side first.
    a, b = _neighbour_pairs(keys, np.array([cells[c].bounds for c in keys], dtype=float).reshape(-1, 8), eps_m)
    is_dense = counts >= min_points
    # Sparse cells with enough points around them that some of theirs may be core points.
    around = np.bincount(a, weights=counts[b], minlength=len(keys)) if len(a) else np.zeros(len(keys))
    is_maybe_core = ~is_dense & (counts + around >= min_points)
    # Sparse cells whose points may be core or border points: read point by point.
    touches = np.bincount(a, weights=(is_dense | is_maybe_core)[b], minlength=len(keys)) if len(a) else around
    is_read = ~is_dense & (is_maybe_core | (touches > 0))
    dense = {keys[k] for k in np.flatnonzero(is_dense).tolist()}
    maybe_core = {keys[k] for k in np.flatnonzero(is_maybe_core).tolist()}
    read_sparse = {keys[k] for k in np.flatnonzero(is_read).tolist()}
    neighbours = defaultdict(list)
    for k, o in zip(a[is_read[a]].tolist(), b[is_read[a]].tolist(), strict=True):
        neighbours[keys[k]].append(keys[o])

    # Groups of dense cells (by their index in keys) and sparse core points (by minus their id).
    index = {c: k for k, c in enumerate(keys)}
    groups = _Groups()
    # Dense cells side by side first: most cells of a hotspot are joined that way, and the pairs further apart are
    # then in one group already.
    open_pairs = []
    both_dense = is_dense[a] & is_dense[b] & (a < b)
    for k, o in zip(a[both_dense].tolist(), b[both_dense].tolist(), strict=True):
        if groups.find(k) != groups.find(o):
            if _certainly_joined(cells[keys[k]], cells[keys[o]], eps2):
                groups.join(k, o)
            else:
                open_pairs.append((keys[k], keys[o]))
    open_pairs = [(c, o) for c, o in open_pairs if groups.find(index[c]) != groups.find(index[o])]

    # First reading: the sparse cells' points, and those of dense cells left open within eps of the other cell.
    windows = _Windows(cells, eps_m)
    for c in read_sparse:
        windows.whole(c)
    for c, o in open_pairs:
        windows.near(c, cells[o].bounds)
        windows.near(o, cells[c].bounds)
    points = _points(conditions, cell_m, windows.boxes())

    # What the dense cells' counts settle for each sparse point, and what only their points can.
    relations = {}  # (point id, dense cell) -> True: all of the cell within eps, False: some, None: unknown
    for c in read_sparse:
        for pid, x, y, _moment in points.get(c, ()):
            for o in neighbours[c]:
                if o not in dense or _lower_bound(_point_bounds(x, y), cells[o].bounds) > eps_m:
                    continue
                if all(_within((x, y), corner, eps2) for corner in cells[o].corners()):
                    relations[pid, o] = True
                elif _certainly_reaches((x, y), cells[o], eps2):
                    relations[pid, o] = False
                else:
                    relations[pid, o] = None
    # A sparse point whose core status the counts leave open, or that may reach a dense cell, needs that cell's
    # points within eps of it: a second reading, of those parts of the dense cells only.
    second = _Windows(cells, eps_m)
    for c in read_sparse:
        for pid, x, y, _moment in points.get(c, ()):
            settled = c not in maybe_core or _core_bounds_settle(pid, x, y, c, neighbours, dense, cells, points,
                                                                  relations, eps2, min_points)  # fmt: skip
            for o in neighbours[c]:
                relation = relations.get((pid, o), "far")
                if relation is None or (relation is False and not settled):
                    second.near(o, _point_bounds(x, y))
    for cell, found in _points(conditions, cell_m, second.boxes()).items():
        known = {pid for pid, *_ in points.get(cell, ())}
        points.setdefault(cell, []).extend(p for p in found if p[0] not in known)

    def within_count(x, y, o) -> int:
        return sum(1 for _, qx, qy, _m in points.get(o, ()) if (qx - x) ** 2 + (qy - y) ** 2 <= eps2)

    # Core points of the sparse cells: at least min_points points within eps.
    core = {}  # id -> (x, y, cell)
    for c in maybe_core:
        for pid, x, y, _moment in points.get(c, ()):
            count = 0
            for o in (c, *neighbours[c]):
                relation = relations.get((pid, o), "far") if o in dense else "sparse"
                if relation is True:
                    count += cells[o].n
                elif relation != "far":
                    count += within_count(x, y, o)
                if count >= min_points:
                    core[pid] = (x, y, c)
                    groups.find(-pid)
                    break

    def reaches(pid, x, y, o) -> bool:
        """Whether the sparse point is within eps of a point of dense cell o."""
        relation = relations.get((pid, o), "far")
        if relation == "far":
            return False
        return relation is not None or within_count(x, y, o) > 0

    # Dense cells left open: joined if any two of their points are within eps.
    for c, o in open_pairs:
        if groups.find(index[c]) != groups.find(index[o]) and _any_pair_within(
            points.get(c, ()), points.get(o, ()), eps_m
        ):
            groups.join(index[c], index[o])
    # Sparse core points: joined to the dense cells and the core points within eps.
    core_by_cell = defaultdict(list)
    for pid, (x, y, c) in core.items():
        core_by_cell[c].append((pid, x, y))
    for pid, (x, y, c) in core.items():
        for o in (c, *neighbours[c]):
            if o in dense:
                if reaches(pid, x, y, o):
                    groups.join(-pid, index[o])
            else:
                for qid, qx, qy in core_by_cell.get(o, ()):
                    if qid != pid and (qx - x) ** 2 + (qy - y) ** 2 <= eps2:
                        groups.join(-pid, -qid)

    clusters: dict = defaultdict(CellCluster)
    for c in dense:
        cell = cells[c]
        clusters[groups.find(index[c])].add(cell.n, cell.first, cell.last, cell.sx, cell.sy, cell.corners())
    for c in read_sparse:
        for pid, x, y, moment in points.get(c, ()):
            if pid in core:
                root = groups.find(-pid)
            else:
                # A border point joins the cluster of the nearest core point within eps (of a sparse cell), else
                # that of a dense cell it reaches; or it is noise.
                near = [
                    ((qx - x) ** 2 + (qy - y) ** 2, qid)
                    for o in (c, *neighbours[c])
                    for qid, qx, qy in core_by_cell.get(o, ())
                    if (qx - x) ** 2 + (qy - y) ** 2 <= eps2
                ]
                if near:
                    root = groups.find(-min(near)[1])
                else:
                    reached = [o for o in neighbours[c] if o in dense and reaches(pid, x, y, o)]
                    if not reached:
                        continue
                    root = groups.find(index[min(reached)])
            clusters[root].add(1, moment, moment, x, y, [(x, y)])
    return sorted(clusters.values(), key=lambda cluster: -cluster.n)


def _neighbour_pairs(keys: list, bounds: np.ndarray, eps_m: float) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (a, b) of cells (indexes into keys) within two cells of each other whose octagons come within eps
    (both ways round), in the order of _AROUND: cells side by side first."""
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    gx = np.array([c[0] for c in keys], dtype=np.int64)
    gy = np.array([c[1] for c in keys], dtype=np.int64)
    code = gx * (1 << 32) + gy
    order = np.argsort(code)
    ordered = code[order]
    firsts, seconds = [], []
    for dx, dy in _AROUND:
        wanted = (gx + dx) * (1 << 32) + (gy + dy)
        at = np.minimum(np.searchsorted(ordered, wanted), len(ordered) - 1)
        found = ordered[at] == wanted
        first, second = np.flatnonzero(found), order[at[found]]
        near = _lower_bounds(bounds[first], bounds[second]) <= eps_m
        firsts.append(first[near])
        seconds.append(second[near])
    return np.concatenate(firsts), np.concatenate(seconds)


def _lower_bounds(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """_lower_bound for rows of octagon bounds."""

    def gap(lo, hi):  # between a's and b's ranges of one coordinate (columns lo and hi)
        return np.maximum(0.0, np.maximum(b[:, lo] - a[:, hi], a[:, lo] - b[:, hi]))

    square = np.hypot(gap(0, 1), gap(2, 3))
    return np.maximum(square, np.maximum(gap(4, 5), gap(6, 7)) / math.sqrt(2))


def _core_bounds_settle(pid, x, y, c, neighbours, dense, cells, points, relations, eps2, min_points) -> bool:
    """Whether a sparse point's core status follows without reading dense cells' points: the points within eps
    that are known (its sparse neighbours', and dense cells wholly within eps) reach min_points, or even with
    every point of the dense cells partly within eps it cannot."""
    known = 0
    possible = 0
    for o in (c, *neighbours[c]):
        if o in dense:
            relation = relations.get((pid, o), "far")
            if relation is True:
                known += cells[o].n
            elif relation != "far":
                possible += cells[o].n
        else:
            known += sum(1 for _, qx, qy, _m in points.get(o, ()) if (qx - x) ** 2 + (qy - y) ** 2 <= eps2)
    return known >= min_points or known + possible < min_points


class _Windows:
    """The parts of cells to read point by point: per cell a rectangle (its own bounds, or the part within eps of
    something), grown to hold every part asked for."""

    def __init__(self, cells, eps_m: float):
        self.cells, self.eps_m, self.rects = cells, eps_m, {}

    def whole(self, c) -> None:
        x0, x1, y0, y1 = self.cells[c].bounds[:4]
        self._add(c, (x0, y0, x1, y1))

    def near(self, c, bounds) -> None:
        """The part of cell c within eps of the bounds' rectangle (as a rectangle: a little more)."""
        x0, x1, y0, y1 = self.cells[c].bounds[:4]
        bx0, bx1, by0, by1 = bounds[:4]
        e = self.eps_m
        rect = (max(x0, bx0 - e), max(y0, by0 - e), min(x1, bx1 + e), min(y1, by1 + e))
        if rect[0] <= rect[2] and rect[1] <= rect[3]:
            self._add(c, rect)

    def _add(self, c, rect) -> None:
        old = self.rects.get(c)
        if old:
            rect = (min(old[0], rect[0]), min(old[1], rect[1]), max(old[2], rect[2]), max(old[3], rect[3]))
        self.rects[c] = rect

    def boxes(self) -> dict:
        return self.rects


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


def _points(conditions: list, cell_m: float, rectangles: dict) -> dict[tuple[int, int], list]:
    """The filtered reports in the given rectangles of cells, point by point: (id, x, y, moment) per cell. Found
    through the spatial index of location_rd, not by reading the period again."""
    if not rectangles:
        return {}
    x, y = Report.rd_x, Report.rd_y
    cx, cy = spatial.grid_cell(x, y, cell_m)
    boxes = spatial.cell_boxes([(gx, gy, *rect) for (gx, gy), rect in sorted(rectangles.items())])
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
