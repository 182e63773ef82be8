"""The reporter's pages: start, choose a category, the form, review, send, confirmation."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from meldpunt.db_types import utcnow
from meldpunt.extensions import csrf, db, limiter
from meldpunt.geo.geocoder import GeocoderUnavailable, geocoder_for
from meldpunt.maps.assets import MAP_CSS, MAP_JS
from meldpunt.maps.picker import location_picker_map
from meldpunt.profiles import LOCAL_TZ, current_profile
from meldpunt.reports.catalogue import CATEGORY_HELP
from meldpunt.reports.elsewhere import ELSEWHERE, elsewhere_for_kind
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import Category
from meldpunt.reports.photos import PhotoRejected, photo_store, sanitise_photo
from meldpunt.reports.submission import (
    NewReport,
    SubmissionRejected,
    submit_report,
    validate_incident_time,
    validate_location,
)
from meldpunt.web.report_forms import FORMS_BY_KIND, ReportForm, answers_from, mentions_danger

bp = Blueprint("public", __name__)


def _submit_limit():
    return current_app.config["RATELIMIT_SUBMIT"]


def _search_limit():
    return current_app.config["RATELIMIT_SEARCH"]


@bp.get("/")
def index():
    return render_template(
        "public/index.html",
        kinds=[k for k in KINDS.values() if not k.restricted],
        restricted_kinds=[k for k in KINDS.values() if k.restricted],
        elsewhere=list(ELSEWHERE.values()),
    )


@bp.get("/privacy")
def privacy():
    """Generated from the settings the privacy sweep uses, so it cannot drift from what the code does."""
    from meldpunt.privacy.retention import current_policy

    return render_template("public/privacy.html", policy=current_policy())


@bp.get("/elders/<code>")
def elsewhere(code):
    item = ELSEWHERE.get(code) or abort(404)
    return render_template("public/elsewhere.html", item=item)


@bp.get("/melden/<kind>")
def choose_category(kind):
    kind_def = KINDS.get(kind) or abort(404)
    return render_template(
        "public/categories.html",
        kind=kind_def,
        categories=_categories(kind),
        elsewhere=elsewhere_for_kind(kind),
    )


def _categories(kind: str) -> list[Category]:
    return list(
        db.session.scalars(
            sa.select(Category)
            .where(Category.kind == kind, Category.active.is_(True))
            .order_by(Category.position)
        )
    )


def _category_or_404(kind: str, code: str) -> Category:
    category = db.session.scalar(
        sa.select(Category).where(Category.code == code, Category.kind == kind, Category.active.is_(True))
    )
    return category or abort(404)


def _not_sending() -> bool:
    return request.form.get("action") != "send"


@bp.route("/melden/<kind>/<category_code>", methods=["GET", "POST"])
@limiter.limit(_submit_limit, methods=["POST"], exempt_when=_not_sending, scope="send")
@limiter.limit(lambda: current_app.config["RATELIMIT_FORM_STEPS"], methods=["POST"])
@csrf.exempt  # the form checks its own token, so that a stale token keeps what was typed
def report_form(kind, category_code):
    kind_def = KINDS.get(kind) or abort(404)
    category = _category_or_404(kind, category_code)
    form: ReportForm = FORMS_BY_KIND[kind]()
    if request.method == "GET":
        form.submission_key.data = secrets.token_urlsafe(24)
        return _render_form(form, kind_def, category)

    action = request.form.get("action", "review")
    _keep_photo(form)
    if action == "search":
        return _render_form(form, kind_def, category, places=_search_places(form.place_query.data))
    if "place" in request.form:  # a search result chosen without JavaScript
        _use_place(form, request.form["place"])
        return _render_form(form, kind_def, category)
    if action == "edit":
        return _render_form(form, kind_def, category)

    new_report = _validated_report(form, kind_def, category)
    if new_report is None:
        return _render_form(form, kind_def, category), 422
    if action != "send":
        return render_template(
            "public/review.html", form=form, kind=kind_def, category=category, report=new_report
        )
    try:
        receipt = submit_report(new_report)
    except SubmissionRejected as rejected:
        _attach_error(form, rejected)
        return _render_form(form, kind_def, category), 422
    session["receipt"] = {
        "reference": receipt.reference,
        # A restricted report gets no tracking link, so its token is not kept anywhere.
        "token": None if category.restricted else receipt.tracking_token,
        "restricted": category.restricted,
        "kind": kind_def.code,
        "category": receipt.category_code,
        "urgent_outside_service_hours": receipt.urgent_outside_service_hours,
        "safety_flag": receipt.safety_flag,
        "email": bool(new_report.email and new_report.email_consent),
    }
    return redirect(url_for("public.confirmation"), code=303)


def _render_form(form, kind_def, category, places=()):
    """`places`: search results; None when the search service failed."""
    profile = current_profile()
    center = None
    if form.lat.data and form.lon.data:
        try:
            center = (float(form.lat.data), float(form.lon.data))
        except ValueError:
            center = None
    picker = location_picker_map(profile, current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"],
                                 center=center)  # fmt: skip
    return render_template(
        "public/form.html",
        form=form,
        kind=kind_def,
        category=category,
        questions=form.questions_for(category.code),
        help_text=CATEGORY_HELP.get(category.code),
        map=picker,
        map_css=MAP_CSS["picker"],
        map_js=MAP_JS["picker"],
        places=places,
        csrf_failed=bool(form.csrf_token.errors) if hasattr(form, "csrf_token") else False,
    )


def _keep_photo(form: ReportForm) -> None:
    """Sanitise a newly chosen photo at once and keep it under a token, so a rejected form does not lose it."""
    store = photo_store()
    if form.remove_photo.data:
        form.photo_token.data = form.photo_name.data = ""
        form.remove_photo.data = False
    upload = request.files.get("photo")
    if upload and upload.filename:
        try:
            clean = sanitise_photo(
                upload.read(current_app.config["PHOTO_MAX_BYTES"] + 1),
                max_bytes=current_app.config["PHOTO_MAX_BYTES"],
                max_pixels=current_app.config["PHOTO_MAX_PIXELS"],
            )
        except PhotoRejected as rejected:
            form.photo.errors = [str(rejected.message)]
            return
        form.photo_token.data = store.save_pending(clean)
        form.photo_name.data = secure_filename(upload.filename)[:80] or "foto.jpg"
    elif form.photo_token.data and not store.has_pending(form.photo_token.data):
        form.photo_token.data = form.photo_name.data = ""


def _use_place(form: ReportForm, value: str) -> None:
    try:
        lat, lon, precision = value.split(",")
        form.lat.data, form.lon.data = str(float(lat)), str(float(lon))
    except ValueError:
        return
    form.location_method.data = "search"
    form.location_precision.data = "exact" if precision == "address" else "place"


def _search_places(query):
    if not query:
        return []
    try:
        return geocoder_for(current_app.config, current_profile()).search(query)
    except GeocoderUnavailable:
        current_app.logger.warning("geocoder unavailable")
        return None


@bp.get("/melden/plaatsen")
@limiter.limit(_search_limit)
def search_places():
    places = _search_places(request.args.get("q", "").strip()[:120])
    if places is None:
        return jsonify({"error": _("Searching is not possible right now. Use the map instead.")}), 503
    return jsonify([{"label": p.label, "lat": p.lat, "lon": p.lon, "precision": p.precision} for p in places])


def _validated_report(form: ReportForm, kind_def, category) -> NewReport | None:
    """Run every check the reporter can fix, so all problems show at once. None when something is wrong."""
    photo_errors = list(form.photo.errors or [])  # from the upload check, which validate() would reset
    valid = form.validate()
    form.photo.errors = photo_errors
    lat, lon = _coordinates(form)
    if lat is None:
        form.lat.errors = [_("Choose the spot: tap the map, use your location, or search for a place.")]
        valid = False
    elif form.location_method.data == "search" and form.location_precision.data != "exact":
        if not (form.location_description.data or "").strip():
            form.location_description.errors = [
                _("The search found the village, not the spot. Tap the spot on the map, or describe it here.")
            ]
            valid = False
    if lat is not None:
        try:
            validate_location(lon, lat, current_profile())
        except SubmissionRejected as rejected:
            form.lat.errors = [str(rejected.message)]
            valid = False

    incident_at, is_now = None, False
    if form.IS_INCIDENT:
        if form.when.data == "eerder":
            if not (form.when_date.data and form.when_time.data):
                form.when_date.errors = list(form.when_date.errors) + [_("Enter the date and time.")]
                valid = False
            else:
                incident_at = datetime.combine(form.when_date.data, form.when_time.data, LOCAL_TZ)
                try:
                    validate_incident_time(incident_at, utcnow())
                except SubmissionRejected as rejected:
                    form.when_date.errors = [str(rejected.message)]
                    valid = False
        else:
            incident_at, is_now = utcnow(), True

    email = form.email.data if form.COLLECTS_CONTACT else None
    if email and not form.email_consent.data:
        form.email_consent.errors = [
            _("Tick the box so we may e-mail you, or leave the e-mail address empty.")
        ]
        valid = False
    if photo_errors:
        valid = False
    if not valid:
        return None
    answers = answers_from(form, category.code)
    return NewReport(
        kind=kind_def.code,
        category_code=category.code,
        description=form.description.data,
        lat=lat,
        lon=lon,
        location_method=form.location_method.data
        if form.location_method.data in ("gps", "map", "search")
        else "map",
        location_description=form.location_description.data,
        incident_is_now=is_now,
        incident_at=incident_at,
        answers=answers,
        safety_flag=mentions_danger(answers),
        email=email or None,
        email_consent=bool(email and form.email_consent.data),
        locale=str(get_locale() or "nl"),
        submission_key=form.submission_key.data or None,
        pending_photo_tokens=[form.photo_token.data] if form.photo_token.data else [],
    )


def _coordinates(form) -> tuple[float | None, float | None]:
    try:
        lat, lon = float(form.lat.data), float(form.lon.data)
    except (TypeError, ValueError):
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def _attach_error(form, rejected: SubmissionRejected):
    field = {"location": "lat", "category": "description"}.get(rejected.field, rejected.field)
    getattr(form, field).errors = [str(rejected.message)]


@bp.get("/melding/ontvangen")
def confirmation():
    receipt = session.get("receipt") or abort(404)
    category = db.session.scalar(sa.select(Category).where(Category.code == receipt["category"]))
    return render_template(
        "public/confirmation.html",
        receipt=receipt,
        kind=KINDS[receipt["kind"]],
        category=category,
        tracking_url=url_for("tracking.track", token=receipt["token"], _external=True) if receipt["token"] else None,
    )
