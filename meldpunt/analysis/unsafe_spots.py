"""Unsafe places (DESIGN §9): the onveilige-plek reports with their audit answers (lighting, view, people
around, another route, how unsafe it feels 1-5), aggregated per spot (a 50 m cell) so OOV can list the worst
places, and a before/after count around a measure (new lighting, cut-back bushes) at one spot."""

from dataclasses import dataclass, replace
from datetime import date, timedelta

import sqlalchemy as sa

from meldpunt.analysis.filters import AnalysisFilters
from meldpunt.extensions import db
from meldpunt.geo import WGS84, LatLon, spatial
from meldpunt.reports.models import Report

SPOT_M = 50
MEASURE_WINDOW_DAYS = 180


def _answer(name: str):
    return Report.answers[name].as_string()


def _share(condition):
    """The share of the spot's reports for which `condition` holds (0-1)."""
    return sa.func.avg(sa.case((condition, 1.0), else_=0.0))


def _spot_columns():
    return spatial.grid_cell(Report.rd_x, Report.rd_y, SPOT_M)


@dataclass(frozen=True)
class UnsafeSpot:
    key: str  # "gx-gy": the 50 m cell, for links
    position: LatLon  # the cell's centre
    reports: int
    average_score: float | None  # 1 (a little) … 5 (very unsafe), of those who answered
    poor_lighting: float  # shares 0-1 of the spot's reports
    poor_view: float
    rarely_people: float
    no_other_route: float


def unsafe_spots(filters: AnalysisFilters, limit: int = 50) -> list[UnsafeSpot]:
    """The worst spots first: the highest average score, then the most reports."""
    gx, gy = _spot_columns()
    score = sa.func.avg(sa.cast(_answer("unsafe_score"), sa.Float))
    spots = (
        sa.select(
            gx.label("gx"),
            gy.label("gy"),
            sa.func.count().label("n"),
            score.label("score"),
            _share(_answer("lighting").in_(("matig", "geen"))).label("lighting"),
            _share(_answer("visibility").in_(("beperkt", "slecht"))).label("visibility"),
            _share(_answer("people_around") == "zelden").label("people"),
            _share(_answer("alternative_route") == "nee").label("route"),
        )
        .where(*replace(filters, kind="onveilige_plek").conditions())
        .group_by(gx, gy)
        .subquery("spots")
    )
    centre = sa.func.ST_Transform(spatial.cell_centre(spots.c.gx, spots.c.gy, SPOT_M), WGS84)
    rows = db.session.execute(
        sa.select(spots, sa.func.ST_Y(centre).label("lat"), sa.func.ST_X(centre).label("lon"))
        .order_by(sa.func.coalesce(spots.c.score, 0).desc(), spots.c.n.desc())
        .limit(limit)
    ).mappings()
    return [
        UnsafeSpot(
            f"{int(r['gx'])}-{int(r['gy'])}",
            LatLon(r["lat"], r["lon"]),
            r["n"],
            r["score"],
            r["lighting"],
            r["visibility"],
            r["people"],
            r["route"],
        )  # fmt: skip
        for r in rows
    ]


@dataclass(frozen=True)
class BeforeAfter:
    measure_on: date
    days: int
    before: int
    after: int
    score_before: float | None
    score_after: float | None


def before_and_after(spot_key: str, measure_on: date, *, days: int = MEASURE_WINDOW_DAYS) -> BeforeAfter | None:
    """Unsafe-place reports at one spot in the `days` before and after a measure. None for a bad key."""
    try:
        gx, gy = (int(part) for part in spot_key.split("-"))
    except ValueError:
        return None
    cell_x, cell_y = _spot_columns()
    at_spot = [Report.kind == "onveilige_plek", cell_x == gx, cell_y == gy]

    def period(start: date, end: date):
        conditions = AnalysisFilters(date_from=start, date_to=end).conditions() + at_spot
        return db.session.execute(
            sa.select(sa.func.count(), sa.func.avg(sa.cast(_answer("unsafe_score"), sa.Float))).where(*conditions)
        ).one()

    before = period(measure_on - timedelta(days=days), measure_on - timedelta(days=1))
    after = period(measure_on, measure_on + timedelta(days=days - 1))
    return BeforeAfter(measure_on, days, before[0], after[0], before[1], after[1])
