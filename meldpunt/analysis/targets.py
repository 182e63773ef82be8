"""Targets against a baseline year, and whether each is on track. Year to date is compared with the same days of
the baseline year, so that a target can be judged in May as well as in December."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meldpunt.analysis.filters import local_midnight, report_scope
from meldpunt.analysis.models import Target
from meldpunt.extensions import db
from meldpunt.reports.models import Category, Report
from meldpunt.translated_data import completed_names, names_in


@dataclass(frozen=True)
class TargetSeed:
    code: str
    name: str
    direction: str
    change_pct: int
    kind: str | None = None
    categories: tuple[str, ...] | None = None
    baseline_year: int = 2023
    first_year: int = 2024
    last_year: int = 2029


# From the municipalities' safety plans (Emmen: "Samen alert" 2026-2029 and its 2024 targets). The size of the
# wanted rise in straatintimidatie reports is not in the plan: 10 % is an assumption to confirm with OOV.
PLAN_TARGETS: dict[str, tuple[TargetSeed, ...]] = {
    "emmen": (
        TargetSeed("overlast", _l("5 percent fewer nuisance reports than in 2023"), "down", 5, kind="overlast"),
        TargetSeed(
            "jeugd", _l("5 percent fewer youth nuisance reports than in 2023"), "down", 5, categories=("jeugd",)
        ),
        TargetSeed(
            "uitgaan",
            _l("Nightlife and event incidents at least stable"),
            "stable",
            0,
            categories=("station_uitgaan",),
        ),  # fmt: skip
        TargetSeed(
            "meldingsbereidheid",
            _l("More street harassment reported (willingness to report)"),
            "up",
            10,
            kind="straatintimidatie",
        ),  # fmt: skip
    ),
}


def seed_targets(profile_code: str, languages) -> int:
    existing = {row.code: row for row in db.session.scalars(sa.select(Target))}
    added = 0
    for seed in PLAN_TARGETS.get(profile_code, ()):
        if row := existing.get(seed.code):
            if (names := completed_names(row.names, seed.name, languages)) is not None:
                row.names = names  # a language or a translation that arrived since; never a changed name
            continue
        names = names_in(seed.name, languages)
        db.session.add(
            Target(code=seed.code, names=names, kind=seed.kind,
                   category_codes=list(seed.categories) if seed.categories else None,
                   baseline_year=seed.baseline_year, first_year=seed.first_year, last_year=seed.last_year,
                   direction=seed.direction, change_pct=seed.change_pct)
        )  # fmt: skip
        added += 1
    db.session.flush()
    return added


def _same_day_in(year: int, day: date) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def count_between(target: Target, start: date, end: date) -> int:
    """Reports (never restricted ones) that count for this target, reported from `start` up to and including
    `end` (local dates)."""
    where = [
        Report.created_at >= local_midnight(start),
        Report.created_at < local_midnight(end + timedelta(days=1)),
        *report_scope(),
    ]
    if target.kind:
        where.append(Report.kind == target.kind)
    if target.category_codes:
        where.append(Report.category_id.in_(sa.select(Category.id).where(Category.code.in_(target.category_codes))))
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(*where))


@dataclass(frozen=True)
class TargetStatus:
    target: Target
    year: int
    until: date
    current: int  # this year up to `until`
    baseline: int  # the baseline year up to the same day
    goal: float  # what `current` should be at most (down, stable) or at least (up)

    @property
    def change_pct(self) -> float | None:
        return None if not self.baseline else 100 * (self.current - self.baseline) / self.baseline

    @property
    def on_track(self) -> bool | None:
        """None: no baseline to compare with."""
        if not self.baseline:
            return None
        if self.target.direction == "up":
            return self.current >= self.goal
        return self.current <= self.goal


def target_status(target: Target, today: date) -> TargetStatus | None:
    """How the target stands this year (None outside its plan period)."""
    year = today.year
    if not target.first_year <= year <= target.last_year:
        return None
    current = count_between(target, date(year, 1, 1), today)
    baseline = count_between(target, date(target.baseline_year, 1, 1), _same_day_in(target.baseline_year, today))
    factor = {"down": 1 - target.change_pct / 100, "up": 1 + target.change_pct / 100,
              "stable": 1 + target.change_pct / 100}[target.direction]  # fmt: skip
    return TargetStatus(target, year, today, current, baseline, baseline * factor)


def all_target_statuses(today: date) -> list[TargetStatus]:
    targets = db.session.scalars(sa.select(Target).order_by(Target.id))
    return [status for target in targets if (status := target_status(target, today)) is not None]
