"""Staff users, their sessions, sign-in throttling, requests for restricted access, and the audit log of access
to personal data and of changes."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from meldpunt.db_types import UTCDateTime, utcnow
from meldpunt.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "staff_user"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    # A work address, for mail to staff (early warnings to OOV). Optional; never shown to reporters.
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    roles: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    # Restricted categories (verdachte situatie) are seen only with this permission.
    sees_restricted: so.Mapped[bool] = so.mapped_column(default=False)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    # A field worker's team (the code of one of the profile's field_teams): they see only its queue in field mode.
    # Empty or unknown: the profile's first team.
    field_team: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    totp_secret: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    totp_enabled: so.Mapped[bool] = so.mapped_column(default=False)
    totp_last_step: so.Mapped[int | None]  # a code is accepted once
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    @property
    def role_set(self) -> set[str]:
        return set(self.roles or [])

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set & set(roles))

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_active(self) -> bool:
        return self.active


class StaffSession(db.Model):
    """One signed-in browser. The cookie holds a random token; this row holds its SHA-256 hash, so a copy of the
    database opens no session. Ended rows stay for a while (see sessions.FORGET_AFTER) and are then deleted."""

    __tablename__ = "staff_session"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff_user.id"), index=True)
    # True between a right password and the second step: such a session opens nothing but the code page.
    pending: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), index=True)  # the sign-in time
    last_seen_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    end_reason: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    user_agent: so.Mapped[str | None] = so.mapped_column(sa.String(200))

    user: so.Mapped[User] = so.relationship()


class LoginThrottle(db.Model):
    """Failed sign-in attempts per account name (as typed, normalised, whether or not it exists) and per client
    address. The key is a keyed hash, so neither names typed by mistake nor addresses are stored."""

    __tablename__ = "login_throttle"

    key: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    failures: so.Mapped[int] = so.mapped_column(default=0)
    last_failure_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), index=True)


class RestrictedAccessRequest(db.Model):
    """A beheerder asked to let a person see restricted reports; another beheerder confirms it (four eyes)."""

    __tablename__ = "restricted_access_request"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff_user.id"), unique=True)
    requested_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff_user.id"))
    requested_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])
    requested_by: so.Mapped[User] = so.relationship(foreign_keys=[requested_by_id])


class AuditEntry(db.Model):
    """Who viewed contact details, exported data or changed a report, and when. Never updated or deleted."""

    __tablename__ = "audit_entry"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"), index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    report_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("report.id"), index=True)
    detail: so.Mapped[str | None] = so.mapped_column(sa.String(500))

    user: so.Mapped[User | None] = so.relationship()


class SavedQueueFilter(db.Model):
    """A staff member's named set of queue filters (the query string of the queue page), per queue."""

    __tablename__ = "saved_queue_filter"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    queue_code: so.Mapped[str] = so.mapped_column(sa.String(20))
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    query: so.Mapped[str] = so.mapped_column(sa.String(500))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (sa.UniqueConstraint("user_id", "queue_code", "name", name="uq_saved_queue_filter_name"),)


@sa.event.listens_for(AuditEntry, "before_update")
@sa.event.listens_for(AuditEntry, "before_delete")
def _audit_is_append_only(_mapper, _connection, target):
    raise PermissionError(f"audit entry {target.id} is append-only")


# Every action the audit log records, besides a report's events ("report_" + a history event, reports/history.py).
# The log's reader names each in words (staff/audit_log.py); a test holds the labels to this list.
AUDIT_ACTIONS = frozenset(
    {"login", "signed_out_everywhere", "totp_enabled", "password_set", "user_created", "user_changed",
     "restricted_access_requested", "restricted_access_granted", "restricted_access_refused",
     "restricted_access_revoked", "contact_viewed", "export", "signal_acknowledged", "mail_retried", "vaste_boa",
     "api_key_issued", "api_key_revoked", "api_key_used", "event_created", "event_changed", "event_deleted",
     "risk_zone_created", "risk_zone_changed", "risk_zone_deleted", "area_contact_add", "area_contact_remove",
     "group_registered", "group_activated", "group_deactivated", "schouw_started", "schouw_spot",
     "schouw_finished"}
)  # fmt: skip


def audit(user, action: str, report=None, detail: str | None = None, *, report_id: int | None = None) -> AuditEntry:
    """One line of the audit log; `user` None for a use of an API key (the detail names the key)."""
    if action not in AUDIT_ACTIONS and not action.startswith("report_"):
        raise ValueError(f"unknown audit action {action!r}: add it to AUDIT_ACTIONS and give it a label")
    entry = AuditEntry(
        user_id=user.id if user is not None else None,
        action=action,
        report_id=report.id if report is not None else report_id,
        detail=detail,
    )
    db.session.add(entry)
    return entry
