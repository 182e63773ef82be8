"""Storing a new report: check, locate, route and record it in the caller's transaction (DESIGN §3: a report is in
its queue the moment the reporter sees the confirmation). Every rule about what a report needs lives here, so the
web form, the API and the command line are held to the same ones; `check_report` reports every problem at once."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from meldpunt.analysis.warnings import check_new_report
from meldpunt.db_types import utcnow
from meldpunt.events.risk_zones import in_active_risk_zone
from meldpunt.events.tagging import tag_reports
from meldpunt.extensions import db
from meldpunt.feedback.notifications import queue_confirmation
from meldpunt.feedback.receipts import hash_secret, new_reference, tracking_token_for
from meldpunt.geo import LatLon, spatial
from meldpunt.geo.areas import SIGNAL_AREA_KINDS, areas_containing, stand_in_point
from meldpunt.geo.boundaries import check_point_in_municipality
from meldpunt.geo.models import Area
from meldpunt.profiles import Profile, current_profile
from meldpunt.reports.due import due_at_for
from meldpunt.reports.history import record_change
from meldpunt.reports.kinds import KINDS, Kind, asks_contact
from meldpunt.reports.models import AREA_LOCATION_METHODS, LOCATION_METHODS, Category, Report, ReportPhoto
from meldpunt.reports.photos import photo_store
from meldpunt.reports.routing import RoutingContext, policy_route, route_report
from meldpunt.reports.safety import mentions_danger
from meldpunt.text import without_control_characters

# How a spot may have been chosen; the others say that a report has none.
SPOT_LOCATION_METHODS = tuple(m for m in LOCATION_METHODS if m not in AREA_LOCATION_METHODS)
# Phones' clocks drift; a time a few minutes "in the future" is the present.
CLOCK_SKEW = timedelta(minutes=5)
DESCRIPTION_MAX_LENGTH = 2000
LOCATION_DESCRIPTION_MAX_LENGTH = 300


class SubmissionRejected(ValueError):
    """Bad input the reporter can fix. `problems` maps a part of the report to its message; the parts are
    category, description, location, location_description, incident_at, email, email_consent, safety_feeling and
    area."""

    def __init__(self, problems: dict):
        super().__init__("; ".join(f"{part}: {message}" for part, message in problems.items()))
        self.problems = problems


@dataclass
class NewReport:
    kind: str
    category_code: str
    description: str
    position: LatLon | None
    location_method: str
    # "exact": the position is the spot; "place": a village centre from a search, the spot must be described.
    location_precision: str = "exact"
    location_description: str | None = None
    incident_is_now: bool = False
    incident_at: datetime | None = None  # aware; ignored when it is happening now, or for a lasting condition
    answers: dict = field(default_factory=dict)
    email: str | None = None
    email_consent: bool = False
    locale: str = "nl"
    submission_key: str | None = None
    pending_photo_tokens: list[str] = field(default_factory=list)
    channel: str = "web"
    # "How safe do you feel here?": 1 (very unsafe) to 5 (very safe); None or "" when not answered. A form's raw
    # text is passed as it came, so that check_report is the one place that decides what is valid.
    safety_feeling: int | str | None = None
    # A signal without a spot (kinds.Kind.has_spot False): the code of the wijk or dorp it is about, or None for the
    # whole municipality. `position` is then not used.
    area_code: str | None = None


@dataclass(frozen=True)
class CheckedReport:
    """A NewReport that passed every check, with what the checks decided."""

    new: NewReport
    kind: Kind
    category: Category
    position: LatLon | None  # None: a signal without a spot
    description: str
    location_description: str | None
    incident_at: datetime | None
    email: str | None
    safety_flag: bool
    safety_feeling: int | None = None
    area: Area | None = None  # the wijk or dorp a signal without a spot names


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


def _clean(text: str | None) -> str:
    return without_control_characters(text or "").strip()


def _location_problem(position: LatLon, profile: Profile):
    check = check_point_in_municipality(position, profile.cbs_code)
    if check.inside:
        return None
    if check.municipality_name:
        return _l(
            "This spot is in the municipality of %(other)s, not in %(ours)s. Please report it to %(other)s.",
            other=check.municipality_name,
            ours=profile.name,
        )
    return _l("This spot is outside the Netherlands. We can only take reports about places in %(ours)s.",
              ours=profile.name)  # fmt: skip


def _incident_time_problem(incident_at: datetime, now: datetime):
    if incident_at > now + CLOCK_SKEW:
        return _l("The time lies in the future. When did it happen?")
    if incident_at < now - timedelta(days=current_app.config["INCIDENT_MAX_AGE_DAYS"]):
        return _l(
            "That is more than a year ago. We can only take reports of the past year; for something older, "
            "please call the municipality."
        )
    return None


def _valid_email(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return len(address) <= 254


SAFETY_FEELING_VALUES = range(1, 6)


def _safety_feeling(value) -> tuple[int | None, bool]:
    """The answer as a number, and whether it was valid (empty is: the question is optional)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    try:
        number = int(str(value).strip())
    except ValueError:
        return None, False
    return (number, True) if number in SAFETY_FEELING_VALUES else (None, False)


