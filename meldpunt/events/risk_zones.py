"""Risk zones: hotspots OOV or the TNH coordinator designate for the field team, from one day to another. A routing
rule may test whether a new report lies inside one that is active (RoutingRule.in_risk_zone); the field list marks
the reports inside one. Every change is audited."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meldpunt.db_types import utcnow
from meldpunt.events.models import RiskZone
from meldpunt.extensions import db
from meldpunt.geo import LatLon, spatial
from meldpunt.geo.areas import contains
from meldpunt.geo.outlines import Outline
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.models import Report
from meldpunt.reports.queries import with_spot
from meldpunt.staff.models import audit

NAME_MAX_LENGTH = 120


class RiskZoneError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class ZoneLine:
    zone: RiskZone
    active: bool


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def _active_on(day: date):
    return sa.and_(RiskZone.starts_on <= day, RiskZone.ends_on >= day)


def zones_overview(*, now: datetime | None = None) -> list[ZoneLine]:
    """Every risk zone, latest start first, with whether it is active today."""
    today = local_day(now or utcnow())
    zones = db.session.scalars(sa.select(RiskZone).order_by(RiskZone.starts_on.desc(), RiskZone.id.desc()))
    return [ZoneLine(z, z.starts_on <= today <= z.ends_on) for z in zones]


def in_active_risk_zone(position: LatLon, now: datetime) -> bool:
    """Does the point lie in a risk zone active on this (local) day? For routing a new report."""
    point_rd = spatial.to_rd(spatial.point(position))
    found = sa.select(RiskZone.id).where(_active_on(local_day(now)), contains(RiskZone.geom_rd, point_rd)).limit(1)
    return db.session.scalar(found) is not None


def in_active_risk_zones(report_ids: Iterable[int], now: datetime) -> set[int]:
    """Which of these reports lie in a risk zone active today: for marking them in the field list."""
    report_ids = list(report_ids)
    if not report_ids:
        return set()
    rows = db.session.scalars(
        sa.select(Report.id)
        .join(RiskZone, contains(RiskZone.geom_rd, Report.location_rd))
        .where(Report.id.in_(report_ids), with_spot(), _active_on(local_day(now)))
        .distinct()
    )
    return set(rows)


def _checked(name: str, starts_on: date, ends_on: date) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise RiskZoneError(_l("Give the risk zone a name."))
    if len(name) > NAME_MAX_LENGTH:
        raise RiskZoneError(_l("Keep the name to %(max)d characters.", max=NAME_MAX_LENGTH))
    if ends_on < starts_on:
        raise RiskZoneError(_l("The last day cannot come before the first."))
    return name


def save_zone(zone: RiskZone | None, *, name: str, starts_on: date, ends_on: date, outline: Outline,
              actor) -> RiskZone:  # fmt: skip
    """Add (`zone` None) or change a risk zone and audit it; the caller commits."""
    name = _checked(name, starts_on, ends_on)
    values = dict(name=name, starts_on=starts_on, ends_on=ends_on,
                  area_id=outline.area.id if outline.area else None, **outline.columns())  # fmt: skip
    if zone is None:
        zone_id = db.session.execute(
            sa.insert(RiskZone).values(created_at=utcnow(), updated_at=utcnow(), **values).returning(RiskZone.id)
        ).scalar_one()
        action = "risk_zone_created"
    else:
        zone_id = zone.id
        db.session.execute(sa.update(RiskZone).where(RiskZone.id == zone_id).values(updated_at=utcnow(), **values))
        action = "risk_zone_changed"
    place = f"area {outline.area.code}" if outline.area else "drawn outline"
    audit(actor, action, detail=f"{zone_id}: {name}, {starts_on}-{ends_on}, {place}"[:500])
    db.session.flush()
    db.session.expire_all()
    return db.session.get(RiskZone, zone_id)


def delete_zone(zone: RiskZone, actor) -> None:
    audit(actor, "risk_zone_deleted", detail=f"{zone.id}: {zone.name}"[:500])
    db.session.delete(zone)
    db.session.flush()
