"""Retention (DESIGN §6), enforced by `flask privacy-sweep` and shown on the privacy page from the same settings.

After a report is closed (afgehandeld, geannuleerd or withdrawn):
- contact data (e-mail, and the address on queued mail) is erased after CONTACT_DAYS;
- the exact location is coarsened to the centre of a GRID_M grid cell after EXACT_LOCATION_DAYS, and the spot
  description ("behind the library") goes with it;
- description, photos and the messages to the reporter are deleted after CONTENT_DAYS.
What stays is the statistical record: kind, category, coarse location, times, outcome, lead times.

These functions change rows and flush; the caller commits. Erased values must also leave the database's files:
see `meldpunt.geo.engine.purge_erased_data`, which the privacy-sweep command runs after its commit."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.feedback.models import Satisfaction
from meldpunt.geo import WGS84, spatial
from meldpunt.outbox import scrub
from meldpunt.outbox.scrub import erase_bodies, erase_recipients
from meldpunt.reports.drafts import draft_store
from meldpunt.reports.history import record_change
from meldpunt.reports.models import OPEN_STATES, Report, ReporterMessage, ReportPhoto, StateChange
from meldpunt.reports.photos import photo_store

log = logging.getLogger(__name__)
# Reports per statement when the sweep erases in bulk.
ID_CHUNK = 10_000
# Every table this module erases from, for the clean-up of the database files after a sweep.
TABLES_ERASED_FROM = tuple(model.__tablename__ for model in (Report, StateChange, ReporterMessage, ReportPhoto,
                                                             Satisfaction)) + scrub.TABLES  # fmt: skip


@dataclass(frozen=True)
class RetentionPolicy:
    contact_days: int
    exact_location_days: int
    content_days: int
    grid_m: int

    @classmethod
    def from_config(cls, config) -> "RetentionPolicy":
        return cls(
            contact_days=int(config["RETENTION_CONTACT_DAYS"]),
            exact_location_days=int(config["RETENTION_EXACT_LOCATION_DAYS"]),
            content_days=int(config["RETENTION_CONTENT_DAYS"]),
            grid_m=int(config["RETENTION_GRID_M"]),
        )


def current_policy() -> RetentionPolicy:
    return RetentionPolicy.from_config(current_app.config)


def _closed_before(moment: datetime):
    return sa.and_(Report.closed_at.is_not(None), Report.closed_at <= moment)


def erase_contact(report_ids, now: datetime) -> None:
    db.session.execute(
        sa.update(Report)
        .where(Report.id.in_(report_ids))
        .values(email=None, email_consent=False, contact_erased_at=now, version=Report.version + 1)
    )
    erase_recipients(report_ids, now)


def coarsen_location(report_ids, grid_m: int, now: datetime) -> None:
    snapped = spatial.snapped_to_grid(Report.rd_x, Report.rd_y, grid_m)
    db.session.execute(
        sa.update(Report)
        .where(Report.id.in_(report_ids))
        .values(location_rd=snapped, location_description=None, location_coarsened_at=now, version=Report.version + 1)
    )
    db.session.execute(
        sa.update(Report)
        .where(Report.id.in_(report_ids))
        .values(location=sa.func.ST_Transform(Report.location_rd, WGS84))
    )


def erase_content(report_ids, now: datetime) -> int:
    store = photo_store()
    photos = list(db.session.scalars(sa.select(ReportPhoto).where(ReportPhoto.report_id.in_(report_ids))))
    for photo in photos:
        try:
            store.delete_when_committed(photo.storage_key, db.session())
        except KeyError:
            log.warning("photo %s has an invalid storage key", photo.id)
    db.session.execute(sa.delete(ReportPhoto).where(ReportPhoto.report_id.in_(report_ids)))
    db.session.execute(sa.delete(ReporterMessage).where(ReporterMessage.report_id.in_(report_ids)))
    db.session.execute(sa.update(Satisfaction).where(Satisfaction.report_id.in_(report_ids)).values(comment=None))
    # Staff notes and reasons in the history are free text too. The history stays append-only for the ORM; this
    # retention step is the one place that removes text from it.
    db.session.execute(
        sa.update(StateChange)
        .where(StateChange.report_id.in_(report_ids), StateChange.event != "created")
        .values(reason=None)
    )
    erase_bodies(report_ids)
    db.session.execute(
        sa.update(Report)
        .where(Report.id.in_(report_ids))
        .values(description=None, location_description=None, content_erased_at=now, version=Report.version + 1)
    )
    return len(photos)


def sweep(*, now: datetime | None = None, policy: RetentionPolicy | None = None) -> dict[str, int]:
    """Apply the retention periods. Idempotent: what was done is marked and not done again."""
    now = now or utcnow()
    policy = policy or current_policy()

    def due(marker, days):
        return list(
            db.session.scalars(sa.select(Report.id).where(marker.is_(None), _closed_before(now - timedelta(days=days))))
        )

    def chunks(ids):  # PostgreSQL takes at most 65,535 parameters a statement; an import can bring more reports
        return (ids[start : start + ID_CHUNK] for start in range(0, len(ids), ID_CHUNK))

    counts = {}
    contact = due(Report.contact_erased_at, policy.contact_days)
    for chunk in chunks(contact):
        erase_contact(chunk, now)
    counts["contact_erased"] = len(contact)
    coarse = due(Report.location_coarsened_at, policy.exact_location_days)
    for chunk in chunks(coarse):
        coarsen_location(chunk, policy.grid_m, now)
    counts["locations_coarsened"] = len(coarse)
    content = due(Report.content_erased_at, policy.content_days)
    counts["photos_deleted"] = sum(erase_content(chunk, now) for chunk in chunks(content))
    counts["content_erased"] = len(content)
    counts["pending_photos_removed"] = photo_store().prune_pending()
    counts["drafts_removed"] = draft_store().prune()
    db.session.flush()
    log.info("privacy sweep: %s", ", ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


def withdraw(report: Report, *, now: datetime | None = None) -> None:
    """The reporter withdraws the report: personal data goes at once, the statistical record stays."""
    now = now or utcnow()
    if report.state in OPEN_STATES:
        record_change(report, event="withdrawn", to_state="geannuleerd", actor="melder",
                      reason="Ingetrokken door de melder", now=now)  # fmt: skip
        report.state = "geannuleerd"
    report.closed_at = report.closed_at or now
    report.withdrawn_at = now
    db.session.flush()
    ids = [report.id]
    erase_contact(ids, now)
    coarsen_location(ids, current_policy().grid_m, now)
    erase_content(ids, now)
    db.session.flush()
