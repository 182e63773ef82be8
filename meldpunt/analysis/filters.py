"""The filters every analysis view shares, as SQL conditions on reports."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from meldpunt.db_types import id_from
from meldpunt.dialect_sql import LocalHour, LocalWeekday
from meldpunt.events.models import report_ids_in_event
from meldpunt.extensions import db
from meldpunt.filter_days import filter_day, local_midnight
from meldpunt.geo.areas import report_ids_in_area
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import OPEN_STATES, Category, Report
from meldpunt.reports.queries import unrestricted

# When it happened: the incident time, or for a lasting condition (an unsafe place) when it was reported.
MOMENT = sa.func.coalesce(Report.incident_at, Report.created_at)
DEFAULT_DAYS = 365


def filter_kinds() -> list:
    """The kinds analysis may be filtered on: never a restricted one (DESIGN §6)."""
    return [kind for kind in KINDS.values() if not kind.restricted]


def filter_categories() -> list[Category]:
    """The categories analysis may be filtered on: never one restricted by its data either."""
    return list(
        db.session.scalars(
            sa.select(Category).where(Category.restricted.is_(False)).order_by(Category.kind, Category.position)
        )
    )


def _int_in(text, low, high) -> int | None:
    try:
        value = int(text)
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


def report_scope() -> list:
    """The reports analysis may count at all (DESIGN §6): never a restricted one. Every analysis figure starts here."""
    return [unrestricted()]


@dataclass(frozen=True)
class AnalysisFilters:
    kind: str | None = None
    category: str | None = None
    date_from: date | None = None  # reported on or after (local date)
    date_to: date | None = None  # reported on or before (local date)
    weekday: int | None = None  # ISO: 1 = Monday … 7 = Sunday, of when it happened
    hour: int | None = None  # 0-23, of when it happened
    area_id: int | None = None
    state: str | None = None  # "open" or "closed"
    event_id: int | None = None  # made during this event (meldpunt/events)

    @classmethod
    def from_args(cls, args: Mapping, *, today: date) -> "AnalysisFilters":
        """From a query string; anything unusable is ignored. Without dates: the last year up to today."""
        date_to = filter_day(args.get("tot")) or today
        date_from = filter_day(args.get("van")) or date_to - timedelta(days=DEFAULT_DAYS - 1)
        if date_from > date_to:
            date_from, date_to = date_to, date_from
        return cls(
            kind=args.get("soort") if args.get("soort") in KINDS else None,
            category=(args.get("categorie") or None) and str(args.get("categorie"))[:40],
            date_from=date_from,
            date_to=date_to,
            weekday=_int_in(args.get("weekdag"), 1, 7),
            hour=_int_in(args.get("uur"), 0, 23),
            area_id=id_from(args.get("gebied")),
            state=args.get("status") if args.get("status") in ("open", "closed") else None,
            event_id=id_from(args.get("evenement")),
        )

    def as_args(self) -> dict:
        """The query string that gives these filters back (for links and the layers the map fetches)."""
        values = {
            "soort": self.kind,
            "categorie": self.category,
            "van": self.date_from.isoformat() if self.date_from else None,
            "tot": self.date_to.isoformat() if self.date_to else None,
            "weekdag": self.weekday,
            "uur": self.hour,
            "gebied": self.area_id,
            "status": self.state,
            "evenement": self.event_id,
        }
        return {k: v for k, v in values.items() if v is not None}

    def conditions(self, *, with_period: bool = True) -> list:
        where = report_scope()
        if self.kind:
            where.append(Report.kind == self.kind)
        if self.category:
            where.append(Report.category_id.in_(sa.select(Category.id).where(Category.code == self.category)))
        if with_period and self.date_from:
            where.append(Report.created_at >= local_midnight(self.date_from))
        if with_period and self.date_to:
            where.append(Report.created_at < local_midnight(self.date_to + timedelta(days=1)))
        if self.weekday:
            where.append(LocalWeekday(MOMENT) == self.weekday)
        if self.hour is not None:
            where.append(LocalHour(MOMENT) == self.hour)
        if self.area_id:
            # The queue's area filter too: the area's own links and its buurten's (geo/areas.py).
            where.append(Report.id.in_(report_ids_in_area(self.area_id)))
        if self.event_id:
            where.append(Report.id.in_(report_ids_in_event(self.event_id)))
        if self.state == "open":
            where.append(Report.state.in_(OPEN_STATES))
        elif self.state == "closed":
            where.append(Report.state.not_in(OPEN_STATES))
        return where
