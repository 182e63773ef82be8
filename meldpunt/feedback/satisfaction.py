""" "Were you helped?" (DESIGN §5): one answer per report, from the closing mail or the tracking page; "no" may
ask to reopen. The answers become a satisfaction figure per category and team."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from meldpunt.extensions import db
from meldpunt.feedback.models import Satisfaction
from meldpunt.feedback.receipts import link_only_withdraws, report_id_for_answer_token
from meldpunt.reports.models import Category, Queue, Report
from meldpunt.reports.queries import unrestricted
from meldpunt.reports.workflow import WorkflowError, reopen_at_reporters_request
from meldpunt.text import without_control_characters


def report_for_answer_token(token: str) -> Report | None:
    report_id = report_id_for_answer_token(current_app.config["SECRET_KEY"], token)
    return db.session.get(Report, report_id) if report_id is not None else None


def can_answer(report: Report) -> bool:
    return (
        report.state == "afgehandeld"
        and report.withdrawn_at is None
        and not link_only_withdraws(report.category)  # no feedback beyond the receipt
        and not _answered(report)
    )


def _answered(report: Report) -> bool:
    return db.session.scalar(sa.select(Satisfaction.id).where(Satisfaction.report_id == report.id)) is not None


def satisfaction_of(report: Report) -> Satisfaction | None:
    return db.session.scalar(sa.select(Satisfaction).where(Satisfaction.report_id == report.id))


def record_answer(report: Report, helped: bool, comment: str | None, reopen: bool, *,
                  share_comment: bool = False) -> Satisfaction:  # fmt: skip
    if not can_answer(report):
        raise WorkflowError(_l("This question has already been answered."))
    comment = without_control_characters(comment or "").strip()[:1000] or None
    answer = Satisfaction(report=report, helped=helped, comment=comment, reopen_requested=bool(reopen and not helped),
                          comment_shared=bool(comment and share_comment))  # fmt: skip
    db.session.add(answer)
    if answer.reopen_requested:
        reopen_at_reporters_request(report)
    db.session.flush()
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


def _answered_since(since: datetime | None) -> list:
    conditions = [unrestricted()]
    if since is not None:
        conditions.append(Satisfaction.created_at >= since)
    return conditions


def satisfaction_figures(locale: str, *, since: datetime | None = None) -> list[SatisfactionFigure]:
    """Answers per team and category; `since`: only answers given from then on."""
    rows = db.session.execute(
        sa.select(Report.queue_id, Report.category_id, sa.func.count(Satisfaction.id),
                  sa.func.sum(sa.case((Satisfaction.helped.is_(True), 1), else_=0)))
        .join(Report, Report.id == Satisfaction.report_id)
        .where(*_answered_since(since))
        .group_by(Report.queue_id, Report.category_id)
        .order_by(Report.queue_id, Report.category_id)
    ).all()  # fmt: skip
    queues = {q.id: q.name(locale) for q in db.session.scalars(sa.select(Queue))}
    categories = {c.id: c.name(locale) for c in db.session.scalars(sa.select(Category))}
    return [
        SatisfactionFigure(queues[queue_id], categories[category_id], int(n), int(helped or 0))
        for queue_id, category_id, n, helped in rows
    ]


@dataclass(frozen=True)
class SharedComment:
    at: datetime
    helped: bool
    category_id: int
    text: str


def shared_comments(*, since: datetime | None = None, limit: int = 200) -> list[SharedComment]:
    """Comments the reporters agreed to share with the team, newest first: the text, whether they were helped and
    the category; no reference, place or contact detail."""
    rows = db.session.execute(
        sa.select(Satisfaction.created_at, Satisfaction.helped, Report.category_id, Satisfaction.comment)
        .join(Report, Report.id == Satisfaction.report_id)
        .where(*_answered_since(since), Satisfaction.comment_shared.is_(True), Satisfaction.comment.is_not(None))
        .order_by(Satisfaction.created_at.desc(), Satisfaction.id.desc())
        .limit(limit)
    )
    return [SharedComment(at, helped, category_id, text) for at, helped, category_id, text in rows]
