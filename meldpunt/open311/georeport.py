"""What Open311 GeoReport v2 lists and returns, within the privacy rules of DESIGN §6. No request, no format here:
web/open311.py turns these records into JSON or XML.

- Restricted categories are never listed, never returned and cannot be filed.
- Never contact data; never a message written for one reporter.
- The location is coarsened to the public grid for sensitive reports (straatintimidatie and categories whose
  privacy level is "generic") and for every report older than the exact-location retention.
- No description for straatintimidatie and the sensitive categories (nor once the retention erased it).
- status is open/closed; status_notes the public state and, when closed, a generic outcome.
- address is the place near the published position ("near Klazienaveen, Emmen"), never what the reporter typed
  as address_string (free text: it may name a house or a person); it stays for staff.
- No media_url: photos are seen by staff only (DESIGN §6, who sees what): one can show faces, a number plate, a door."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from meldpunt.analysis.public_figures import PUBLIC_CELL_M
from meldpunt.extensions import db
from meldpunt.feedback.receipts import PUBLIC_STATE_LABELS, public_state
from meldpunt.feedback.screening import screen_for_personal_data
from meldpunt.feedback.templates import GENERIC_OUTCOMES
from meldpunt.geo import WGS84, spatial
from meldpunt.geo.place_names import near_place, nearest_place_labels
from meldpunt.profiles import current_profile
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import OPEN_STATES, Category, Report
from meldpunt.reports.questions import questions_for
from meldpunt.reports.workflow import OUTCOMES, REFERRALS

PAGE_SIZE = 100  # GET requests answers at most this many (newest first); `page` goes further back
DEFAULT_PERIOD = timedelta(days=90)  # the spec's default window when no dates are given


def listed_categories() -> list[Category]:
    """The services: active categories, restricted ones never."""
    return list(
        db.session.scalars(
            sa.select(Category)
            .where(Category.active.is_(True), Category.restricted.is_(False), Category.kind.in_(_open_kinds()))
            .order_by(Category.kind, Category.position, Category.id)
        )
    )


def listed_category(code: str) -> Category | None:
    return next((c for c in listed_categories() if c.code == code), None)


def _open_kinds() -> list[str]:
    return [k.code for k in KINDS.values() if not k.restricted]


def is_sensitive(category: Category) -> bool:
    return category.kind == "straatintimidatie" or category.privacy_level == "generic"


@dataclass(frozen=True)
class PublicRequest:
    """One report as Open311 may show it."""

    service_request_id: str
    status: str  # open | closed
    status_notes: str
    service_code: str
    service_name: str
    description: str | None
    agency_responsible: str
    requested_datetime: datetime
    updated_datetime: datetime
    expected_datetime: datetime | None
    lat: float
    long: float
    address: str | None = None  # the place near the public grid cell, in words


@dataclass(frozen=True)
class RequestFilters:
    service_request_ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    status: str | None = None  # open | closed
    page: int = 1


def public_requests(filters: RequestFilters, *, locale: str, now: datetime) -> list[PublicRequest]:
    coarse_rd = spatial.snapped_to_grid(Report.rd_x, Report.rd_y, PUBLIC_CELL_M)
    coarse = sa.func.ST_Transform(coarse_rd, WGS84)
    query = (
        sa.select(
            Report,
            sa.func.ST_Y(Report.location),
            sa.func.ST_X(Report.location),
            sa.func.ST_Y(coarse),
            sa.func.ST_X(coarse),
        )  # fmt: skip
        .join(Category, Report.category_id == Category.id)
        .where(Category.restricted.is_(False), Report.kind.in_(_open_kinds()), Report.withdrawn_at.is_(None))
        .order_by(Report.created_at.desc(), Report.id.desc())
    )
    if filters.service_request_ids:
        query = query.where(Report.reference.in_(filters.service_request_ids))
    else:
        start, end = filters.start, filters.end
        if start is None and end is None:
            start = now - DEFAULT_PERIOD
        if start is not None:
            query = query.where(Report.created_at >= start)
        if end is not None:
            query = query.where(Report.created_at <= end)
    if filters.service_codes:
        query = query.where(Category.code.in_(filters.service_codes))
    if filters.status == "open":
        query = query.where(Report.state.in_(OPEN_STATES))
    elif filters.status == "closed":
        query = query.where(Report.state.not_in(OPEN_STATES))
    query = query.limit(PAGE_SIZE).offset((max(filters.page, 1) - 1) * PAGE_SIZE)
    exact_until = now - timedelta(days=int(current_app.config["RETENTION_EXACT_LOCATION_DAYS"]))
    rows = db.session.execute(query).all()
    # The place is named from the public cell, for every report: the same words whether or not the point is exact.
    cells = sa.select(Report.id.label("key"), coarse_rd.label("rd")).where(Report.id.in_([r[0].id for r in rows]))
    places = nearest_place_labels(cells, current_profile()) if rows else {}
    return [
        _public(
            report,
            (lat, lon) if _exact(report, exact_until) else (clat, clon),
            near_place(places.get(report.id)),
            locale,
        )  # fmt: skip
        for report, lat, lon, clat, clon in rows
    ]


def _exact(report: Report, exact_until: datetime) -> bool:
    return not is_sensitive(report.category) and report.created_at >= exact_until and not report.location_coarsened_at


def _public_description(report: Report) -> str | None:
    """The description, for categories that may show one, unless it holds what looks like personal data (a phone
    number, an address, a name: the same screening as messages to reporters). Anyone may read this API."""
    text = report.description
    if is_sensitive(report.category) or not text or screen_for_personal_data(text):
        return None
    return text


def _public(report: Report, position: tuple[float, float], address: str | None, locale: str) -> PublicRequest:
    is_open = report.state in OPEN_STATES
    return PublicRequest(
        service_request_id=report.reference,
        status="open" if is_open else "closed",
        status_notes=status_notes(report),
        service_code=report.category.code,
        service_name=report.category.name(locale),
        description=_public_description(report),
        agency_responsible=report.queue.name(locale),
        requested_datetime=report.created_at,
        updated_datetime=report.updated_at,
        expected_datetime=report.due_at if is_open else None,
        lat=round(position[0], 6),
        long=round(position[1], 6),
        address=address,
    )


def status_notes(report: Report) -> str:
    """The public state, and for a closed report the outcome as a general one: never what was done to whom."""
    state = str(PUBLIC_STATE_LABELS[public_state(report.state)])
    outcome = generic_outcome(report)
    return f"{state}: {OUTCOMES[outcome]}" if outcome else state


def generic_outcome(report: Report) -> str | None:
    if report.state != "afgehandeld" or report.outcome is None:
        return None
    if report.outcome in REFERRALS:
        return "doorgezet_partner"
    if report.outcome in GENERIC_OUTCOMES:
        return report.outcome
    if report.outcome == "opgelost" and report.category.privacy_level != "generic":
        return "opgelost"
    return None


@dataclass(frozen=True)
class Attribute:
    """One question of a service definition (the spec's attribute)."""

    code: str
    datatype: str  # string | number | datetime | text | singlevaluelist | multivaluelist
    required: bool
    description: str
    values: tuple[tuple[str, str], ...] = ()


def service_attributes(category: Category) -> list[Attribute]:
    """What a report of this category needs besides description and position, as the form asks it (the time, the
    kind's questions from reports/questions.py, consent for e-mail)."""
    attributes = []
    if KINDS[category.kind].is_incident:
        attributes.append(
            Attribute("when", "singlevaluelist", True, str(_l("When did it happen?")),
                      (("nu", str(_l("Just now"))), ("eerder", str(_l("Earlier"))))),
        )  # fmt: skip
        attributes.append(
            Attribute("incident_at", "datetime", False,
                      str(_l("Date and time it happened (W3C date-time), needed when it happened earlier"))),
        )  # fmt: skip
    for question in questions_for(category.kind, category.code):  # the form's own questions, all optional
        attributes.append(
            Attribute(question.name, "multivaluelist" if question.multiple else "singlevaluelist", False,
                      str(question.label), tuple((code, str(label)) for code, label in question.choices))
        )  # fmt: skip
    if KINDS[category.kind].collects_contact:
        attributes.append(
            Attribute("email_consent", "singlevaluelist", False,
                      str(_l("The reporter agrees to be e-mailed about this report (needed with an e-mail address)")),
                      (("true", str(_l("Yes"))), ("false", str(_l("No"))))),
        )  # fmt: skip
    return attributes


def answers_from_attributes(category: Category, values) -> tuple[dict, list[str]]:
    """The answers to the category's questions from `attribute[...]` values (`values(code)` gives the list sent
    for a code); unknown choices are problems, unanswered questions are left out, as on the form."""
    answers, problems = {}, []
    for question in questions_for(category.kind, category.code):
        sent = [v for v in values(question.name) if v != ""]
        if not sent:
            continue
        allowed = {code for code, _label in question.choices}
        if any(v not in allowed for v in sent) or (len(sent) > 1 and not question.multiple):
            problems.append(f"attribute[{question.name}]: " + str(_l("choose from %(codes)s.",
                                                                      codes=", ".join(sorted(allowed)))))  # fmt: skip
            continue
        answers[question.name] = sent if question.multiple else sent[0]
    return answers, problems
