""" "How safe do you feel here?" per area (issue 10): the number of answers, their mean and distribution, only for
areas with at least K_ANONYMITY answers, so that no reporter's answer can be picked out. Never per report."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meldpunt.analysis.filters import AnalysisFilters
from meldpunt.analysis.public_figures import K_ANONYMITY
from meldpunt.extensions import db
from meldpunt.geo.models import AREA_KINDS, Area
from meldpunt.reports.models import Report, report_area
from meldpunt.reports.submission import SAFETY_FEELING_VALUES

# One level of areas at a time: areas of one kind do not overlap, so no figure can be taken from another (a wijk's
# answers minus those of its buurten would show the few answers in the rest of the wijk).
LEVEL_LABELS = {
    "dorp": _l("Villages (dorpen)"),
    "wijk": _l("Districts (wijken)"),
    "buurt": _l("Neighbourhoods (buurten)"),
    "gebied": _l("Areas (gebieden)"),
    "zone": _l("Zones"),
}


def feeling_levels() -> list[str]:
    """The kinds of area there are to show, coarsest first (the municipality itself is not a level)."""
    present = set(db.session.scalars(sa.select(Area.kind).distinct()))
    return [kind for kind in AREA_KINDS if kind in present and kind in LEVEL_LABELS]


@dataclass(frozen=True)
class AreaFeeling:
    area: str  # display name, "(bij benadering)" where the area is approximate
    kind: str
    answers: int
    mean: float
    distribution: dict[int, int]  # answer (1-5) -> number of answers


@dataclass(frozen=True)
class FeelingView:
    areas: list[AreaFeeling]  # only those with at least K_ANONYMITY answers
    withheld_areas: int  # areas with answers, but too few to show


def safety_feeling_per_area(filters: AnalysisFilters, level: str) -> FeelingView:
    """Counted in the database, per area of one kind (`level`) and answer."""
    rows = db.session.execute(
        sa.select(report_area.c.area_id, Report.safety_feeling, sa.func.count())
        .select_from(Report)
        .join(report_area, report_area.c.report_id == Report.id)
        .join(Area, Area.id == report_area.c.area_id)
        .where(*filters.conditions(), Report.safety_feeling.is_not(None), Area.kind == level)
        .group_by(report_area.c.area_id, Report.safety_feeling)
    )
    per_area: dict[int, dict[int, int]] = {}
    for area_id, answer, n in rows:
        per_area.setdefault(area_id, {})[int(answer)] = n
    shown = {i: counts for i, counts in per_area.items() if sum(counts.values()) >= K_ANONYMITY}
    areas = {a.id: a for a in db.session.scalars(sa.select(Area).where(Area.id.in_(shown)))}
    rows = []
    for area_id, counts in shown.items():
        total = sum(counts.values())
        rows.append(
            AreaFeeling(
                area=areas[area_id].display_name,
                kind=areas[area_id].kind,
                answers=total,
                mean=sum(answer * n for answer, n in counts.items()) / total,
                distribution={answer: counts.get(answer, 0) for answer in SAFETY_FEELING_VALUES},
            )
        )
    rows.sort(key=lambda row: (row.mean, row.area))  # the least safe first
    return FeelingView(areas=rows, withheld_areas=len(per_area) - len(shown))
