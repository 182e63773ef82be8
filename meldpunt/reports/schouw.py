"""The schouw (issue 10, item 4): a walk through a wijk or dorp with residents' organisations and partners, on a
phone, recording several unsafe spots — each a report of the kind "onveilige plek" with its audit answers and a
photo, filed through submit_report with the channel "schouw" — and afterwards a short report of the walk."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from meldpunt.db_types import UTCDateTime, utcnow
from meldpunt.extensions import db
from meldpunt.geo.models import Area
from meldpunt.reports.models import Category, Report
from meldpunt.reports.submission import NewReport, Receipt, SubmissionRejected, submit_report
from meldpunt.staff.models import User, audit

SCHOUW_KIND = "onveilige_plek"
# Who walks along (DESIGN §9: wijkplatform, dorpsbelang, police); more can be named in free text.
SCHOUW_PARTICIPANTS = {
    "wijkplatform": _l("Wijkplatform"),
    "dorpsbelang": _l("Dorpsbelang"),
    "politie": _l("Police"),
    "woningcorporatie": _l("Housing association"),
    "ondernemers": _l("Entrepreneurs' association"),
    "buurtpreventie": _l("Buurtpreventie"),
}

schouw_report = sa.Table(
    "schouw_report",
    db.metadata,
    sa.Column("schouw_id", sa.ForeignKey("schouw.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("report_id", sa.ForeignKey("report.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Schouw(db.Model):
    __tablename__ = "schouw"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    area_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("area.id", ondelete="SET NULL"))
    participants: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)  # codes of SCHOUW_PARTICIPANTS
    other_participants: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    led_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff_user.id"))
    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # What the walk found and agreed, written when it is finished (no names of residents).
    notes: so.Mapped[str | None] = so.mapped_column(sa.Text)

    area: so.Mapped[Area | None] = so.relationship()
    led_by: so.Mapped[User] = so.relationship()
    reports: so.Mapped[list[Report]] = so.relationship(secondary=schouw_report, order_by=Report.created_at)

    @property
    def participant_labels(self) -> list[str]:
        labels = [str(SCHOUW_PARTICIPANTS[code]) for code in self.participants if code in SCHOUW_PARTICIPANTS]
        return labels + ([self.other_participants] if self.other_participants else [])


class SchouwError(ValueError):
    pass


@dataclass(frozen=True)
class SpotSummary:
    report: Report
    score: int | None


def schouw_categories() -> list[Category]:
    return list(
        db.session.scalars(
            sa.select(Category)
            .where(Category.kind == SCHOUW_KIND, Category.active.is_(True), Category.restricted.is_(False))
            .order_by(Category.position)
        )
    )


def recent_schouwen(limit: int = 30) -> list[Schouw]:
    return list(db.session.scalars(sa.select(Schouw).order_by(Schouw.started_at.desc()).limit(limit)))


def start_schouw(name: str, area: Area | None, participants: list[str], other: str | None, actor) -> Schouw:
    """Flushes; the caller commits."""
    schouw = Schouw(
        name=name.strip(),
        area_id=area.id if area else None,
        participants=[code for code in participants if code in SCHOUW_PARTICIPANTS],
        other_participants=(other or "").strip() or None,
        led_by_id=actor.id,
    )
    db.session.add(schouw)
    db.session.flush()
    audit(actor, "schouw_started", detail=f"{schouw.id}: {schouw.name}")
    return schouw


def add_spot(schouw: Schouw, new: NewReport, actor) -> Receipt:
    """One unsafe spot of the walk, filed as a report (checks, routing, photo) and linked to the schouw."""
    if schouw.finished_at is not None:
        raise SchouwError(_l("This schouw is finished: start a new one to record more spots."))
    if new.category_code not in {c.code for c in schouw_categories()}:
        raise SubmissionRejected({"category": _l("Choose what makes the spot unsafe.")})
    new.kind, new.channel = SCHOUW_KIND, "schouw"
    receipt = submit_report(new)
    if receipt.created:
        db.session.execute(schouw_report.insert().values(schouw_id=schouw.id, report_id=receipt.report_id))
        audit(actor, "schouw_spot", report_id=receipt.report_id, detail=str(schouw.id))
        db.session.expire(schouw, ["reports"])
    return receipt


def finish_schouw(schouw: Schouw, notes: str | None, actor) -> None:
    if schouw.finished_at is not None:
        raise SchouwError(_l("This schouw is already finished."))
    schouw.finished_at = utcnow()
    schouw.notes = (notes or "").strip() or None
    audit(actor, "schouw_finished", detail=f"{schouw.id}: {len(schouw.reports)}")
    db.session.flush()


def spot_summaries(schouw: Schouw) -> list[SpotSummary]:
    """The walk's spots in the order they were recorded, with the score people gave each (1-5, 5 most unsafe)."""
    summaries = []
    for report in schouw.reports:
        score = (report.answers or {}).get("unsafe_score")
        summaries.append(SpotSummary(report, int(score) if str(score or "").isdigit() else None))
    return summaries
