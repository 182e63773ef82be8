"""Targets against a baseline year, and whether each is on track. Year to date is compared with the same days of
the baseline year, so that a target can be judged in May as well as in December."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meldpunt.analysis.filters import report_scope
from meldpunt.analysis.models import Target
from meldpunt.extensions import db
from meldpunt.filter_days import local_midnight
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


def _counts_for(target: Target) -> list:
    """What counts for the target, as conditions on reports (never restricted ones)."""
    where = []
    if target.kind:
        where.append(Report.kind == target.kind)
    if target.category_codes:
        where.append(Report.category_id.in_(sa.select(Category.id).where(Category.code.in_(target.category_codes))))
    return where


def counts_between(targets: list[Target], start: date, end: date) -> list[int]:
    """For each target, the reports that count for it, reported from `start` up to and including `end` (local
    dates): one pass over those days, a count per target."""
    if not targets:
        return []
    counts = [sa.func.count().filter(sa.and_(sa.true(), *_counts_for(target))) for target in targets]
    return list(
        db.session.execute(
            sa.select(*counts).where(
                Report.created_at >= local_midnight(start),
                Report.created_at < local_midnight(end + timedelta(days=1)),
                *report_scope(),
            )
        ).one()
    )


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


def _status(target: Target, today: date, current: int, baseline: int) -> TargetStatus:
    factor = {"down": 1 - target.change_pct / 100, "up": 1 + target.change_pct / 100,
              "stable": 1 + target.change_pct / 100}[target.direction]  # fmt: skip
    return TargetStatus(target, today.year, today, current, baseline, baseline * factor)


def target_statuses(targets: list[Target], today: date) -> list[TargetStatus]:
    """The targets whose plan period holds this year, with this year so far against the same days of their
    baseline year: one pass for this year and one per baseline year, however many targets there are."""
    year = today.year
    current = [t for t in targets if t.first_year <= year <= t.last_year]
    this_year = dict(zip((t.id for t in current), counts_between(current, date(year, 1, 1), today), strict=True))
    baseline: dict[int, int] = {}
    for baseline_year in sorted({t.baseline_year for t in current}):
        group = [t for t in current if t.baseline_year == baseline_year]
        counted = counts_between(group, date(baseline_year, 1, 1), _same_day_in(baseline_year, today))
        baseline.update(zip((t.id for t in group), counted, strict=True))
    return [_status(t, today, this_year[t.id], baseline[t.id]) for t in current]


def all_target_statuses(today: date) -> list[TargetStatus]:
    return target_statuses(list(db.session.scalars(sa.select(Target).order_by(Target.id))), today)
