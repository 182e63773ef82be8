"""Reading the audit log as people do: filtered by person, action, report and period, each line with the report's
reference and the action's name in the reader's language."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meldpunt.extensions import db
from meldpunt.filter_days import local_midnight
from meldpunt.reports.models import Report
from meldpunt.reports.workflow import STATE_LABELS
from meldpunt.staff.models import AuditEntry, User

ACTION_LABELS = {
    "login": _l("Signed in"),
    "signed_out_everywhere": _l("Signed out everywhere"),
    "totp_enabled": _l("Two-step verification turned on"),
    "password_set": _l("Password set"),
    "user_created": _l("Account created"),
    "user_changed": _l("Account changed"),
    "restricted_access_requested": _l("Access to restricted reports requested"),
    "restricted_access_granted": _l("Access to restricted reports granted"),
    "restricted_access_refused": _l("Access to restricted reports refused"),
    "restricted_access_revoked": _l("Access to restricted reports withdrawn"),
    "contact_viewed": _l("Contact details viewed"),
    "export": _l("Data exported"),
    "signal_acknowledged": _l("Early warning seen"),
    "mail_retried": _l("Undelivered mail sent again"),
    "vaste_boa": _l("Vaste boa of an area changed"),
    "area_contact_add": _l("Area summary: contact added"),
    "area_contact_remove": _l("Area summary: contact removed"),
    "report_intake": _l("Report: filed for a resident"),
    "group_registered": _l("Buurtpreventie group registered"),
    "group_activated": _l("Buurtpreventie group active again"),
    "group_deactivated": _l("Buurtpreventie group made inactive"),
    "schouw_started": _l("Schouw started"),
    "schouw_spot": _l("Schouw: spot recorded"),
    "schouw_finished": _l("Schouw finished"),
    "event_created": _l("Event planned"),
    "event_changed": _l("Event changed"),
    "event_deleted": _l("Event removed"),
    "risk_zone_created": _l("Risk zone designated"),
    "risk_zone_changed": _l("Risk zone changed"),
    "risk_zone_deleted": _l("Risk zone removed"),
    "report_state": _l("Report: state changed"),
    "report_assign": _l("Report: assigned"),
    "report_claim": _l("Report: claimed by a field officer"),
    "report_hand_back": _l("Report: handed back by the field officer"),
    "report_on_site": _l("Report: on site"),
    "report_reroute": _l("Report: moved to another queue"),
    "report_merge": _l("Report: merged"),
    "report_plan": _l("Report: planned"),
    "report_forward": _l("Report: forwarded"),
    "report_close": _l("Report: closed"),
    "report_cancel": _l("Report: cancelled"),
    "report_reopen": _l("Report: reopened"),
    "api_key_issued": _l("API key issued"),
    "api_key_revoked": _l("API key revoked"),
    "api_key_used": _l("API key used (Open311)"),
}
PAGE_SIZE = 100


@dataclass
class AuditFilters:
    user_id: int | None = None
    action: str | None = None
    reference: str | None = None
    start: date | None = None  # local days, both included
    end: date | None = None


@dataclass
class AuditLine:
    entry: AuditEntry
    reference: str | None
    report_id: int | None


def audit_lines(filters: AuditFilters, *, page: int = 1, size: int = PAGE_SIZE) -> list[AuditLine]:
    """Newest first. An unknown reference finds nothing (not everything)."""
    stmt = sa.select(AuditEntry, Report.reference).outerjoin(Report, Report.id == AuditEntry.report_id)
    if filters.user_id:
        stmt = stmt.where(AuditEntry.user_id == filters.user_id)
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.reference:
        stmt = stmt.where(Report.reference == filters.reference.strip().upper())
    if filters.start:
        stmt = stmt.where(AuditEntry.at >= local_midnight(filters.start))
    if filters.end:
        stmt = stmt.where(AuditEntry.at < local_midnight(filters.end + timedelta(days=1)))
    rows = db.session.execute(stmt.order_by(AuditEntry.id.desc()).limit(size).offset((max(page, 1) - 1) * size))
    return [AuditLine(entry, reference, entry.report_id) for entry, reference in rows]


def people_in_log() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.name)))


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def readable_detail(entry: AuditEntry) -> str:
    """A report's state change ("nieuw -> in_behandeling") in words; other details as written."""
    detail = entry.detail or ""
    if entry.action.startswith("report_") and " -> " in detail:
        before, _sep, after = detail.partition(" -> ")
        return f"{STATE_LABELS.get(before, before)} → {STATE_LABELS.get(after, after)}"
    return detail
