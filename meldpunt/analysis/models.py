"""Targets (DESIGN §9): what a municipality wants its report counts to do, against a baseline year; early-warning
rules and the signals they raise. Data, so OOV can change them; seeded from the profile's plan."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from geoalchemy2 import Geometry

from meldpunt.db_types import UTCDateTime
from meldpunt.extensions import db
from meldpunt.geo import RD_NEW
from meldpunt.reports.models import Report

DIRECTIONS = ("down", "up", "stable")


class Target(db.Model):
    __tablename__ = "target"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    names: so.Mapped[dict] = so.mapped_column(sa.JSON)  # {"nl": ..., "en": ...}
    # What is counted: reports of this kind and/or these categories (empty: all).
    kind: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    category_codes: so.Mapped[list | None] = so.mapped_column(sa.JSON(none_as_null=True))
    baseline_year: so.Mapped[int]
    first_year: so.Mapped[int]  # the plan period the target holds for
    last_year: so.Mapped[int]
    # down: at least change_pct % fewer; up: at least change_pct % more (more reports can be the goal, where most
    # incidents go unreported); stable: at most change_pct % more.
    direction: so.Mapped[str] = so.mapped_column(sa.String(10))
    change_pct: so.Mapped[int] = so.mapped_column(default=0)

    __table_args__ = (sa.CheckConstraint(f"direction IN {DIRECTIONS!r}", name="direction"),)

    def name(self, locale: str = "nl") -> str:
        return self.names.get(locale) or self.names["nl"]


class WarningRule(db.Model):
    """An early-warning rule (DESIGN §9): at least `min_count` reports of these kinds or categories within
    `radius_m` metres of each other within `days` days raise a signal for OOV."""

    __tablename__ = "warning_rule"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    names: so.Mapped[dict] = so.mapped_column(sa.JSON)
    kind: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    category_codes: so.Mapped[list | None] = so.mapped_column(sa.JSON(none_as_null=True))
    radius_m: so.Mapped[int]
    days: so.Mapped[int]
    min_count: so.Mapped[int]
    active: so.Mapped[bool] = so.mapped_column(default=True)

    def name(self, locale: str = "nl") -> str:
        return self.names.get(locale) or self.names["nl"]


signal_report = sa.Table(
    "signal_report",
    db.metadata,
    sa.Column("signal_id", sa.ForeignKey("warning_signal.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("report_id", sa.ForeignKey("report.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Signal(db.Model):
    """A hotspot an early-warning rule found: one per hotspot, which later reports there join."""

    __tablename__ = "warning_signal"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    rule_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("warning_rule.id"), index=True)
    raised_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    # The centre of the reports that raised it, in RD New: later reports within the rule's radius join it.
    centre_rd = so.mapped_column(Geometry("POINT", srid=RD_NEW, spatial_index=False), nullable=False)
    acknowledged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    acknowledged_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"))
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)

    rule: so.Mapped[WarningRule] = so.relationship()
    acknowledged_by: so.Mapped["User | None"] = so.relationship()  # noqa: F821
    reports: so.Mapped[list[Report]] = so.relationship(secondary=signal_report)

    # How many reports it holds and when the latest of them came in: read from its reports, never stored beside them.
    report_count: so.Mapped[int] = so.column_property(
        sa.select(sa.func.count())
        .select_from(signal_report)
        .where(signal_report.c.signal_id == id)
        .correlate_except(signal_report)
        .scalar_subquery()
    )
    last_report_at: so.Mapped[datetime | None] = so.column_property(
        sa.select(sa.func.max(Report.created_at))
        .select_from(signal_report)
        .join(Report, Report.id == signal_report.c.report_id)
        .where(signal_report.c.signal_id == id)
        .correlate_except(signal_report, Report)
        .scalar_subquery()
    )
