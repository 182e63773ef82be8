from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from meldpunt.db_types import UTCDateTime, utcnow
from meldpunt.extensions import db

# Mail to an address given for that one mail ("mail me this link"): the address is forgotten once it is sent.
ONE_OFF_KINDS = frozenset({"tracking_link"})


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(30))  # confirmation, taken_up, closed, tracking_link
    report_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("report.id", ondelete="SET NULL"), index=True)
    recipient: so.Mapped[str | None] = so.mapped_column(sa.String(254))  # erased by the privacy sweep
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    body_text: so.Mapped[str | None] = so.mapped_column(sa.Text)
    body_html: so.Mapped[str | None] = so.mapped_column(sa.Text)
    locale: so.Mapped[str] = so.mapped_column(sa.String(5), default="nl")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, index=True)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Dead letters: permanently refused (a bouncing address) or out of attempts. A beheerder can retry them.
    dead_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(500))

    report: so.Mapped["Report | None"] = so.relationship()  # noqa: F821
