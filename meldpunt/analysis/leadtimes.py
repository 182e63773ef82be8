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


def _percentiles(conditions: list, end_column, unit_s: float) -> dict[tuple[int, int], tuple[int, float, float]]:
    """(queue_id, category_id) -> (count, median, 90th percentile) of end_column - created_at, in `unit_s`."""
    duration = (EpochSeconds(end_column) - EpochSeconds(Report.created_at)) / unit_s
    group = (Report.queue_id, Report.category_id)
    ranked = (
        sa.select(
            Report.queue_id,
            Report.category_id,
            duration.label("d"),
            sa.func.row_number().over(partition_by=group, order_by=duration).label("rn"),
            sa.func.count().over(partition_by=group).label("n"),
        )
        .where(*conditions, end_column.is_not(None))
        .subquery("ranked")
    )

    def nearest_rank(share: float):
        return sa.func.min(sa.case((ranked.c.rn >= share * ranked.c.n, ranked.c.d)))

    rows = db.session.execute(
        sa.select(ranked.c.queue_id, ranked.c.category_id, sa.func.max(ranked.c.n), nearest_rank(0.5),
                  nearest_rank(0.9))
        .group_by(ranked.c.queue_id, ranked.c.category_id)
    )  # fmt: skip
    return {(q, c): (n, median, p90) for q, c, n, median, p90 in rows}


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
