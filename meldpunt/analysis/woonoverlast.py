"""The woonoverlast view (DESIGN §9): counts per subtype and month, what was done (outcomes and partners), lead
times, and repeat addresses as counts only. Never who or where exactly: woonoverlast is about neighbours."""

from collections import Counter
from dataclasses import dataclass, replace

import sqlalchemy as sa

from meldpunt.analysis.filters import AnalysisFilters
from meldpunt.analysis.leadtimes import LeadTime, lead_times
from meldpunt.extensions import db
from meldpunt.geo import spatial
from meldpunt.reports.models import Report

CATEGORY = "woonoverlast"
# Reports within the same 10 m cell are taken as the same address. Only while the exact location is kept: after
# the retention period the point is coarsened and a repeat can no longer be seen.
ADDRESS_CELL_M = 10


@dataclass(frozen=True)
class WoonoverlastView:
    total: int
    per_subtype: dict[str | None, int]
    outcomes: dict[str, int]
    forwarded_to: dict[str, int]
    addresses_with_repeats: dict[str, int]  # "2", "3+" -> number of addresses
    lead_times: list[LeadTime]


def woonoverlast_view(filters: AnalysisFilters) -> WoonoverlastView:
    scoped = replace(filters, kind=None, category=CATEGORY)
    conditions = scoped.conditions()
    subtype = Report.answers["woon_subtype"].as_string()
    per_subtype = dict(
        db.session.execute(sa.select(subtype, sa.func.count()).where(*conditions).group_by(subtype)).all()
    )
    outcomes = dict(
        db.session.execute(
            sa.select(Report.outcome, sa.func.count())
            .where(*conditions, Report.outcome.is_not(None))
            .group_by(Report.outcome)
        ).all()
    )
    forwarded = dict(
        db.session.execute(
            sa.select(Report.forwarded_to, sa.func.count())
            .where(*conditions, Report.forwarded_to.is_not(None))
            .group_by(Report.forwarded_to)
        ).all()
    )
    gx, gy = spatial.grid_cell(Report.rd_x, Report.rd_y, ADDRESS_CELL_M)
    per_address = (
        sa.select(sa.func.count().label("n"))
        .where(*conditions, Report.location_coarsened_at.is_(None))
        .group_by(gx, gy)
        .having(sa.func.count() >= 2)
        .subquery()
    )
    repeats = Counter("3+" if n >= 3 else "2" for (n,) in db.session.execute(sa.select(per_address.c.n)))
    return WoonoverlastView(
        total=sum(per_subtype.values()),
        per_subtype=per_subtype,
        outcomes=outcomes,
        forwarded_to=forwarded,
        addresses_with_repeats={"2": repeats.get("2", 0), "3+": repeats.get("3+", 0)},
        lead_times=lead_times(conditions),
    )
