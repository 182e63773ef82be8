"""Lead times (DESIGN §9): from report to first response and to closing, per queue and category, as the median and
the 90th percentile (nearest rank), computed by the database."""

from dataclasses import dataclass

import sqlalchemy as sa

from meldpunt.dialect_sql import EpochSeconds
from meldpunt.extensions import db
from meldpunt.reports.models import Category, Queue, Report


@dataclass(frozen=True)
class LeadTime:
    queue: Queue
    category: Category
    responded: int
    median_response_h: float | None
    p90_response_h: float | None
    closed: int
    median_closing_d: float | None
    p90_closing_d: float | None


def percentiles(value, group: tuple, conditions: list, shares=(0.5, 0.9)) -> dict[tuple, tuple]:
    """Per group: (count, the nearest-rank percentile of `value` for each share), by window functions that both
    backends run."""
    ranked = (
        sa.select(
            *group,
            value.label("v"),
            sa.func.row_number().over(partition_by=group, order_by=value).label("rn"),
            sa.func.count().over(partition_by=group).label("n"),
        )
        .where(*conditions)
        .subquery("ranked")
    )
    keys = [ranked.c[column.key] for column in group]
    ranks = [sa.func.min(sa.case((ranked.c.rn >= share * ranked.c.n, ranked.c.v))) for share in shares]
    rows = db.session.execute(sa.select(*keys, sa.func.max(ranked.c.n), *ranks).group_by(*keys))
    return {tuple(row[: len(keys)]): tuple(row[len(keys) :]) for row in rows}


def duration(end_column, unit_s: float):
    """end_column - created_at, in units of unit_s seconds."""
    return (EpochSeconds(end_column) - EpochSeconds(Report.created_at)) / unit_s


def _percentiles(conditions: list, end_column, unit_s: float) -> dict[tuple[int, int], tuple[int, float, float]]:
    return percentiles(duration(end_column, unit_s), (Report.queue_id, Report.category_id),
                       [*conditions, end_column.is_not(None)])  # fmt: skip


def lead_times(conditions: list) -> list[LeadTime]:
    response = _percentiles(conditions, Report.first_response_at, 3600.0)
    closing = _percentiles(conditions, Report.closed_at, 86400.0)
    keys = set(response) | set(closing)
    queues = {q.id: q for q in db.session.scalars(sa.select(Queue))}
    categories = {c.id: c for c in db.session.scalars(sa.select(Category).where(Category.id.in_({c for _, c in keys})))}
    rows = []
    for queue_id, category_id in keys:
        r_n, r_median, r_p90 = response.get((queue_id, category_id), (0, None, None))
        c_n, c_median, c_p90 = closing.get((queue_id, category_id), (0, None, None))
        rows.append(LeadTime(queues[queue_id], categories[category_id], r_n, r_median, r_p90, c_n, c_median, c_p90))
    rows.sort(key=lambda r: (r.queue.code, -(r.responded + r.closed), r.category.position))
    return rows
