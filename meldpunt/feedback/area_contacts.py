"""The people an area's monthly "u meldde — wij deden" summary goes to (DESIGN §5): the wijkplatform, the
dorpsbelang, the ondernemersvereniging. Managed by OOV; every change audited (without the address)."""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from meldpunt.db_types import UTCDateTime, utcnow
from meldpunt.extensions import db
from meldpunt.geo.models import Area
from meldpunt.staff.models import audit

# Summaries are made for the areas people live in and organise themselves by.
SUMMARY_AREA_KINDS = ("wijk", "dorp")


class AreaContact(db.Model):
    __tablename__ = "area_contact"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    area_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), index=True)
    organisation: so.Mapped[str] = so.mapped_column(sa.String(120))
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    area: so.Mapped[Area] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("area_id", "email", name="uq_area_contact_address"),)


class AreaSummaryMailing(db.Model):
    """One row per area and month whose summary was queued: running the command twice mails nobody twice."""

    __tablename__ = "area_summary_mailing"

    area_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)
    month: so.Mapped[date] = so.mapped_column(sa.Date, primary_key=True)  # the first day of the month
    queued_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    recipients: so.Mapped[int] = so.mapped_column(default=0)


class AreaContactError(ValueError):
    pass


def summary_areas() -> list[Area]:
    return list(db.session.scalars(sa.select(Area).where(Area.kind.in_(SUMMARY_AREA_KINDS)).order_by(Area.name)))


def contacts_by_area() -> dict[int, list[AreaContact]]:
    contacts: dict[int, list[AreaContact]] = {}
    for contact in db.session.scalars(sa.select(AreaContact).order_by(AreaContact.organisation)):
        contacts.setdefault(contact.area_id, []).append(contact)
    return contacts


def add_contact(area: Area, organisation: str, email: str, actor) -> AreaContact:
    """Flushes; the caller commits."""
    if area.kind not in SUMMARY_AREA_KINDS:
        raise AreaContactError(_l("Summaries go to the contacts of a wijk or a dorp."))
    email = email.strip().lower()
    taken = sa.select(AreaContact.id).where(AreaContact.area_id == area.id, AreaContact.email == email)
    if db.session.scalar(taken) is not None:
        raise AreaContactError(_l("That address already receives the summary of %(area)s.", area=area.name))
    contact = AreaContact(area_id=area.id, organisation=organisation.strip(), email=email)
    db.session.add(contact)
    audit(actor, "area_contact_add", detail=f"{area.code}: {contact.organisation}")
    db.session.flush()
    return contact


def remove_contact(contact: AreaContact, actor) -> None:
    audit(actor, "area_contact_remove", detail=f"{contact.area.code}: {contact.organisation}")
    db.session.delete(contact)
    db.session.flush()
