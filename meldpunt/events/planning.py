"""Planning events: OOV (and the beheerder) add, change and remove them; every change is audited and re-tags the
event's reports at once."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meldpunt.db_types import utcnow
from meldpunt.events.models import Event, report_event
from meldpunt.events.tagging import retag_event
from meldpunt.extensions import db
from meldpunt.geo.outlines import Outline
from meldpunt.reports.models import Category, Report
from meldpunt.staff.models import audit

NAME_MAX_LENGTH = 120


class EventError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class EventLine:
    event: Event
    reports: int


def events_overview() -> list[EventLine]:
    """Every event, latest first, with the number of reports tagged with it (restricted ones are not counted: the
    beheerder sees this page too)."""
    tagged = (
        sa.select(report_event.c.event_id, sa.func.count().label("n"))
        .join(Report, Report.id == report_event.c.report_id)
        .where(Report.category_id.in_(sa.select(Category.id).where(Category.restricted.is_(False))))
        .group_by(report_event.c.event_id)
        .subquery("tagged")
    )
    rows = db.session.execute(
        sa.select(Event, sa.func.coalesce(tagged.c.n, 0))
        .outerjoin(tagged, tagged.c.event_id == Event.id)
        .order_by(Event.starts_at.desc(), Event.id.desc())
    )
    return [EventLine(event, int(n)) for event, n in rows]


def event_choices() -> list[Event]:
    """The events to filter on, latest first."""
    return list(db.session.scalars(sa.select(Event).order_by(Event.starts_at.desc(), Event.id.desc())))


def _checked(name: str, starts_at: datetime, ends_at: datetime) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise EventError(_l("Give the event a name."))
    if len(name) > NAME_MAX_LENGTH:
        raise EventError(_l("Keep the name to %(max)d characters.", max=NAME_MAX_LENGTH))
    if ends_at <= starts_at:
        raise EventError(_l("The end must come after the start."))
    return name


def _describe(event_id: int, name: str, starts_at: datetime, ends_at: datetime, outline: Outline) -> str:
    place = f"area {outline.area.code}" if outline.area else "drawn outline"
    return f"{event_id}: {name}, {starts_at:%Y-%m-%d %H:%M}Z-{ends_at:%Y-%m-%d %H:%M}Z, {place}"[:500]


def save_event(event: Event | None, *, name: str, starts_at: datetime, ends_at: datetime, outline: Outline,
               actor) -> tuple[Event, int]:  # fmt: skip
    """Add (`event` None) or change an event, audit it and tag its reports anew. Returns the event and how many
    reports it tags; the caller commits."""
    name = _checked(name, starts_at, ends_at)
    values = dict(name=name, starts_at=starts_at, ends_at=ends_at,
                  area_id=outline.area.id if outline.area else None, **outline.columns())  # fmt: skip
    if event is None:
        event_id = db.session.execute(
            sa.insert(Event).values(created_at=utcnow(), updated_at=utcnow(), **values).returning(Event.id)
        ).scalar_one()
        action = "event_created"
    else:
        event_id = event.id
        db.session.execute(sa.update(Event).where(Event.id == event_id).values(updated_at=utcnow(), **values))
        action = "event_changed"
    tagged = retag_event(event_id)
    audit(actor, action, detail=_describe(event_id, name, starts_at, ends_at, outline))
    db.session.flush()
    db.session.expire_all()  # the event's columns were written in SQL
    return db.session.get(Event, event_id), tagged


def delete_event(event: Event, actor) -> None:
    """Remove an event; its reports lose the tag (the reports themselves stay). The caller commits."""
    audit(actor, "event_deleted", detail=f"{event.id}: {event.name}"[:500])
    db.session.execute(sa.delete(report_event).where(report_event.c.event_id == event.id))
    db.session.delete(event)
    db.session.flush()
