"""Storing a new report: validate, locate, route and record it in one transaction (DESIGN §3: a report is in its
queue the moment the reporter sees the confirmation)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.feedback.notifications import queue_confirmation
from meldpunt.feedback.receipts import hash_secret, new_reference, tracking_token_for
from meldpunt.geo import spatial
from meldpunt.geo.areas import areas_containing
from meldpunt.geo.boundaries import check_point_in_municipality
from meldpunt.profiles import Profile, current_profile
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import Category, Report, ReportPhoto, StateChange
from meldpunt.reports.photos import photo_store
from meldpunt.reports.routing import RoutingContext, route_report

# Phones' clocks drift; a time a few minutes "in the future" is the present.
CLOCK_SKEW = timedelta(minutes=5)


class SubmissionRejected(ValueError):
    """Bad input that the form could not catch on its own. `field` names the form field to attach it to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


@dataclass
class NewReport:
    kind: str
    category_code: str
    description: str
    lat: float
    lon: float
    location_method: str
    location_description: str | None = None
    incident_is_now: bool = False
    incident_at: datetime | None = None  # aware; None for a lasting condition (unsafe place)
    answers: dict = field(default_factory=dict)
    safety_flag: bool = False
    email: str | None = None
    email_consent: bool = False
    locale: str = "nl"
    submission_key: str | None = None
    pending_photo_tokens: list[str] = field(default_factory=list)
    channel: str = "web"


@dataclass(frozen=True)
class Receipt:
    report_id: int
    reference: str
    tracking_token: str
    queue_code: str
    urgent_outside_service_hours: bool
    safety_flag: bool
    category_code: str
    created: bool  # False: a retried submission that had already been stored


def validate_location(lon: float, lat: float, profile: Profile) -> None:
    check = check_point_in_municipality(lon, lat, profile.cbs_code)
    if check.inside:
        return
    if check.municipality_name:
        message = _l(
            "This spot is in the municipality of %(other)s, not in %(ours)s. Please report it to %(other)s.",
            other=check.municipality_name,
            ours=profile.name,
        )
    else:
        message = _l(
            "This spot is outside the Netherlands. We can only take reports about places in %(ours)s.",
            ours=profile.name,
        )
    raise SubmissionRejected("location", message)


def validate_incident_time(incident_at: datetime | None, now: datetime) -> None:
    if incident_at is not None and incident_at > now + CLOCK_SKEW:
        raise SubmissionRejected("when_date", _l("The time lies in the future. When did it happen?"))


def submit_report(new: NewReport, *, now: datetime | None = None) -> Receipt:
    """Store, locate and route a report, and commit. A retry with the same submission key returns the receipt
    of the report stored the first time."""
    now = now or utcnow()
    profile = current_profile()
    secret = current_app.config["SECRET_KEY"]
    key_hash = hash_secret(new.submission_key) if new.submission_key else None

    if key_hash and (existing := _by_submission_key(key_hash)):
        return _receipt(existing, tracking_token_for(secret, new.submission_key), created=False)

    kind = KINDS.get(new.kind)
    category = db.session.scalar(
        sa.select(Category).where(Category.code == new.category_code, Category.active.is_(True))
    )
    if kind is None or category is None or category.kind != kind.code:
        raise SubmissionRejected("category", _l("Choose what you want to report."))
    validate_location(new.lon, new.lat, profile)
    incident_at = new.incident_at if kind.is_incident else None
    validate_incident_time(incident_at, now)

    areas = areas_containing(new.lon, new.lat)
    minutes_since = (now - incident_at).total_seconds() / 60 if incident_at else None
    decision = route_report(
        RoutingContext(
            kind=kind.code,
            category_code=category.code,
            minutes_since_incident=max(minutes_since, 0) if minutes_since is not None else None,
            field_team_on_duty=profile.field_team_on_duty(now),
            area_kinds=frozenset(a.kind for a in areas),
            area_codes=frozenset(a.code for a in areas),
        )
    )
    token = tracking_token_for(secret, new.submission_key)
    location = spatial.point(new.lon, new.lat)
    store = photo_store()
    claimed = [store.claim_pending(t) for t in new.pending_photo_tokens if store.has_pending(t)]

    for _attempt in range(3):
        report = Report(
            reference=new_reference(profile.reference_prefix),
            tracking_token_hash=hash_secret(token),
            submission_key_hash=key_hash,
            kind=kind.code,
            category=category,
            description=new.description.strip(),
            answers=new.answers,
            safety_flag=new.safety_flag,
            location=location,
            location_rd=spatial.to_rd(location),
            location_method=new.location_method,
            location_description=(new.location_description or "").strip() or None,
            area=areas[0] if areas else None,
            incident_at=incident_at,
            incident_is_now=new.incident_is_now and kind.is_incident,
            email=(new.email or None) if kind.collects_contact and new.email_consent else None,
            email_consent=bool(new.email and new.email_consent and kind.collects_contact),
            locale=new.locale,
            channel=new.channel,
            queue=decision.queue,
            routing_rule_id=decision.rule.id if decision.rule else None,
            routed_outside_service_hours=decision.urgent_outside_service_hours,
            state="nieuw",
            created_at=now,
            updated_at=now,
        )
        report.history.append(
            StateChange(
                at=now,
                from_state=None,
                to_state="nieuw",
                event="created",
                queue=decision.queue,
                actor="melder" if new.channel == "web" else "medewerker",
                reason=f"Gerouteerd door regel: {decision.rule.description}"
                if decision.rule
                else "Geen regel",
            )
        )
        for photo in claimed:
            report.photos.append(
                ReportPhoto(
                    storage_key=photo.key,
                    content_type="image/jpeg",
                    width=photo.width,
                    height=photo.height,
                    size_bytes=photo.size,
                )
            )
        db.session.add(report)
        queue_confirmation(report, token)  # same transaction: no report without its mail, no mail without report
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            if key_hash and (existing := _by_submission_key(key_hash)):
                store.release_all(claimed)
                return _receipt(existing, token, created=False)
            continue  # a reference collision: draw another
        except Exception:
            db.session.rollback()
            store.release_all(claimed)
            raise
        return _receipt(report, token, created=True)
    store.release_all(claimed)
    raise RuntimeError("could not allocate a unique reference")


def _by_submission_key(key_hash: str) -> Report | None:
    return db.session.scalar(sa.select(Report).where(Report.submission_key_hash == key_hash))


def _receipt(report: Report, token: str, *, created: bool) -> Receipt:
    return Receipt(
        report_id=report.id,
        reference=report.reference,
        tracking_token=token,
        queue_code=report.queue.code,
        urgent_outside_service_hours=report.routed_outside_service_hours,
        safety_flag=report.safety_flag,
        category_code=report.category.code,
        created=created,
    )
