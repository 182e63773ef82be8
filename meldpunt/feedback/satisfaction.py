""""Were you helped?" (DESIGN §5): one answer per report, from the closing mail or the tracking page; "no" may
ask to reopen. The answers become a satisfaction figure per category and team."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from meldpunt.extensions import db
from meldpunt.feedback.models import Satisfaction
from meldpunt.reports.models import Category, Queue, Report
from meldpunt.reports.workflow import WorkflowError, reopen_at_reporters_request

_SALT = "satisfaction"


def answer_token(report_id: int) -> str:
    """A link token for the closing mail: it can only answer this one report's question."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT).dumps(report_id)


def report_for_answer_token(token: str) -> Report | None:
    try:
        report_id = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT).loads(token)
    except BadSignature:
        return None
    return db.session.get(Report, report_id)


def can_answer(report: Report) -> bool:
    return (
        report.state == "afgehandeld"
        and report.withdrawn_at is None
        and not report.category.restricted  # restricted reports get no feedback beyond the receipt
        and not _answered(report)
    )


def _answered(report: Report) -> bool:
    return db.session.scalar(sa.select(Satisfaction.id).where(Satisfaction.report_id == report.id)) is not None


def record_answer(report: Report, helped: bool, comment: str | None, reopen: bool) -> Satisfaction:
    if not can_answer(report):
        raise WorkflowError(_l("This question has already been answered."))
    answer = Satisfaction(report=report, helped=helped, comment=(comment or "").strip()[:1000] or None,
                          reopen_requested=bool(reopen and not helped))  # fmt: skip
    db.session.add(answer)
    if answer.reopen_requested:
        reopen_at_reporters_request(report)
    db.session.commit()
    return answer


@dataclass(frozen=True)
class SatisfactionFigure:
    queue: str
    category: str
    answers: int
    helped: int

    @property
    def percentage(self) -> int:
        return round(100 * self.helped / self.answers) if self.answers else 0


def satisfaction_figures(locale: str) -> list[SatisfactionFigure]:
    rows = db.session.execute(
        sa.select(Report.queue_id, Report.category_id, sa.func.count(Satisfaction.id),
                  sa.func.sum(sa.case((Satisfaction.helped.is_(True), 1), else_=0)))
        .join(Report, Report.id == Satisfaction.report_id)
        .where(Report.category_id.in_(sa.select(Category.id).where(Category.restricted.is_(False))))
        .group_by(Report.queue_id, Report.category_id)
        .order_by(Report.queue_id, Report.category_id)
    ).all()  # fmt: skip
    queues = {q.id: q.name(locale) for q in db.session.scalars(sa.select(Queue))}
    categories = {c.id: c.name(locale) for c in db.session.scalars(sa.select(Category))}
    return [
        SatisfactionFigure(queues[queue_id], categories[category_id], int(n), int(helped or 0))
        for queue_id, category_id, n, helped in rows
    ]
