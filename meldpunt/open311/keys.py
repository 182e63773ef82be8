"""API keys for Open311 partners: issued, named and revoked by a beheerder. A key is shown once and stored only as
a hash; every use is written to the audit log under the key's name."""

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from meldpunt.db_types import UTCDateTime, utcnow
from meldpunt.extensions import db
from meldpunt.staff.models import audit

KEY_PREFIX = "sa_"
NAME_MAX_LENGTH = 80


class ApiKey(db.Model):
    __tablename__ = "api_key"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(NAME_MAX_LENGTH), unique=True)
    # sha256 of the key: a key has 256 random bits, so a fast hash cannot be guessed back.
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # The first characters, so a beheerder can tell keys apart without the key itself.
    hint: so.Mapped[str] = so.mapped_column(sa.String(12))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"))
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiKeyError(ValueError):
    pass


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(name: str, *, by=None, now: datetime | None = None) -> tuple[ApiKey, str]:
    """A new key under a unique name; returns the record and the key, which is never shown again."""
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX_LENGTH:
        raise ApiKeyError("name")
    if db.session.scalar(sa.select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise ApiKeyError("duplicate")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    record = ApiKey(name=name, key_hash=_hash(key), hint=key[:8], created_at=now or utcnow(),
                    created_by_id=by.id if by is not None else None)  # fmt: skip
    db.session.add(record)
    db.session.flush()
    audit(by, "api_key_issued", detail=name)
    return record, key


def revoke_key(record: ApiKey, *, by=None, now: datetime | None = None) -> None:
    if record.revoked_at is None:
        record.revoked_at = now or utcnow()
        audit(by, "api_key_revoked", detail=record.name)


def key_for(presented: str | None) -> ApiKey | None:
    """The active key presented, or None (unknown, revoked or missing)."""
    if not presented or len(presented) > 100:
        return None
    record = db.session.scalar(sa.select(ApiKey).where(ApiKey.key_hash == _hash(presented)))
    return record if record is not None and record.active else None


def record_use(record: ApiKey, what: str, *, report_id: int | None = None, now: datetime | None = None) -> None:
    """Each use of a key, in the audit log (no staff user: the key's name says who)."""
    record.last_used_at = now or utcnow()
    audit(None, "api_key_used", detail=f"{record.name}: {what}"[:500], report_id=report_id)


def submission_key(record: ApiKey, idempotency_key: str) -> str:
    """The submission key of a report filed with an Idempotency-Key: the partner's key id is part of it, so that one
    partner's key never finds another partner's report (the form's keys are random and have no colon)."""
    return f"open311:{record.id}:{idempotency_key}"


def all_keys() -> list[ApiKey]:
    return list(db.session.scalars(sa.select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.name)))
