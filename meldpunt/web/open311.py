"""Open311 GeoReport v2 under /open311/v2/ (http://wiki.open311.org/GeoReport_v2), JSON and XML. Thin: the privacy
rules are in open311/georeport.py, the rules of a new report in reports/submission.py, keys in open311/keys.py."""

import re
from datetime import UTC, datetime
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from meldpunt.db_types import utcnow
from meldpunt.extensions import db, limiter
from meldpunt.geo import LatLon
from meldpunt.open311 import georeport, keys
from meldpunt.reports.photos import PhotoRejected, photo_store, sanitise_photo
from meldpunt.reports.submission import NewReport, SubmissionRejected, check_report, submit_report
from meldpunt.web.errors import DATABASE_UNAVAILABLE, RETRY_AFTER_S, after_database_outage

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
FORMATS = "<any(json, xml):fmt>"
SPEC = "http://wiki.open311.org/GeoReport_v2"
# The Idempotency-Key header (IETF draft-ietf-httpapi-idempotency-key-header): a structured-field string, quoted;
# a bare value is taken as well. Printable ASCII, at most 255 characters.
IDEMPOTENCY_KEY_RE = re.compile(r"[\x20-\x7e]{1,255}")
# The parts of a rejected report, named as the client sent them.
PARTS = {"category": "service_code", "description": "description", "location": "lat/long",
         "location_description": "address_string", "incident_at": "attribute[incident_at]", "email": "email",
         "email_consent": "attribute[email_consent]"}  # fmt: skip


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str):
        super().__init__(status, descriptions)
        self.status = status
        self.descriptions = descriptions


def _presented_key() -> str | None:
    return request.values.get("api_key") or None


def _key_limit_scope() -> str:
    """Per key when one is presented (hashed: the key itself stays out of the limiter's storage), else per address."""
    presented = _presented_key()
    return "key:" + keys._hash(presented) if presented else "addr:" + get_remote_address()


def _address_limit():
    return current_app.config["RATELIMIT_OPEN311_ADDRESS"]


def _key_limit():
    return current_app.config["RATELIMIT_OPEN311_KEY"]


# One budget per client address for the whole API, whatever route it calls.
per_address = limiter.shared_limit(_address_limit, scope="open311-address")


# --- formats ------------------------------------------------------------------------------------------------


