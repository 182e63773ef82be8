"""Feedback data: templates staff compose from, and the reporters' satisfaction answers."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from meldpunt.db_types import UTCDateTime, utcnow
from meldpunt.extensions import db


class FeedbackTemplate(db.Model):
    """A message for the reporter per category (or all categories) × outcome × language."""

    __tablename__ = "feedback_template"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    category_code: so.Mapped[str | None] = so.mapped_column(sa.String(40))  # None: any category
    outcome: so.Mapped[str] = so.mapped_column(sa.String(40))
    locale: so.Mapped[str] = so.mapped_column(sa.String(5))
    body: so.Mapped[str] = so.mapped_column(sa.Text)

    __table_args__ = (sa.UniqueConstraint("category_code", "outcome", "locale", name="uq_feedback_template_key"),)


class Satisfaction(db.Model):
    """ "Were you helped?" One answer per report."""

    __tablename__ = "satisfaction"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id", ondelete="CASCADE"), unique=True)
    helped: so.Mapped[bool]
    comment: so.Mapped[str | None] = so.mapped_column(sa.Text)  # free text: deleted with the report's content
    reopen_requested: so.Mapped[bool] = so.mapped_column(default=False)
    # The reporter agreed that the team's overview (OOV) shows the comment, without the report's details.
    comment_shared: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    report: so.Mapped["Report"] = so.relationship()  # noqa: F821
