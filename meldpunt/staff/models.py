"""Staff users and the audit log of access to personal data and of changes."""

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
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    roles: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    # Restricted categories (verdachte situatie) are seen only with this permission.
    sees_restricted: so.Mapped[bool] = so.mapped_column(default=False)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    totp_secret: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    totp_enabled: so.Mapped[bool] = so.mapped_column(default=False)
    totp_last_step: so.Mapped[int | None]  # a code is accepted once
    failed_logins: so.Mapped[int] = so.mapped_column(default=0)
    locked_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Changes when the password or 2FA changes, so that other sessions end.
    session_version: so.Mapped[int] = so.mapped_column(default=1)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    @property
    def role_set(self) -> set[str]:
        return set(self.roles or [])

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set & set(roles))

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active


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


@sa.event.listens_for(AuditEntry, "before_update")
@sa.event.listens_for(AuditEntry, "before_delete")
def _audit_is_append_only(_mapper, _connection, target):
    raise PermissionError(f"audit entry {target.id} is append-only")


def audit(user, action: str, report=None, detail: str | None = None) -> AuditEntry:
    entry = AuditEntry(
        user_id=user.id if user is not None else None,
        action=action,
        report_id=report.id if report is not None else None,
        detail=detail,
    )
    db.session.add(entry)
    return entry