def _w3c(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


def _xml(root: str, item: str, rows: list[dict]) -> Response:
    top = ET.Element(root)
    for row in rows:
        top.append(_xml_element(item, row))
    body = ET.tostring(top, encoding="unicode", xml_declaration=True)
    return Response(body, mimetype="text/xml")


def _xml_element(tag: str, value) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(inner, list):
                holder = ET.SubElement(element, key)
                for entry in inner:
                    holder.append(_xml_element(key[:-1] if key.endswith("s") else key, entry))
            else:
                element.append(_xml_element(key, inner))
    elif value is not None:
        element.text = str(value).lower() if isinstance(value, bool) else str(value)
    return element


def _answer(fmt: str, root: str, item: str, rows: list[dict], status: int = 200) -> Response:
    response = jsonify(rows) if fmt == "json" else _xml(root, item, rows)
    response.status_code = status
    return response


def _errors(fmt: str, status: int, descriptions) -> Response:
    rows = [{"code": status, "description": d} for d in descriptions]
    return _answer(fmt, "errors", "error", rows, status)


@bp.errorhandler(Open311Error)
def open311_error(error: Open311Error):
    return _errors(request.view_args.get("fmt", "json"), error.status, error.descriptions)


@bp.errorhandler(429)
def too_many(error):
    response = _errors((request.view_args or {}).get("fmt", "json"), 429,
                       [_("Too many requests. Please wait a moment and try again.")])  # fmt: skip
    response.headers["Retry-After"] = "60"
    return response


def database_unavailable(error):
    # The partner's app is told to retry, as GeoReport v2 clients handle any 5xx; it never sees a server error page.
    after_database_outage(error)
    response = _errors((request.view_args or {}).get("fmt", "json"), 503,
                       [_("The service is briefly unavailable. Please try again in a minute.")])  # fmt: skip
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


for _outage in DATABASE_UNAVAILABLE:
    bp.register_error_handler(_outage, database_unavailable)


# --- routes -------------------------------------------------------------------------------------------------


@bp.get(f"/discovery.{FORMATS}")
@per_address
def discovery(fmt):
    """Discovery: the endpoint, its formats and where keys come from.
    ---
    get:
      tags: [Open311]
      parameters: [fmt]
      responses:
        "200":
          description: The discovery document
          content:
            application/json: {schema: {type: object, required: [endpoints]}}
            text/xml: {schema: {type: object, xml: {name: discovery}}}
        "429": Errors
    """
    base = current_app.config["PUBLIC_BASE_URL"]
    body = {
        "changeset": "2026-12-01T00:00:00+00:00",
        "contact": _("Municipality of %(name)s, via %(site)s", name=_profile_name(), site=base),
        "key_service": _("API keys are issued by the site's administrator (beheerder) of the municipality."),
        "endpoints": [
            {"specification": SPEC, "url": base + url_for("open311.discovery", fmt=fmt).rsplit("/", 1)[0],
             "changeset": "2026-12-01T00:00:00+00:00", "type": "production",
             "formats": ["application/json", "text/xml"]}
        ],
    }  # fmt: skip
    if fmt == "json":
        return jsonify(body)
    return Response(ET.tostring(_xml_element("discovery", body), encoding="unicode", xml_declaration=True),
                    mimetype="text/xml")  # fmt: skip


@bp.get(f"/services.{FORMATS}")
@per_address
def services(fmt):
    """The services: active categories, never restricted ones.
    ---
    get:
      tags: [Open311]
      parameters: [fmt]
      responses:
        "200":
          description: The services
          content:
            application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Service"}}}
            text/xml:
              schema: {type: array, xml: {name: services, wrapped: true}, items: {$ref: "#/components/schemas/Service"}}
        "429": Errors
    """
    locale = str(get_locale())
    rows = [
        {"service_code": c.code, "service_name": c.name(locale),
         "description": str(georeport.KINDS[c.kind].summary), "metadata": bool(georeport.service_attributes(c)),
         "type": "realtime", "keywords": c.kind, "group": str(georeport.KINDS[c.kind].label)}
        for c in georeport.listed_categories()
    ]  # fmt: skip
    return _answer(fmt, "services", "service", rows)


@bp.get(f"/services/<service_code>.{FORMATS}")
@per_address
def service_definition(service_code, fmt):
    """A service definition: the attributes a report of this category needs.
    ---
    get:
      tags: [Open311]
      parameters:
        - {in: path, name: service_code, required: true, schema: {type: string}}
        - fmt
      responses:
        "200":
          description: The definition
          content:
            application/json: {schema: {type: object, required: [service_code, attributes]}}
            text/xml: {schema: {type: object, xml: {name: service_definition}}}
        "404": Errors
        "429": Errors
    """
    category = georeport.listed_category(service_code)
    if category is None:
        raise Open311Error(404, _("There is no service with code %(code)s.", code=service_code))
    attributes = [
        {"variable": True, "code": a.code, "datatype": a.datatype, "required": a.required,
         "datatype_description": "", "order": order, "description": a.description,
         "values": [{"key": key, "name": name} for key, name in a.values]}
        for order, a in enumerate(georeport.service_attributes(category), start=1)
    ]  # fmt: skip
    body = {"service_code": category.code, "attributes": attributes}
    if fmt == "json":
        return jsonify(body)
    return Response(ET.tostring(_xml_element("service_definition", body), encoding="unicode",
                                xml_declaration=True), mimetype="text/xml")  # fmt: skip


@bp.get(f"/requests.{FORMATS}")
@per_address
def requests_list(fmt):
    """Reports, newest first, within the privacy rules; the spec's filters.
    ---
    get:
      tags: [Open311]
      parameters:
        - fmt
        - ApiKey
        - {in: query, name: service_request_id, schema: {type: string}}
        - {in: query, name: service_code, schema: {type: string}}
        - {in: query, name: start_date, schema: {type: string, format: date-time}}
        - {in: query, name: end_date, schema: {type: string, format: date-time}}
        - {in: query, name: status, schema: {type: string, enum: [open, closed]}}
        - {in: query, name: page, schema: {type: integer, minimum: 1, maximum: 10000}}
      responses:
        "200": Requests
        "400": Errors
        "403": Errors
        "429": Errors
    """
    key = _optional_key()
    filters = georeport.RequestFilters(
        service_request_ids=_codes("service_request_id"),
        service_codes=_codes("service_code"),
        start=_date("start_date"),
        end=_date("end_date"),
        status=_status(),
        page=_page(),
    )
    rows = [_request_row(r) for r in georeport.public_requests(filters, locale=str(get_locale()), now=utcnow())]
    _audit(key, f"GET {_path_without_key()}"[:400])
    return _answer(fmt, "service_requests", "request", rows)


@bp.get(f"/requests/<service_request_id>.{FORMATS}")
@per_address
def request_one(service_request_id, fmt):
    """One report.
    ---
    get:
      tags: [Open311]
      parameters:
        - {in: path, name: service_request_id, required: true, schema: {type: string}}
        - fmt
        - ApiKey
      responses:
        "200": Requests
        "403": Errors
        "404": Errors
        "429": Errors
    """
    key = _optional_key()
    filters = georeport.RequestFilters(service_request_ids=(service_request_id,))
    found = georeport.public_requests(filters, locale=str(get_locale()), now=utcnow())
    if not found:
        raise Open311Error(404, _("There is no request with id %(id)s.", id=service_request_id))
    _audit(key, f"GET {request.path}")
    return _answer(fmt, "service_requests", "request", [_request_row(found[0])])


@bp.post(f"/requests.{FORMATS}")
@per_address
@limiter.limit(_key_limit, key_func=_key_limit_scope)
def request_new(fmt):
    """File a report (needs an api_key); it goes through the same checks and routing as the web form.
    ---
    post:
      tags: [Open311]
      parameters: [fmt, IdempotencyKey]
      requestBody:
        required: true
        description: >-
          Form fields as the spec names them. Every problem of a request is answered at once (a 400 with a list).
          address_string is kept for staff and never published. With multipart/form-data a photo may come as
          media; it is sanitised (re-encoded, metadata removed) and seen by staff only.
        content:
          application/x-www-form-urlencoded:
            schema: &new_request
              type: object
              required: [api_key, service_code, lat, long, description]
              properties:
                api_key: {type: string}
                service_code: {type: string}
                lat: {type: number}
                long: {type: number}
                description: {type: string}
                address_string: {type: string}
                email: {type: string}
                attribute[when]: {type: string, enum: [nu, eerder]}
                attribute[incident_at]: {type: string, format: date-time}
                attribute[email_consent]: {type: string, enum: ["true", "false"]}
          multipart/form-data:
            schema:
              allOf:
                - *new_request
                - {type: object, properties: {media: {type: string, format: binary}}}
      responses:
        "201":
          description: Received
          content:
            application/json:
              schema: &received
                type: array
                xml: {name: service_requests, wrapped: true}
                items:
                  type: object
                  xml: {name: request}
                  required: [service_request_id]
                  properties:
                    service_request_id: {type: string}
                    service_notice: {type: string}
                    account_id: {nullable: true}
            text/xml: {schema: *received}
        "400": Errors
        "403": Errors
        "429": Errors
    """
    key = keys.key_for(_presented_key())
    if key is None:
        raise Open311Error(403, _("A valid api_key is required; this one is missing, unknown or revoked."))
    idempotency_key = _idempotency_key()
    new, problems = _new_report(fmt)
    if idempotency_key is not None:
        new.submission_key = keys.submission_key(key, idempotency_key)
    if problems:
        # Every problem at once, as the form shows them: what the request could not say, then the domain's checks
        # on the rest (a part already named is not named twice).
        try:
            check_report(new)
        except SubmissionRejected as rejected:
            problems = _named(rejected) | problems
        raise Open311Error(400, *problems.values())
    try:
        receipt = submit_report(new)
    except SubmissionRejected as rejected:
        db.session.rollback()
        raise Open311Error(400, *_named(rejected).values()) from None
    again = "" if receipt.created else " (Idempotency-Key: stored before)"
    keys.record_use(key, f"POST {request.path}: {receipt.reference}{again}", report_id=receipt.report_id)
    db.session.commit()
    notice = _("Thank you. Your report was received under reference %(ref)s.", ref=receipt.reference)
    rows = [{"service_request_id": receipt.reference, "service_notice": notice, "account_id": None}]
    return _answer(fmt, "service_requests", "request", rows, 201)


# --- reading the request ------------------------------------------------------------------------------------


def _profile_name() -> str:
    from meldpunt.profiles import current_profile

    return current_profile().name


def _optional_key():
    """GET needs no key (the spec); a key that is given must be valid, and its use is audited."""
    presented = _presented_key()
    if presented is None:
        return None
    key = keys.key_for(presented)
    if key is None:
        raise Open311Error(403, _("This api_key is unknown or revoked."))
    return key


def _idempotency_key() -> str | None:
    """The Idempotency-Key header's value, without the quotes of a structured-field string; None when not sent."""
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        return None
    raw = raw.strip()
    value = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
    if not IDEMPOTENCY_KEY_RE.fullmatch(value) or not value.strip():
        raise Open311Error(400, _("Idempotency-Key: give 1 to 255 printable ASCII characters, e.g. a UUID."))
    return value


def _path_without_key() -> str:
    """The request's path and query for the audit log, without the api_key: a key is only ever stored hashed."""
    query = urlencode([(name, value) for name, value in request.args.items(multi=True) if name != "api_key"])
    return f"{request.path}?{query}" if query else request.path


def _audit(key, what: str) -> None:
    if key is not None:
        keys.record_use(key, what)
        db.session.commit()


def _codes(name: str) -> tuple[str, ...]:
    raw = request.args.get(name, "")
    return tuple(part.strip() for part in raw.split(",") if part.strip())[:100]


def _date(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    moment = _parse_w3c(raw)
    if moment is None:
        raise Open311Error(400, _("%(name)s is not a date: use W3C format, e.g. 2026-11-30T21:00:00+01:00.",
                                  name=name))  # fmt: skip
    return moment


def _parse_w3c(raw: str) -> datetime | None:
    """Any RFC 3339 date-time (the W3C profile): a zone is required, so the moment is unambiguous."""
    try:
        moment = datetime.fromisoformat(raw.strip().upper().replace("Z", "+00:00"))
        return moment.astimezone(UTC) if moment.tzinfo is not None else None
    except (ValueError, OverflowError):  # not a date, or a zone that takes it out of datetime's range
        return None


def _status() -> str | None:
    raw = request.args.get("status")
    if raw in (None, ""):
        return None
    statuses = {part.strip() for part in raw.split(",")}
    if not statuses <= {"open", "closed"}:
        raise Open311Error(400, _("status is open or closed."))
    return statuses.pop() if len(statuses) == 1 else None


def _page() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 10_000:
        raise Open311Error(400, _("page is a whole number from 1 to 10000."))
    return int(raw)


def _coordinate(name: str) -> float | None:
    raw = request.form.get(name, "").strip()
    try:
        value = float(raw)
    except ValueError:
        return None
    return value


def _named(rejected: SubmissionRejected) -> dict[str, str]:
    """The domain's problems, each under the name the client sent that part as."""
    named = {PARTS.get(part, part): message for part, message in rejected.problems.items()}
    return {name: f"{name}: {message}" for name, message in named.items()}


def _new_report(fmt: str) -> tuple[NewReport, dict[str, str]]:
    """The request as a NewReport, and what it could not say (each problem under the part's name, as sent)."""
    problems = {}
    code = request.form.get("service_code", "")
    category = georeport.listed_category(code)
    if category is None:
        problems["service_code"] = _("Unknown service_code. GET services.%(fmt)s lists them.", fmt=fmt)
    lat, lon = _coordinate("lat"), _coordinate("long")
    position = None
    if lat is None or lon is None:
        problems["lat/long"] = _("lat/long: give the position as lat and long (WGS84 decimal degrees).")
    else:
        try:
            position = LatLon(lat, lon)
        except ValueError:
            problems["lat/long"] = _("lat/long: this is not a position on earth.")
    is_incident = category is not None and georeport.KINDS[category.kind].is_incident
    when = request.form.get("attribute[when]", "")
    incident_at = None
    if is_incident:
        # Under incident_at's name: the domain's "enter the time" is the same problem.
        if when not in ("nu", "eerder"):
            problems["attribute[incident_at]"] = _("attribute[when] is required: nu (just now) or eerder (earlier).")
        elif when == "eerder":
            raw = request.form.get("attribute[incident_at]", "")
            incident_at = _parse_w3c(raw) if raw else None
            if raw and incident_at is None:
                problems["attribute[incident_at]"] = _("attribute[incident_at] is not a date: use W3C format.")
    answers = {}
    if category is not None:
        answers, answer_problems = georeport.answers_from_attributes(category, _attribute_values)
        problems |= {problem.partition(":")[0]: problem for problem in answer_problems}
    photo_tokens = []
    if media := request.files.get("media"):  # a FileStorage is false without a file name: no file chosen
        try:
            photo_tokens.append(_kept_media(media))
        except PhotoRejected as rejected:
            problems["media"] = f"media: {rejected.message}"
    new = NewReport(
        # An unlisted (e.g. restricted) category is checked as no category: its rules are nobody's business here.
        kind=category.kind if category is not None else "",
        category_code=code,
        description=request.form.get("description", ""),
        position=position,
        location_method="map",
        location_description=request.form.get("address_string") or None,
        incident_is_now=is_incident and when == "nu",
        incident_at=incident_at,
        answers=answers,
        email=request.form.get("email") or None,
        email_consent=request.form.get("attribute[email_consent]") == "true",
        locale=str(get_locale()),
        pending_photo_tokens=photo_tokens,
        channel="api",
    )
    return new, problems


def _kept_media(upload) -> str:
    """A photo sent as `media` (multipart), sanitised like the form's (re-encoded, no metadata) and kept until the
    report is stored with it; the pending token."""
    limit = current_app.config["PHOTO_MAX_BYTES"]
    clean = sanitise_photo(upload.read(limit + 1), max_bytes=limit, max_pixels=current_app.config["PHOTO_MAX_PIXELS"])
    return photo_store().save_pending(clean)


def _attribute_values(code: str) -> list[str]:
    """attribute[code] (one value) or attribute[code][] (a multivaluelist, the spec's form)."""
    return request.form.getlist(f"attribute[{code}]") + request.form.getlist(f"attribute[{code}][]")


def _request_row(r: georeport.PublicRequest) -> dict:
    return {
        "service_request_id": r.service_request_id,
        "status": r.status,
        "status_notes": r.status_notes,
        "service_name": r.service_name,
        "service_code": r.service_code,
        "description": r.description,
        "agency_responsible": r.agency_responsible,
        "service_notice": None,
        "requested_datetime": _w3c(r.requested_datetime),
        "updated_datetime": _w3c(r.updated_datetime),
        "expected_datetime": _w3c(r.expected_datetime),
        "address": r.address,
        "address_id": None,
        "zipcode": None,
        "lat": r.lat,
        "long": r.long,
        "media_url": None,
    }