# Named, so that a page without a map can say them differently (web/public.py WITHOUT_MAP).
LOCATION_MISSING = _l("Choose the spot: tap the map, use your location, or search for a place.")
VILLAGE_NOT_SPOT = _l("The search found the village, not the spot. Tap the spot on the map, or describe it here.")


def check_report(new: NewReport, *, now: datetime | None = None) -> CheckedReport:
    """Every check on a new report, all problems at once (SubmissionRejected); the point is checked against the
    municipality once."""
    now = now or utcnow()
    kind = KINDS.get(new.kind)
    category = db.session.scalar(
        sa.select(Category).where(Category.code == new.category_code, Category.active.is_(True))
    )
    problems = {}
    # Without a known category the checks that need one are skipped; the others still run, so that an API client
    # hears every problem of its request at once.
    known = kind is not None and category is not None and category.kind == kind.code
    if not known:
        problems["category"] = _l("Choose what you want to report.")
    description = _clean(new.description)
    if not description:
        problems["description"] = _l("Please describe what happened.")
    elif len(description) > DESCRIPTION_MAX_LENGTH:
        problems["description"] = _l("Please keep it shorter: at most %(max)d characters (you typed %(length)d).",
                                     max=DESCRIPTION_MAX_LENGTH, length=len(description))  # fmt: skip
    location_description = _clean(new.location_description)[:LOCATION_DESCRIPTION_MAX_LENGTH] or None
    position, area = new.position, None
    if kind is not None and not kind.has_spot:
        # No spot, whatever was sent: only the wijk or dorp the reporter chose, if any.
        position, location_description = None, None
        area_code = _clean(new.area_code)
        if area_code:
            area = db.session.scalar(sa.select(Area).where(Area.code == area_code, Area.kind.in_(SIGNAL_AREA_KINDS)))
            if area is None:
                problems["area"] = _l("Choose a neighbourhood or village from the list, or none.")
    elif new.position is None:
        problems["location"] = LOCATION_MISSING
    else:
        if problem := _location_problem(new.position, current_profile()):
            problems["location"] = problem
        if new.location_precision != "exact" and not location_description:
            problems["location_description"] = VILLAGE_NOT_SPOT

    incident_at = None
    if known and kind.is_incident:
        if new.incident_is_now:
            incident_at = now
        elif new.incident_at is None:
            problems["incident_at"] = _l("Enter the date and time.")
        elif problem := _incident_time_problem(new.incident_at, now):
            problems["incident_at"] = problem
        else:
            incident_at = new.incident_at

    email = _clean(new.email) if known and asks_contact(kind, category) else ""
    if email and not _valid_email(email):
        problems["email"] = _l("This is not a valid e-mail address.")
    elif email and not new.email_consent:
        problems["email_consent"] = _l("Tick the box so we may e-mail you, or leave the e-mail address empty.")
    safety_feeling, valid = _safety_feeling(new.safety_feeling)
    if known and not kind.has_spot:
        safety_feeling = None  # "here" is no place: not asked, not kept
    elif not valid:
        problems["safety_feeling"] = _l('Choose a number from 1 to 5, or "I\'d rather not say".')
    if problems:
        raise SubmissionRejected(problems)
    return CheckedReport(new=new, kind=kind, category=category, position=position, description=description,
                         location_description=location_description, incident_at=incident_at, email=email or None,
                         safety_flag=mentions_danger(new.answers), safety_feeling=safety_feeling,
                         area=area)  # fmt: skip


