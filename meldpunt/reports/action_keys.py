"""Keys that make a field action idempotent: the phone makes one per action, and sends it again after a lost
connection until it gets an answer; the server applies the action once and recognises every repeat."""

import re

import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.reports.models import FieldActionKey

KEY_PATTERN = re.compile(r"^[A-Za-z0-9-]{16,64}$")


def valid_key(key: str | None) -> str | None:
    """The key as sent when it has the shape the page makes (a UUID), else None: no key, no idempotency."""
    return key if key and KEY_PATTERN.match(key) else None


def applied(key: str | None, user, report, action: str) -> bool:
    """True when this officer already applied this action to this report with this key."""
    if not valid_key(key):
        return False
    found = db.session.scalar(sa.select(FieldActionKey).where(FieldActionKey.key == key))
    return found is not None and (found.user_id, found.report_id, found.action) == (user.id, report.id, action)


def remember(key: str | None, user, report, action: str, *, now=None) -> None:
    """Store the key in the action's own transaction: the key exists exactly when the action was applied."""
    if valid_key(key):
        db.session.add(FieldActionKey(key=key, user_id=user.id, report_id=report.id, action=action,
                                      at=now or utcnow()))  # fmt: skip
