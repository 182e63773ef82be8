"""Sending what the outbox holds. One message per transaction, its row locked (FOR UPDATE SKIP LOCKED on
PostgreSQL), so several workers never send the same mail twice."""

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_mail import Message

from meldpunt.db_types import utcnow
from meldpunt.extensions import db, mail
from meldpunt.feedback.screening import EMAIL
from meldpunt.outbox.models import ONE_OFF_KINDS, OutboxMessage
from meldpunt.outbox.scrub import redact_tracking_links
from meldpunt.staff.models import audit

log = logging.getLogger(__name__)
# Wait after the 1st, 2nd, ... failed attempt; after the last, the message becomes a dead letter.
RETRY_DELAYS = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
                timedelta(hours=4), timedelta(hours=12)]  # fmt: skip


@dataclass
class DrainResult:
    sent: int = 0
    retrying: int = 0
    dead: int = 0


def _next_due(now: datetime):
    # FOR UPDATE SKIP LOCKED on PostgreSQL; SQLAlchemy leaves it out on SQLite, whose writers take turns anyway.
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return db.session.scalars(query).first()


def _failed(message: OutboxMessage, error: Exception, now: datetime, *, permanent: bool, result: DrainResult):
    message.attempts += 1
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values())
    else:
        detail = str(error)
    # The error is shown to beheerders: never the reporter's address.
    message.last_error = EMAIL.sub("[adres]", f"{type(error).__name__}: {detail}")[:500]
    if permanent or message.attempts > len(RETRY_DELAYS):
        message.dead_at = now
        redact_tracking_links(message)
        result.dead += 1
        log.warning("outbox message %s is a dead letter: %s", message.id, message.last_error)
    else:
        message.next_attempt_at = now + RETRY_DELAYS[message.attempts - 1]
        result.retrying += 1
        log.info("outbox message %s failed, retry at %s", message.id, message.next_attempt_at)


def drain(limit: int = 100, *, now: datetime | None = None) -> DrainResult:
    now = now or utcnow()
    result = DrainResult()
    connection = None
    try:
        for _ in range(limit):
            message = _next_due(now)
            if message is None:
                break
            if not message.recipient:  # erased by the privacy sweep or a withdrawal: nowhere to send it
                message.dead_at = now
                message.last_error = "no recipient (contact data erased)"
                redact_tracking_links(message)
                result.dead += 1
                db.session.commit()
                continue
            try:
                if connection is None:
                    opening = mail.connect()
                    opening.__enter__()
                    connection = opening
                connection.send(
                    Message(
                        subject=message.subject,
                        recipients=[message.recipient],
                        body=message.body_text,
                        html=message.body_html,
                        sender=current_app.config["MAIL_DEFAULT_SENDER"],
                    )
                )
                message.sent_at = now
                # The confirmation carries the tracking link: once sent, the text is not kept.
                message.body_text = message.body_html = None
                if message.kind in ONE_OFF_KINDS:
                    message.recipient = None
                result.sent += 1
            except smtplib.SMTPRecipientsRefused as error:
                _failed(message, error, now, permanent=True, result=result)
            except (smtplib.SMTPException, OSError) as error:
                _failed(message, error, now, permanent=False, result=result)
                db.session.commit()
                break  # the server is down or refusing: stop this round, keep the rest for later
            db.session.commit()
    finally:
        db.session.rollback()
        if connection is not None:
            try:
                connection.__exit__(None, None, None)
            except (smtplib.SMTPException, OSError):
                pass
    return result


def dead_letters() -> list[OutboxMessage]:
    """Mails that could not be delivered (a bouncing address, or out of attempts), newest first."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.dead_at.is_not(None)).order_by(OutboxMessage.id.desc())
        )
    )


def waiting_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None))
    )


def can_send_again(message: OutboxMessage) -> bool:
    """A dead letter that still has an address: one erased by a withdrawal or the sweep stays dead."""
    return message.dead_at is not None and bool(message.recipient)


def retry_dead_letter(message: OutboxMessage, by=None, now: datetime | None = None) -> None:
    """Send a dead letter again (a beheerder's choice, audited); ValueError when it cannot be (can_send_again).
    The caller commits."""
    if not can_send_again(message):
        raise ValueError("not a dead letter with an address")
    if by is not None:
        audit(by, "mail_retried", detail=f"outbox message {message.id}")
    message.dead_at = None
    message.attempts = 0
    message.next_attempt_at = now or utcnow()
