"""The monthly "u meldde — wij deden" summary of a wijk or dorp (DESIGN §5): what residents reported there, what
was done with it and how long it took, for the wijkplatform, the dorpsbelang and the ondernemersvereniging.

Numbers only, and only numbers of at least K_ANONYMITY (public_figures); a figure that the total and the other
figures would give away is hidden too. Restricted reports are never counted (AnalysisFilters)."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from meldpunt.analysis.filters import AnalysisFilters, local_midnight
from meldpunt.analysis.leadtimes import duration, percentiles
from meldpunt.analysis.public_figures import K_ANONYMITY
from meldpunt.extensions import db
from meldpunt.feedback.area_contacts import AreaContact, AreaSummaryMailing, contacts_by_area, summary_areas
from meldpunt.feedback.notifications import queue_area_summary_mail
from meldpunt.geo.models import Area
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import Report
from meldpunt.reports.workflow import OUTCOMES

# How far back the page offers months.
SUMMARY_MONTHS = 12


@dataclass(frozen=True)
class Figure:
    label: str
    count: int | None  # None: hidden (fewer than K_ANONYMITY, or it would give such a number away)


@dataclass(frozen=True)
class AreaSummary:
    area: Area
    month: date  # the first day
    reported: list[Figure]  # per kind, reports made in the month
    reported_total: int | None
    closed: list[Figure]  # per outcome, reports closed in the month
    closed_total: int | None
    closing_days: list[Figure]  # per kind, the median days from report to closing (count: whole days)
    on_site: int | None  # reports a field worker went to in the month

    @property
    def has_any_figure(self) -> bool:
        return self.reported_total is not None or self.closed_total is not None


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def previous_month(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def recent_months(today: date, count: int = SUMMARY_MONTHS) -> list[date]:
    """The current month and the ones before it, newest first."""
    months = [first_of_month(today)]
    while len(months) < count:
        months.append(previous_month(months[-1]))
    return months


def protected(counts: dict[str, int]) -> tuple[dict[str, int | None], int | None]:
    """The figures and their total as they may be shown. Zero may be shown (it is nobody); 1 to K-1 is hidden.
    When exactly one figure is hidden and the total is shown, the total minus the others would give it away:
    the smallest other figure is hidden as well."""
    total = sum(counts.values())
    shown: dict[str, int | None] = {key: n if n == 0 or n >= K_ANONYMITY else None for key, n in counts.items()}
    shown_total = total if total == 0 or total >= K_ANONYMITY else None
    hidden = [key for key, n in shown.items() if n is None]
    if shown_total is not None and len(hidden) == 1:
        others = sorted((n, key) for key, n in counts.items() if shown[key] is not None and n > 0)
        if others:
            shown[others[0][1]] = None
    return shown, shown_total


def summarise(area: Area, month: date) -> AreaSummary:
    start, end = local_midnight(month), local_midnight(next_month(month))
    in_area = AnalysisFilters(area_id=area.id).conditions(with_period=False)
    made = [*in_area, Report.created_at >= start, Report.created_at < end]
    closed = [*in_area, Report.closed_at >= start, Report.closed_at < end]

    per_kind = dict(
        db.session.execute(sa.select(Report.kind, sa.func.count()).where(*made).group_by(Report.kind)).all()
    )
    public_kinds = [kind for kind in KINDS.values() if not kind.restricted]
    reported, reported_total = protected({kind.code: per_kind.get(kind.code, 0) for kind in public_kinds})

    per_outcome = dict(
        db.session.execute(
            sa.select(Report.outcome, sa.func.count())
            .where(*closed, Report.outcome.in_(OUTCOMES))
            .group_by(Report.outcome)
        ).all()
    )
    outcomes, closed_total = protected(per_outcome)

    medians = percentiles(duration(Report.closed_at, 86400.0), (Report.kind,), closed, shares=(0.5,))
    closing_days = [
        Figure(str(KINDS[kind].label), round(median))
        for (kind,), (n, median) in sorted(medians.items())
        if n >= K_ANONYMITY and kind in KINDS
    ]

    on_site = db.session.scalar(
        sa.select(sa.func.count()).where(*in_area, Report.on_site_at >= start, Report.on_site_at < end)
    )
    return AreaSummary(
        area=area,
        month=month,
        reported=[Figure(str(kind.label), reported[kind.code]) for kind in public_kinds],
        reported_total=reported_total,
        closed=[
            Figure(str(OUTCOMES[code]), n)
            for code, n in sorted(outcomes.items(), key=lambda item: -(per_outcome[item[0]]))
        ],
        closed_total=closed_total,
        closing_days=closing_days,
        on_site=on_site if on_site == 0 or on_site >= K_ANONYMITY else None,
    )


def queue_summaries(month: date) -> list[tuple[Area, int]]:
    """Queue the month's summary for every wijk and dorp with contacts, once per area and month, in the caller's
    transaction (the outbox sends it). Returns the areas mailed now, with the number of recipients."""
    contacts = contacts_by_area()
    done = set(db.session.scalars(sa.select(AreaSummaryMailing.area_id).where(AreaSummaryMailing.month == month)))
    queued = []
    for area in summary_areas():
        recipients: list[AreaContact] = contacts.get(area.id, [])
        if not recipients or area.id in done:
            continue
        summary = summarise(area, month)
        for contact in recipients:
            queue_area_summary_mail(contact, summary)
        db.session.add(AreaSummaryMailing(area_id=area.id, month=month, recipients=len(recipients)))
        queued.append((area, len(recipients)))
    db.session.flush()
    return queued
