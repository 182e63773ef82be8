"""Figures anyone may see (DESIGN §5, §6, §9): counts per area and month, median lead times, the targets, and a map
of grid cells. Every count of fewer than K_ANONYMITY reports is withheld, so that no single report — and never a
single straatintimidatie report — can be picked out; restricted reports are never counted (AnalysisFilters)."""

from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from meldpunt.analysis.filters import AnalysisFilters
from meldpunt.analysis.hotspots import cells_geojson
from meldpunt.analysis.leadtimes import duration, percentiles
from meldpunt.analysis.targets import all_target_statuses
from meldpunt.analysis.trends import months_between
from meldpunt.dialect_sql import LocalMonth
from meldpunt.extensions import db
from meldpunt.geo.models import Area
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import Report, report_area

K_ANONYMITY = 5
PUBLIC_CELL_M = 250
PUBLIC_MONTHS = 12


@dataclass(frozen=True)
class AreaMonths:
    name: str
    approximate: bool
    counts: list[int | None]  # None: fewer than K_ANONYMITY, withheld

    @property
    def area(self) -> str:
        """In the reader's language (the figures are kept for every reader of the day)."""
        return _("%(name)s (approximate)", name=self.name) if self.approximate else self.name


def _months_back(today: date, months: int) -> AnalysisFilters:
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return AnalysisFilters(date_from=date(year, month, 1), date_to=today)


def public_period(today: date) -> AnalysisFilters:
    return _months_back(today, PUBLIC_MONTHS)


def withheld(n: int) -> int | None:
    return n if n >= K_ANONYMITY else None


# The areas the public page counts by: a municipality's dorpen (its own, or the approximate ones that ship), else
# its wijken. One kind only, so that no report is counted twice.
PUBLIC_AREA_KINDS = ("dorp", "wijk")


def public_area_kind() -> str | None:
    present = set(db.session.scalars(sa.select(Area.kind).distinct()))
    return next((kind for kind in PUBLIC_AREA_KINDS if kind in present), None)


def counts_per_area(filters: AnalysisFilters) -> tuple[list[str], list[AreaMonths]]:
    months = months_between(filters.date_from, filters.date_to)
    kind = public_area_kind()
    if kind is None:
        return months, []
    month = LocalMonth(Report.created_at)
    rows = db.session.execute(
        sa.select(Area.id, month, sa.func.count())
        .select_from(Report)
        .join(report_area, report_area.c.report_id == Report.id)
        .join(Area, Area.id == report_area.c.area_id)
        .where(*filters.conditions(), Area.kind == kind)
        .group_by(Area.id, month)
    )
    per_area: dict[int, dict[str, int]] = {}
    for area_id, m, n in rows:
        per_area.setdefault(area_id, {})[m] = n
    areas = {a.id: a for a in db.session.scalars(sa.select(Area).where(Area.id.in_(per_area)))}
    return months, sorted(
        (
            AreaMonths(areas[i].name, areas[i].is_approximate, [withheld(counts.get(m, 0)) for m in months])
            for i, counts in per_area.items()
        ),
        key=lambda row: row.name,
    )


@dataclass(frozen=True)
class PublicLeadTime:
    kind: str
    closed: int
    median_days: float

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind].label)


def median_closing_days(filters: AnalysisFilters) -> list[PublicLeadTime]:
    """Per kind: the median number of days from report to closing, where enough reports were closed."""
    closed = [*filters.conditions(), Report.closed_at.is_not(None)]
    medians = percentiles(duration(Report.closed_at, 86400.0), (Report.kind,), closed, shares=(0.5,))
    return [
        PublicLeadTime(kind, n, median)
        for (kind,), (n, median) in sorted(medians.items())
        if n >= K_ANONYMITY and kind in KINDS
    ]


def public_cells(filters: AnalysisFilters) -> dict:
    """Cells of 250 m with at least K_ANONYMITY reports, all kinds together."""
    return cells_geojson(replace(filters, kind=None).conditions(), PUBLIC_CELL_M, min_count=K_ANONYMITY)


@dataclass(frozen=True)
class PublicFigures:
    """Everything the public page shows, in no one's language yet, so that it can be kept for the day."""

    period: AnalysisFilters
    months: list[str]
    areas: list[AreaMonths]
    lead_times: list[PublicLeadTime]
    targets: list[tuple[int, bool | None]]  # (target id, on track)
    cells: dict


def public_figures(today: date) -> PublicFigures:
    period = public_period(today)
    months, areas = counts_per_area(period)
    targets = [(status.target.id, status.on_track) for status in all_target_statuses(today)]
    return PublicFigures(period, months, areas, median_closing_days(period), targets, public_cells(period))
