"""Removing personal data from mail the outbox holds. The privacy sweep and a withdrawal call these; the dead
letter handling uses redact_tracking_links. Nothing outside this package touches the outbox table."""

import re
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from meldpunt.extensions import db
from meldpunt.outbox.models import OutboxMessage

TABLES = (OutboxMessage.__tablename__,)
_TOKEN = r"/volg/[A-Za-z0-9_-]{43}"
_HTML_LINK = re.compile(r'<a href="[^"]*' + _TOKEN + r'">[^<]*</a>')
_TEXT_LINK = re.compile(r"\S*" + _TOKEN)


def erase_recipients(report_ids, now: datetime) -> None:
    """The reporters' addresses go; mail not yet sent can then go nowhere and becomes a dead letter."""
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.report_id.in_(report_ids)).values(recipient=None))
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.report_id.in_(report_ids), OutboxMessage.sent_at.is_(None),
               OutboxMessage.dead_at.is_(None))
        .values(dead_at=now, last_error="contact data erased")
    )  # fmt: skip


def erase_bodies(report_ids) -> None:
    db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.report_id.in_(report_ids)).values(body_text=None, body_html=None)
    )


def redact_tracking_links(message: OutboxMessage) -> None:
    """A mail that stays in the outbox unsent must not hold the secret tracking link. The rest of it (the
    reference, what happens next) can still be sent when a beheerder retries it."""
    with force_locale(message.locale or "nl"):
        notice = _("(the personal link was removed from this e-mail; quote your reference number instead)")
    if message.body_text:
        message.body_text = _TEXT_LINK.sub(notice, message.body_text)
    if message.body_html:
        message.body_html = _TEXT_LINK.sub(notice, _HTML_LINK.sub(notice, message.body_html))
