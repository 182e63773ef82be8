"""Counts over time: per month and category within the chosen period, compared with the period before and the same
period a year earlier; the top categories of a month."""

from dataclasses import dataclass, replace
from datetime import date, timedelta

import sqlalchemy as sa

from meldpunt.analysis.filters import AnalysisFilters, local_midnight
from meldpunt.extensions import db
from meldpunt.reports.models import Category, Report

TOP = 7


def months_between(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def counts_per_category(filters: AnalysisFilters) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Report.category_id, sa.func.count()).where(*filters.conditions()).group_by(Report.category_id)
    )
    return dict(rows.all())


@dataclass(frozen=True)
class TrendRow:
    category: Category
    per_month: list[int]
    total: int
    previous: int  # the same length of time just before
    year_before: int  # the same dates a year earlier

    @staticmethod
    def change(now: int, then: int) -> float | None:
        return None if not then else 100 * (now - then) / then

    @property
    def change_from_previous(self) -> float | None:
        return self.change(self.total, self.previous)

    @property
    def change_from_year_before(self) -> float | None:
        return self.change(self.total, self.year_before)


@dataclass(frozen=True)
class TrendTable:
    months: list[str]
    rows: list[TrendRow]
    previous_period: tuple[date, date]
    year_before_period: tuple[date, date]

    @property
    def totals_per_month(self) -> list[int]:
        return [sum(row.per_month[i] for row in self.rows) for i in range(len(self.months))]


def _month_starts(months: list[str]) -> list[date]:
    return [date(int(m[:4]), int(m[5:]), 1) for m in months]


def trend_table(filters: AnalysisFilters) -> TrendTable:
    """Per category: reports per month in the period, and the totals of the period before and a year earlier.

    One pass over the reports from the earliest of the three periods: each month and period is a count with its
    own time range (FILTER) over created_at itself, so that neither a local month per report nor a second scan is
    needed (at a million reports the pass reads the created_at index alone)."""
    length = (filters.date_to - filters.date_from).days + 1
    previous = replace(filters, date_from=filters.date_from - timedelta(days=length),
                       date_to=filters.date_from - timedelta(days=1))  # fmt: skip
    year_before = replace(filters, date_from=_year_earlier(filters.date_from), date_to=_year_earlier(filters.date_to))
    months = months_between(filters.date_from, filters.date_to)
    # Each month's days within the period (the first and last month may be partial).
    starts = [max(first, filters.date_from) for first in _month_starts(months)]
    ends = [*(start - timedelta(days=1) for start in _month_starts(months)[1:]), filters.date_to]

    def counted(start: date, end: date):
        return sa.func.count().filter(
            Report.created_at >= local_midnight(start), Report.created_at < local_midnight(end + timedelta(days=1))
        )

    # For a period of 365 days (the default) the period before is the same days a year earlier: counted once.
    same = (previous.date_from, previous.date_to) == (year_before.date_from, year_before.date_to)
    counts = [counted(start, end) for start, end in zip(starts, ends, strict=True)]
    counts.append(counted(previous.date_from, previous.date_to))
    if not same:
        counts.append(counted(year_before.date_from, year_before.date_to))
    earliest = min(previous.date_from, year_before.date_from)
    rows_by_category = {
        category_id: figures
        for category_id, *figures in db.session.execute(
            sa.select(Report.category_id, *counts)
            .where(*replace(filters, date_from=earliest).conditions())
            .group_by(Report.category_id)
        )
    }
    categories = {c.id: c for c in db.session.scalars(sa.select(Category).where(Category.id.in_(rows_by_category)))}
    rows = []
    for category_id, figures in rows_by_category.items():
        per_month, before = figures[: len(months)], figures[len(months)]
        year_ago = before if same else figures[len(months) + 1]
        if not (sum(per_month) or before or year_ago):
            continue
        rows.append(TrendRow(category=categories[category_id], per_month=per_month, total=sum(per_month),
                             previous=before, year_before=year_ago))  # fmt: skip
    rows.sort(key=lambda r: (-r.total, r.category.kind, r.category.position))
    return TrendTable(months, rows, (previous.date_from, previous.date_to),
                      (year_before.date_from, year_before.date_to))  # fmt: skip


def top_of(table: TrendTable, n: int = TOP) -> list[tuple[Category, int]]:
    """The categories with the most reports in the table's period, from the table itself (no second count)."""
    return [(row.category, row.total) for row in table.rows if row.total][:n]


def top_categories(filters: AnalysisFilters, n: int = TOP) -> list[tuple[Category, int]]:
    """The categories with the most reports in the period (the Dashboard Veiligheid's monthly top 7)."""
    counts = counts_per_category(filters)
    ranked = sorted(counts.items(), key=lambda item: -item[1])[:n]
    categories = {c.id: c for c in db.session.scalars(sa.select(Category).where(Category.id.in_(dict(ranked))))}
    return [(categories[cid], count) for cid, count in ranked]
