"""Demo events (the profile's DemoEvent list), placed in the recent past so that demo reports carry them."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.events.models import Event
from meldpunt.events.planning import save_event
from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.geo.areas import dorp_code
from meldpunt.geo.models import Area
from meldpunt.geo.outlines import Outline
from meldpunt.profiles import LOCAL_TZ, DemoEvent, Profile


def _start(demo: DemoEvent, now: datetime) -> datetime:
    today = now.astimezone(LOCAL_TZ).date()
    if demo.on_date:
        day = today.replace(month=demo.on_date[0], day=demo.on_date[1])
        if day >= today:
            day = day.replace(year=day.year - 1)
    else:
        day = today - timedelta(days=demo.days_ago)
        if demo.weekday is not None:
            day -= timedelta(days=(day.weekday() - demo.weekday) % 7)
    return datetime.combine(day, demo.start, LOCAL_TZ)


def make_demo_events(profile: Profile, *, now: datetime | None = None) -> int:
    """Plan the profile's demo events (those not planned yet, by name and start) and tag their reports. Returns how
    many were added; the caller commits."""
    now = now or utcnow()
    added = 0
    for demo in profile.demo_events:
        starts_at = _start(demo, now)
        exists = sa.select(Event.id).where(Event.name == demo.name, Event.starts_at == starts_at)
        if db.session.scalar(exists) is not None:
            continue
        if demo.dorp:
            area = db.session.scalar(sa.select(Area).where(Area.code == dorp_code(profile.cbs_code, demo.dorp)))
            if area is None:
                continue  # the municipality imported its own dorpen under other codes
            outline = Outline(area=area)
        else:
            outline = Outline(centre=LatLon(*demo.centre), radius_m=demo.radius_m)
        save_event(None, name=demo.name, starts_at=starts_at, ends_at=starts_at + timedelta(hours=demo.hours),
                   outline=outline, actor=None)  # fmt: skip
        added += 1
    return added
