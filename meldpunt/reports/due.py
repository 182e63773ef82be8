"""When a report's handling term ends (Report.due_at): its category's term in working days
(meldpunt/reports/working_days.py), counted from the moment the report was made, or re-routed or reopened,
whichever came last. A category without a term (0 days, such as the restricted kind) gives no due moment."""

from datetime import datetime

import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.reports.models import Category, Report, StateChange
from meldpunt.reports.working_days import add_working_days

# History events that give the report a new, full term.
TERM_STARTS = ("reroute", "reopen")
BATCH = 5000


def due_at_for(category: Category, start: datetime) -> datetime | None:
    days = category.typical_handling_days
    return add_working_days(start, days) if days else None


def start_term(report: Report, start: datetime) -> None:
    """A new term from `start` (a report re-routed or reopened): flushed with the caller's change."""
    report.due_at = due_at_for(report.category, start)


def recompute_due_dates(report_ids=None) -> int:
    """Set every report's due moment (or those of `report_ids`) as the live code would have set it (after an
    upgrade, an import, or a category's new term): from the latest of creation, re-routing and reopening in its
    history. Neither the report's version nor updated_at changes, so an open staff form stays valid. Returns how
    many changed."""
    if report_ids is not None:
        ids = sorted(report_ids)
        return sum(_recompute(Report.id.in_(ids[i : i + BATCH])) for i in range(0, len(ids), BATCH))
    return _recompute(sa.true())


def _recompute(condition) -> int:
    last_start = (
        sa.select(StateChange.report_id, sa.func.max(StateChange.at).label("at"))
        .where(StateChange.event.in_(TERM_STARTS))
        .group_by(StateChange.report_id)
        .subquery()
    )
    table = Report.__table__
    update = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("report_id"))
        .values(due_at=sa.bindparam("new_due_at", type_=table.c.due_at.type), updated_at=table.c.updated_at)
    )
    changed, after = 0, 0
    while True:
        rows = db.session.execute(
            sa.select(Report.id, Report.created_at, Report.due_at, Category.typical_handling_days, last_start.c.at)
            .join(Category, Category.id == Report.category_id)
            .outerjoin(last_start, last_start.c.report_id == Report.id)
            .where(Report.id > after, condition)
            .order_by(Report.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return changed
        updates = []
        for report_id, created_at, due_at, days, restarted_at in rows:
            start = max(created_at, restarted_at) if restarted_at else created_at
            new_due_at = add_working_days(start, days) if days else None
            if new_due_at != due_at:
                updates.append({"report_id": report_id, "new_due_at": new_due_at})
        if updates:
            db.session.execute(update, updates)
            changed += len(updates)
        after = rows[-1][0]
