"""Linking reports to every area they lie in (`flask areas link`), printed as reports per second.

Reports are bulk-inserted in SQL, spread over Emmen's bounding box; the areas are the 20 approximate dorpen from
`flask seed` and a grid of 400 buurt-sized squares over the town. PostGIS gets 1,000,000 reports (the size the
analysis must handle), SpatiaLite 200,000 (the embedded database of a demo or a small deployment). Override with
MELDPUNT_BENCH_LINK_REPORTS. Nothing is asserted on time."""

import json
import os
import time
from datetime import UTC, datetime

import sqlalchemy as sa

from meldpunt.db_types import UTCDateTime
from meldpunt.extensions import db
from meldpunt.geo import RD_NEW, WGS84, spatial
from meldpunt.geo.areas import import_areas, link_report_areas
from meldpunt.reports.models import Category, Queue, Report, report_area

REPORTS = {"postgis": 1_000_000, "spatialite": 200_000}
# Emmen's bounding box in RD New (metres).
X0, X1, Y0, Y1 = 252_200, 269_900, 517_500, 544_200


def _bulk_reports(count: int) -> None:
    """`count` reports in one INSERT ... SELECT, on a scattered grid over the box (no randomness in SQL, so the
    same points on both backends)."""
    numbers = sa.select(sa.literal(1).label("i")).cte("numbers", recursive=True)
    numbers = numbers.union_all(sa.select(numbers.c.i + 1).where(numbers.c.i < count))
    i = numbers.c.i
    # Reduced first, so the products stay within 32-bit integers; distinct pairs for i < 10007 x 9973.
    x = X0 + (i % 10007 * 7919 % 10007) * ((X1 - X0) / 10007.0)
    y = Y0 + (i % 9973 * 104729 % 9973) * ((Y1 - Y0) / 9973.0)
    point_rd = spatial.MakePoint(x, y, RD_NEW)
    category_id = db.session.scalar(sa.select(Category.id).where(Category.code == "jeugd"))
    queue_id = db.session.scalar(sa.select(Queue.id).where(Queue.code == "OOV"))
    now = sa.literal(datetime(2026, 6, 1, 21, 0, tzinfo=UTC), UTCDateTime())
    columns = {
        "reference": sa.literal("BEN-") + sa.cast(i, sa.String),
        "tracking_token_hash": sa.literal("bench-") + sa.cast(i, sa.String),
        "kind": sa.literal("overlast"),
        "category_id": sa.literal(category_id),
        "answers": sa.literal({}, sa.JSON),
        "safety_flag": sa.false(),
        "location": sa.func.ST_Transform(point_rd, WGS84),
        "location_rd": point_rd,
        "location_method": sa.literal("map"),
        "incident_is_now": sa.false(),
        "email_consent": sa.false(),
        "locale": sa.literal("nl"),
        "channel": sa.literal("web"),
        "queue_id": sa.literal(queue_id),
        "routed_outside_service_hours": sa.false(),
        "state": sa.literal("nieuw"),
        "created_at": now,
        "updated_at": now,
        "version": sa.literal(1),
    }
    table = Report.__table__
    db.session.execute(sa.insert(table).from_select([table.c[name] for name in columns], sa.select(*columns.values())))


def _buurt_grid(path):
    """400 squares of 350 m over Emmen's centre and its wijken, like a municipality's buurten."""
    features = []
    for col in range(20):
        for row in range(20):
            x, y = 253_500 + col * 350, 529_000 + row * 350
            ring = [[x, y], [x + 350, y], [x + 350, y + 350], [x, y + 350], [x, y]]
            features.append({"type": "Feature", "properties": {"name": f"buurt {col}-{row}"},
                             "geometry": {"type": "Polygon", "coordinates": [ring]}})  # fmt: skip
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
    path.write_text(json.dumps({"type": "FeatureCollection", "crs": crs, "features": features}))
    return path


class StatementTimer:
    """Time per kind of statement (engine events), to split the link command into its two steps: inserting the
    links, and writing each report's smallest area (an UPDATE of the wide, much-indexed report table)."""

    def __init__(self, engine):
        self.engine, self.seconds, self._started = engine, {"links": 0.0, "smallest area": 0.0}, 0.0

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._before)
        sa.event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._before)
        sa.event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, *args):
        self._started = time.perf_counter()

    def _after(self, conn, cursor, statement, *args):
        step = "links" if statement.lstrip().upper().startswith("INSERT INTO REPORT_AREA") else "smallest area"
        self.seconds[step] += time.perf_counter() - self._started


def test_link_rate(app, backend, tmp_path):
    count = int(os.environ.get("MELDPUNT_BENCH_LINK_REPORTS", REPORTS[backend]))
    import_areas(_buurt_grid(tmp_path / "buurten.geojson"), kind="buurt")
    db.session.commit()
    start = time.perf_counter()
    _bulk_reports(count)
    db.session.commit()
    if backend == "postgis":
        db.session.execute(sa.text("ANALYZE report"))
    inserted = time.perf_counter() - start
    areas = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("area")))
    print(f"\n[benchmark] {backend:10} {count} reports bulk-inserted in {inserted:.1f} s; {areas} areas")

    for run in ("first run", "again, nothing new"):
        with StatementTimer(db.engine) as timer:
            start = time.perf_counter()
            result = link_report_areas()
            db.session.commit()
            total = time.perf_counter() - start
        links, smallest = timer.seconds["links"], timer.seconds["smallest area"]
        print(f"[benchmark] {backend:10} {'reports linked, ' + run:40} {count / total:9.0f}/s  (in {total:.1f} s: "
              f"{result.links_added} links inserted in {links:.1f} s = {count / links:.0f} reports/s; "
              f"{result.smallest_area_changed} smallest areas written in {smallest:.1f} s)")  # fmt: skip
    assert result == (0, 0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(report_area)) > 0