def submit_report(new: NewReport, *, now: datetime | None = None) -> Receipt:
    """Check, store, locate and route a report, and queue its confirmation mail, in the caller's transaction
    (the caller commits). A retry with the same submission key returns the receipt of the report stored the
    first time."""
    now = now or utcnow()
    profile = current_profile()
    secret = current_app.config["SECRET_KEY"]
    token = tracking_token_for(secret, new.submission_key)
    key_hash = hash_secret(new.submission_key) if new.submission_key else None
    if key_hash and (existing := _by_submission_key(key_hash)):
        return _stored_before(existing, new, token)

    checked = check_report(new, now=now)
    incident_at = checked.incident_at
    minutes_since = max((now - incident_at).total_seconds() / 60, 0) if incident_at else None
    if checked.kind.has_spot:
        areas = areas_containing(checked.position)
        decision = route_report(
            RoutingContext(
                kind=checked.kind.code,
                category_code=checked.category.code,
                minutes_since_incident=minutes_since,
                field_team_on_duty=profile.field_team_on_duty(now),
                area_kinds=frozenset(a.kind for a in areas),
                area_codes=frozenset(a.code for a in areas),
                in_risk_zone=in_active_risk_zone(checked.position, now),
            )
        )
        location = spatial.point(checked.position)
        location_method = new.location_method if new.location_method in SPOT_LOCATION_METHODS else "map"
    else:
        # A signal without a spot: in the one area its reporter chose (or none), at a stand-in point the schema
        # needs, and with the policy team whatever the rules say (DESIGN §6, issue 10 item 6).
        areas = [checked.area] if checked.area else []
        decision = policy_route()
        location = stand_in_point(checked.area.id if checked.area else None, profile.cbs_code)
        location_method = "gebied" if checked.area else "gemeente"
    report = Report(
        reference=_unused_reference(profile.reference_prefix),
        tracking_token_hash=hash_secret(token),
        submission_key_hash=key_hash,
        kind=checked.kind.code,
        category=checked.category,
        description=checked.description,
        answers=new.answers,
        safety_flag=checked.safety_flag,
        safety_feeling=checked.safety_feeling,
        location=location,
        location_rd=spatial.to_rd(location),
        location_method=location_method,
        location_description=checked.location_description,
        area=areas[0] if areas else None,  # the smallest, for display
        areas=areas,  # every area it lies in, linked in this transaction
        incident_at=incident_at,
        incident_is_now=new.incident_is_now and checked.kind.is_incident,
        email=checked.email,
        email_consent=checked.email is not None,
        locale=new.locale,
        channel=new.channel,
        queue=decision.queue,
        routing_rule_id=decision.rule.id if decision.rule else None,
        routed_outside_service_hours=decision.urgent_outside_service_hours,
        state="nieuw",
        due_at=due_at_for(checked.category, now),
        created_at=now,
        updated_at=now,
    )
    record_change(
        report,
        event="created",
        to_state="nieuw",
        now=now,
        # Filed by the resident (through the site or a partner's app), or by staff on their behalf.
        actor="melder" if new.channel in ("web", "api") else "medewerker",
        reason=f"Gerouteerd door regel: {decision.rule.description}"
        if decision.rule
        else "Signaal zonder plek: altijd naar het beleidsteam"
        if not checked.kind.has_spot
        else "Geen regel",
    )
    try:
        # A savepoint: a refused insert undoes only itself, never what the caller added in this transaction
        # (begin_nested flushes the caller's pending work first, so the report is added inside it).
        with db.session.begin_nested():
            db.session.add(report)
            queue_confirmation(report, token)  # same transaction: no report without its mail, no mail without report
            db.session.flush()
    except IntegrityError:
        # The same form, sent twice at once (a phone retrying): the other request stored it first.
        if key_hash and (existing := _by_submission_key(key_hash)):
            return _stored_before(existing, new, token)
        raise
    # The photos once the report is in: a refused insert has then planned no file move.
    store = photo_store()
    for photo_token in new.pending_photo_tokens:
        if store.has_pending(photo_token) and (photo := store.adopt_pending(photo_token, db.session())):
            report.photos.append(ReportPhoto(storage_key=photo.key, content_type="image/jpeg", width=photo.width,
                                             height=photo.height, size_bytes=photo.size))  # fmt: skip
    tag_reports([report.id])  # the events it was made during
    check_new_report(report, now=now)  # early warnings, in the same transaction
    return _receipt(report, token, created=True)


def _stored_before(existing: Report, new: NewReport, token: str) -> Receipt:
    """The receipt of a report this submission key stored before; its photos move into place now if that first
    request never heard that its commit succeeded."""
    photo_store().adopt_again([photo.storage_key for photo in existing.photos], new.pending_photo_tokens, db.session())
    return _receipt(existing, token, created=False)


def _unused_reference(prefix: str) -> str:
    for _attempt in range(5):
        reference = new_reference(prefix)
        if db.session.scalar(sa.select(Report.id).where(Report.reference == reference)) is None:
            return reference
    raise RuntimeError("could not draw an unused reference")


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
