"""Early warnings (DESIGN §9): a rule such as "3 or more straatintimidatie reports within 200 m in 14 days" raises a
signal for OOV when a new report completes such a group: once per hotspot (later reports there join the signal),
with one mail to the OOV staff who have an e-mail address. OOV acknowledges a signal with a note."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meldpunt.analysis.filters import report_scope
from meldpunt.analysis.models import Signal, WarningRule, signal_report
from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.feedback.notifications import queue_signal_mail
from meldpunt.geo import WGS84, LatLon, spatial
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import Category, Report
from meldpunt.reports.queries import with_spot
from meldpunt.staff.models import User, audit
from meldpunt.staff.roles import OOV
from meldpunt.translated_data import completed_names, names_in


@dataclass(frozen=True)
class WarningRuleSeed:
    code: str
    name: str
    radius_m: int
    days: int
    min_count: int
    kind: str | None = None
    categories: tuple[str, ...] | None = None


DEFAULT_RULES = (
    WarningRuleSeed(
        "straatintimidatie-200m",
        _l("3 or more street harassment reports within 200 m in 14 days"),
        radius_m=200,
        days=14,
        min_count=3,
        kind="straatintimidatie",
    ),
)


def seed_warning_rules(languages) -> int:
    existing = {row.code: row for row in db.session.scalars(sa.select(WarningRule))}
    added = 0
    for seed in DEFAULT_RULES:
        if row := existing.get(seed.code):
            if (names := completed_names(row.names, seed.name, languages)) is not None:
                row.names = names  # a language or a translation that arrived since; never a changed name
            continue
        names = names_in(seed.name, languages)
        db.session.add(
            WarningRule(code=seed.code, names=names, kind=seed.kind, radius_m=seed.radius_m, days=seed.days,
                        min_count=seed.min_count, category_codes=list(seed.categories) if seed.categories else None)
        )  # fmt: skip
        added += 1
    db.session.flush()
    return added


# Signal's figures read from its reports (analysis.models): read again once a report joins.
DERIVED = ["report_count", "last_report_at"]


def _rule_matches(rule: WarningRule, report: Report) -> bool:
    if report.category.restricted or not KINDS[report.kind].has_spot:  # a signal without a spot is near nothing
        return False
    if rule.kind and report.kind != rule.kind:
        return False
    return not rule.category_codes or report.category.code in rule.category_codes


def _rule_conditions(rule: WarningRule) -> list:
    where = [*report_scope(), with_spot()]
    if rule.kind:
        where.append(Report.kind == rule.kind)
    if rule.category_codes:
        where.append(Report.category_id.in_(sa.select(Category.id).where(Category.code.in_(rule.category_codes))))
    return where


def check_new_report(report: Report, *, now: datetime | None = None) -> list[Signal]:
    """Run after the report is flushed, in its transaction. Returns the signals it raised or joined."""
    now = now or utcnow()
    here = sa.select(Report.location_rd).where(Report.id == report.id).scalar_subquery()
    touched = []
    for rule in db.session.scalars(sa.select(WarningRule).where(WarningRule.active.is_(True))):
        if not _rule_matches(rule, report):
            continue
        since = now - timedelta(days=rule.days)
        group = list(
            db.session.scalars(
                sa.select(Report.id).where(
                    *_rule_conditions(rule),
                    Report.created_at >= since,
                    Report.created_at <= now,  # a re-check of older reports sees only what had come in by then
                    spatial.WithinMetres(Report.location_rd, here, rule.radius_m),
                )
            )
        )
        if len(group) < rule.min_count:
            continue
        # The hotspot's signal: one that already holds a report of this group (a hotspot stretched along a street
        # reaches past its first centre, and a re-check meets reports that are signalled already), else one
        # centred within reach.
        holds_one = Signal.id.in_(sa.select(signal_report.c.signal_id).where(signal_report.c.report_id.in_(group)))
        signal = db.session.scalar(
            sa.select(Signal)
            .where(Signal.rule_id == rule.id, Signal.last_report_at >= since,
                   sa.or_(holds_one, spatial.WithinMetres(Signal.centre_rd, here, rule.radius_m)))
            .order_by(holds_one.desc(), Signal.raised_at.desc())
            .limit(1)
        )  # fmt: skip
        if signal is not None:  # the hotspot already has its signal: the report joins it, no new mail
            if report not in signal.reports:
                signal.reports.append(report)
        else:
            members = list(db.session.scalars(sa.select(Report).where(Report.id.in_(group))))
            centre = sa.select(sa.func.ST_Centroid(sa.func.ST_Collect(Report.location_rd))).where(Report.id.in_(group))
            signal = Signal(rule=rule, raised_at=now, centre_rd=centre.scalar_subquery(), reports=members)
            db.session.add(signal)
            db.session.flush()
            db.session.expire(signal, DERIVED)
            for user in oov_recipients():
                queue_signal_mail(user, signal)
        touched.append(signal)
    db.session.flush()
    for signal in touched:
        db.session.expire(signal, DERIVED)  # read again from its reports
    return touched


def recheck(since: datetime, until: datetime | None = None) -> tuple[int, int]:
    """Check the reports made from `since` (to `until`) as if each had just come in, oldest first: for reports
    that did not pass through submission (`flask reports import`, bulk demo data). Signals and mails as at
    submission: a hotspot that has a signal already is joined, not raised again, so a second run changes
    nothing. Returns (reports checked, new signals)."""
    until = until or utcnow()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Signal))
    reports = db.session.scalars(
        sa.select(Report).where(Report.created_at >= since, Report.created_at <= until).order_by(Report.created_at)
    ).all()
    for report in reports:
        check_new_report(report, now=report.created_at)
    return len(reports), db.session.scalar(sa.select(sa.func.count()).select_from(Signal)) - before


def oov_recipients() -> list[User]:
    users = db.session.scalars(sa.select(User).where(User.active.is_(True), User.email.is_not(None)))
    return [u for u in users if u.has_role(OOV)]


def open_signals_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Signal).where(Signal.acknowledged_at.is_(None)))


def signals(limit: int = 100) -> list[Signal]:
    """Unacknowledged first, newest first."""
    return list(
        db.session.scalars(
            sa.select(Signal).order_by(Signal.acknowledged_at.is_not(None), Signal.raised_at.desc()).limit(limit)
        )
    )


def acknowledge(signal: Signal, note: str, by: User, *, now: datetime | None = None) -> bool:
    """Mark the signal as seen, with OOV's note; False when a colleague already did (nothing changes)."""
    if signal.acknowledged_at is not None:
        return False
    signal.acknowledged_at = now or utcnow()
    signal.acknowledged_by = by
    signal.note = (note or "").strip()[:2000] or None
    audit(by, "signal_acknowledged", detail=f"signal {signal.id} ({signal.rule.code})")
    db.session.flush()
    return True


def positions(found: list[Signal]) -> dict[int, LatLon]:
    """Each signal's centre in WGS84, for display."""
    if not found:
        return {}
    centre = sa.func.ST_Transform(Signal.centre_rd, WGS84)
    rows = db.session.execute(
        sa.select(Signal.id, sa.func.ST_Y(centre), sa.func.ST_X(centre)).where(Signal.id.in_([s.id for s in found]))
    )
    return {signal_id: LatLon(lat, lon) for signal_id, lat, lon in rows}
