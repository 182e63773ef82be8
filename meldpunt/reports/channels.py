"""How a report reached us (Report.channel), as staff read it, and the registered groups that report through
staff (buurtpreventie): a report filed for a group names it (report_group)."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from meldpunt.db_types import UTCDateTime, utcnow
from meldpunt.extensions import db
from meldpunt.geo.models import Area
from meldpunt.staff.models import audit

CHANNEL_LABELS = {
    "web": _l("On the website"),
    "telefoon": _l("By phone"),
    "spreekuur": _l("At a spreekuur or the desk"),
    "straat": _l("In the street, to a field worker"),
    "schouw": _l("During a schouw"),
    "groep": _l("From a buurtpreventie group"),
    "import": _l("Imported from the old system"),
    "api": _l("Through a partner's app (Open311)"),
}

report_group = sa.Table(
    "report_group",
    db.metadata,
    sa.Column("report_id", sa.ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("group_id", sa.ForeignKey("reporting_group.id", ondelete="CASCADE"), index=True, nullable=False),
)


class ReportingGroup(db.Model):
    """A buurtpreventie group (or a similar residents' group) registered as a channel: its reports are filed by
    staff on its behalf, and the analysis can count them per group."""

    __tablename__ = "reporting_group"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    area_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("area.id", ondelete="SET NULL"))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    registered_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    area: so.Mapped[Area | None] = so.relationship()


class GroupError(ValueError):
    pass


def active_groups() -> list[ReportingGroup]:
    return list(
        db.session.scalars(sa.select(ReportingGroup).where(ReportingGroup.active).order_by(ReportingGroup.name))
    )


def all_groups() -> list[ReportingGroup]:
    return list(
        db.session.scalars(sa.select(ReportingGroup).order_by(ReportingGroup.active.desc(), ReportingGroup.name))
    )


def register_group(name: str, area: Area | None, actor) -> ReportingGroup:
    """Flushes; the caller commits."""
    name = name.strip()
    if db.session.scalar(sa.select(ReportingGroup.id).where(sa.func.lower(ReportingGroup.name) == name.lower())):
        raise GroupError(_l("A group called %(name)s is already registered.", name=name))
    group = ReportingGroup(name=name, area_id=area.id if area else None)
    db.session.add(group)
    db.session.flush()
    audit(actor, "group_registered", detail=f"{group.id}: {group.name}")
    return group


def set_group_active(group: ReportingGroup, active: bool, actor) -> None:
    group.active = active
    audit(actor, "group_activated" if active else "group_deactivated", detail=f"{group.id}: {group.name}")
    db.session.flush()


def link_report_to_group(report_id: int, group: ReportingGroup) -> None:
    db.session.execute(report_group.insert().values(report_id=report_id, group_id=group.id))


def group_of(report_id: int) -> ReportingGroup | None:
    return db.session.scalar(
        sa.select(ReportingGroup).join(report_group, report_group.c.group_id == ReportingGroup.id)
        .where(report_group.c.report_id == report_id)
    )  # fmt: skip
