"""The reporter's pages: start, choose a category, the form, review, send, confirmation."""

import secrets
import time
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import validate_csrf
from werkzeug.datastructures import MultiDict
from wtforms.validators import ValidationError

from meldpunt.extensions import csrf, db, limiter
from meldpunt.feedback.links import tracking_url
from meldpunt.feedback.notifications import queue_tracking_link
from meldpunt.feedback.receipts import TOKEN_RE, hash_secret, link_only_withdraws, receipt_links
from meldpunt.geo import LatLon
from meldpunt.geo.areas import signal_area_choices
from meldpunt.geo.geocoder import GeocoderUnavailable, geocoder_for
from meldpunt.geo.place_names import describe_location
from meldpunt.maps.assets import MAP_CSS, MAP_JS
from meldpunt.maps.picker import location_picker_map, spot_preview_map
from meldpunt.profiles import LOCAL_TZ, current_profile
from meldpunt.reports.catalogue import CATEGORY_HELP
from meldpunt.reports.drafts import DRAFT_LIFETIME_S, Draft, draft_store, fields_from, new_draft_id
from meldpunt.reports.elsewhere import ELSEWHERE, elsewhere_for, elsewhere_for_kind, for_profile
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import Category, Report
from meldpunt.reports.submission import (
    LOCATION_MISSING,
    VILLAGE_NOT_SPOT,
    NewReport,
    SubmissionRejected,
    check_report,
    submit_report,
)
from meldpunt.web.errors import DATABASE_UNAVAILABLE, after_database_outage, unavailable
from meldpunt.web.photo_keeping import keep_photo
from meldpunt.web.report_forms import (
    LinkMailForm,
    ReportForm,
    answers_from,
    form_for_kind,
    safety_feeling_from,
    set_area_choices,
)
from meldpunt.web.staff_forms import EmptyForm

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
        elsewhere=elsewhere_for(current_profile()),
    )


@bp.get("/privacy")
def privacy():
    """Generated from the settings the privacy sweep uses, so it cannot drift from what the code does."""
    from meldpunt.privacy.retention import current_policy

    tile_host = urlsplit(current_app.config["TILE_URL"]).hostname
    return render_template("public/privacy.html", policy=current_policy(), tile_host=tile_host,
                           draft_hours=DRAFT_LIFETIME_S // 3600)  # fmt: skip


@bp.get("/elders/<code>")
def elsewhere(code):
    item = ELSEWHERE.get(code) or abort(404)
    return render_template("public/elsewhere.html", item=for_profile(item, current_profile()))


@bp.get("/melden/<kind>")
def choose_category(kind):
    kind_def = KINDS.get(kind) or abort(404)
    return render_template(
        "public/categories.html",
        kind=kind_def,
        categories=_categories(kind),
        elsewhere=elsewhere_for_kind(kind, current_profile()),
    )


def _categories(kind: str) -> list[Category]:
    return list(
        db.session.scalars(
            sa.select(Category).where(Category.kind == kind, Category.active.is_(True)).order_by(Category.position)
        )
    )


def _category_or_404(kind: str, code: str) -> Category:
    category = db.session.scalar(
        sa.select(Category).where(Category.code == code, Category.kind == kind, Category.active.is_(True))
    )
    return category or abort(404)


def _not_sending() -> bool:
    return request.form.get("action") != "send"


def _report_stored(response) -> bool:
    """Only a stored report counts against the send limit: a refused or expired form is corrected and resent."""
    return response.status_code == 303


@bp.route("/melden/<kind>/<category_code>", methods=["GET", "POST"])
@limiter.limit(_submit_limit, methods=["POST"], exempt_when=_not_sending, scope="send", deduct_when=_report_stored)
@limiter.limit(lambda: current_app.config["RATELIMIT_FORM_STEPS"], methods=["POST"])
@csrf.exempt  # the form checks its own token, so that a stale token keeps what was typed
def report_form(kind, category_code):
    kind_def = KINDS.get(kind) or abort(404)
    category = _category_or_404(kind, category_code)
    if request.method == "GET":
        if request.args.get("opnieuw"):
            _drop_draft()
        draft = _current_draft(kind, category_code)
        form = _form_from(kind, draft, category)
        if not form.submission_key.data:
            form.submission_key.data = secrets.token_urlsafe(24)
        return _render_form(form, kind_def, category, restored=draft is not None)

    form: ReportForm = form_for_kind(kind, category=category)
    action = request.form.get("action", "review")
    keep_photo(form)
    if action == "search":
        _keep_draft(form, kind, category_code)
        return _render_form(form, kind_def, category, places=_search_places(form.place_query.data))
    if "place" in request.form:  # a search result chosen without JavaScript
        _use_place(form, request.form["place"])
        _keep_draft(form, kind, category_code)
        return _render_form(form, kind_def, category, place_chosen=True)
    if action == "leave":  # a language link on the form page (report-form.js): keep what was typed, then follow it
        _keep_draft(form, kind, category_code)
        return redirect(_local_target(request.form.get("next"), request.path), code=303)
    if action == "edit":
        if not _keep_draft(form, kind, category_code):  # the page below is then the only copy
            return _render_form(form, kind_def, category)
        return redirect(url_for("public.report_form", kind=kind, category_code=category_code), code=303)

    form_ok = _form_ok(form)
    new_report = _new_report(form, category)
    if action == "send" and form_ok:
        try:
            receipt = submit_report(new_report)
        except SubmissionRejected as rejected:
            _keep_draft(form, kind, category_code)
            _put_problems_on(form, rejected)
            return _render_form(form, kind_def, category), 422
        db.session.commit()
        _drop_draft()
        _keep_receipt(receipt, kind_def, category, new_report)
        return redirect(url_for("public.confirmation"), code=303)
    complete = form_ok and _checked(form, new_report) is not None
    kept = _keep_draft(form, kind, category_code, step="review" if complete else "form")
    if action == "review" and complete and kept:
        # Post/redirect/get: the review is a page of its own, so Back, a link away and a language switch all
        # come back to it intact (rendered from the draft).
        return redirect(url_for("public.review", kind=kind, category_code=category_code), code=303)
    return _review_or_form(form, form_ok, new_report, kind_def, category)


@bp.get("/melden/<kind>/<category_code>/controleren")
def review(kind, category_code):
    kind_def = KINDS.get(kind) or abort(404)
    category = _category_or_404(kind, category_code)
    draft = _current_draft(kind, category_code)
    if draft is None:  # sent already, or the session ended: start from the form
        return redirect(url_for("public.report_form", kind=kind, category_code=category_code), code=303)
    form = _form_from(kind, draft, category)
    form_ok = _form_ok(form, check_csrf=False)
    page, status = _review_or_form(form, form_ok, _new_report(form, category), kind_def, category)
    return page, 200 if status == 422 else status


@bp.errorhandler(429)
def too_many_sends(error):
    """Sending refused by the rate limit: the reporter stays on the review, with everything kept, and is told
    when to try again. Other refusals get the general page."""
    if request.endpoint != "public.report_form" or request.method != "POST":
        return render_template("errors/429.html"), 429
    kind_def = KINDS.get(request.view_args["kind"]) or abort(404)
    category = _category_or_404(kind_def.code, request.view_args["category_code"])
    form = form_for_kind(kind_def.code, category=category)
    keep_photo(form)
    _keep_draft(form, kind_def.code, category.code)
    limit = limiter.current_limit
    wait = max(1, int(limit.reset_at - time.time())) if limit else 60
    return _review_or_form(form, _form_ok(form), _new_report(form, category), kind_def, category, retry_after=wait)


def database_unavailable(error):
    """The database went away while a report was checked or sent (a restart, a failover): nothing was stored, or
    the report was stored and its reply lost. Everything typed is kept, in the draft and on the page, with the same
    submission key, so trying again stores the report once. This page needs no database: the category may be
    what could not be read."""
    after_database_outage(error)
    kind_def = KINDS.get((request.view_args or {}).get("kind", ""))
    if request.endpoint != "public.report_form" or request.method != "POST" or kind_def is None:
        return unavailable(render_template("errors/503.html"))
    category_code = request.view_args["category_code"]
    form = form_for_kind(kind_def.code)
    keep_photo(form)
    _keep_draft(form, kind_def.code, category_code)
    action = "send" if request.form.get("action") == "send" else "review"
    page = render_template("public/try_again.html", form=form, kind=kind_def, category_code=category_code,
                           action=action)  # fmt: skip
    return unavailable(page)


for _outage in DATABASE_UNAVAILABLE:
    bp.register_error_handler(_outage, database_unavailable)


# -- the report in progress (reports/drafts.py): one per session, found through the session cookie only ------


def _current_draft(kind: str, category_code: str) -> Draft | None:
    draft_id = session.get("draft_id")
    draft = draft_store().load(draft_id) if draft_id else None
    if draft is None or (draft.kind, draft.category) != (kind, category_code):
        return None
    return draft


def _form_from(kind: str, draft: Draft | None, category: Category) -> ReportForm:
    if draft is None:
        return form_for_kind(kind, category=category)
    return form_for_kind(kind, formdata=MultiDict([(k, v) for k, values in draft.fields.items() for v in values]),
                         category=category)  # fmt: skip


def _keep_draft(form: ReportForm, kind: str, category_code: str, step: str = "form") -> bool:
    """What the form holds now, including what the server decided (a chosen place, the kept photo). Only a form
    with a valid CSRF token is kept: another site must not be able to plant a report in someone's session. False
    when it was not kept: the page answering this request must then carry everything itself."""
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            return False
    fields = fields_from(request.form)
    for name in ("lat", "lon", "location_method", "location_precision", "photo_token", "photo_name",
                 "photo_not_stored"):  # fmt: skip
        fields[name] = [getattr(form, name).data or ""]
    fields.pop("remove_photo", None)
    draft_id = session.get("draft_id")
    if not draft_id:
        draft_id = session["draft_id"] = new_draft_id()
    try:
        draft_store().save(draft_id, Draft(kind, category_code, fields, step))
    except OSError as error:  # a full disk
        current_app.logger.warning("report draft not kept: %s", error.strerror)
        return False
    return True


def _drop_draft() -> None:
    if draft_id := session.pop("draft_id", None):
        draft_store().drop(draft_id)


def _local_target(target: str | None, here: str) -> str:
    """Only a path on this site (or a query on this page) is followed: never another host."""
    target = (target or "").strip()
    if target.startswith("?"):
        return here + target
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return here


def _get_url_of(kind: str, category_code: str, endpoint: str) -> str | None:
    """A page answering a POST names the GET address that shows it again from the draft; enhance.js puts that
    address in the history, so Back and reload never ask to send the form again."""
    if request.method != "POST":
        return None
    return url_for(endpoint, kind=kind, category_code=category_code)


def _checked(form, new_report):
    try:
        return check_report(new_report)
    except SubmissionRejected:
        return None


def _review_or_form(form, form_ok, new_report, kind_def, category, *, retry_after=None):
    """The review page when everything is right; otherwise the form with every problem at once."""
    try:
        checked = check_report(new_report)
    except SubmissionRejected as rejected:
        _put_problems_on(form, rejected)
        form_ok = False
    if not form_ok:
        return _render_form(form, kind_def, category), 429 if retry_after else 422
    spot = checked.position is not None  # a signal without a spot has none to show
    page = render_template(
        "public/review.html",
        form=form,
        kind=kind_def,
        category=category,
        report=checked,
        retry_after=retry_after,
        place_name=describe_location(checked.position) if spot else None,
        spot_map=spot_preview_map(
            current_profile(), current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"], checked.position
        )
        if spot
        else None,  # fmt: skip
        map_css=MAP_CSS["picker"],
        map_js=MAP_JS["picker"],
        get_url=_get_url_of(kind_def.code, category.code, "public.review"),
    )
    return page, 429 if retry_after else 200


def _keep_receipt(receipt, kind_def, category, new_report) -> None:
    # The token stays in the (signed, not encrypted) cookie only until the confirmation page has shown it once. A
    # link that only withdraws waits (as withdraw_token) for the reporter's choice to keep it, and goes with that
    # choice or with the session.
    tracking_token, withdraw_token = receipt_links(category, receipt.tracking_token)
    session["receipt"] = {
        "reference": receipt.reference,
        "token": tracking_token,
        "withdraw_token": withdraw_token,
        "restricted": link_only_withdraws(category),
        "kind": kind_def.code,
        "category": receipt.category_code,
        "urgent_outside_service_hours": receipt.urgent_outside_service_hours,
        "safety_flag": receipt.safety_flag,
        "email": bool(new_report.email and new_report.email_consent),
    }


def _render_form(form, kind_def, category, places=(), *, restored=False, place_chosen=False):
    """`places`: search results; None when the search service failed. `restored`: the form came back from the
    draft; `place_chosen`: a search result was chosen without JavaScript (the page opens at its confirmation)."""
    profile = current_profile()
    picker = None
    if kind_def.has_spot:
        center = None if form.lat.errors else LatLon.parse(form.lat.data, form.lon.data)
        picker = location_picker_map(profile, current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"],
                                     center=center)  # fmt: skip
    else:  # a wijk or dorp instead of the map
        set_area_choices(form, signal_area_choices())
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
        csrf_failed=getattr(form, "csrf_failed", False),
        restored=restored,
        place_chosen=place_chosen,
        get_url=_get_url_of(kind_def.code, category.code, "public.report_form"),
    )


def _use_place(form: ReportForm, value: str) -> None:
    lat, _comma, rest = value.partition(",")
    lon, _comma, precision = rest.partition(",")
    if (position := LatLon.parse(lat, lon)) is None:
        return
    form.lat.data, form.lon.data = str(position.lat), str(position.lon)
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
    """Places matching a search (the report form without the map): the gazetteer or PDOK, per configuration.
    ---
    get:
      tags: [Reporting]
      parameters:
        - {in: query, name: q, schema: {type: string}}
      responses:
        "200":
          description: The places found (none for fewer than two letters)
          content:
            application/json:
              schema:
                type: array
                items:
                  type: object
                  required: [label, lat, lon, precision]
                  properties:
                    label: {type: string}
                    lat: {type: number}
                    lon: {type: number}
                    precision: {type: string}
        "503":
          description: The geocoder is unavailable
          content:
            application/json: {schema: {type: object, properties: {error: {type: string}}}}
        "429": {description: Too many searches}
    """
    places = _search_places(request.args.get("q", "").strip()[:120])
    if places is None:
        return jsonify({"error": _("Searching is not possible right now. Use the map instead.")}), 503
    return jsonify([{"label": p.label, "lat": p.lat, "lon": p.lon, "precision": p.precision} for p in places])


def _form_ok(form: ReportForm, *, check_csrf: bool = True) -> bool:
    """The form's own checks (required fields, lengths, formats). An expired CSRF token keeps everything and is
    explained by the page's notice instead of a technical message. `check_csrf=False`: a form rebuilt from the
    draft on a GET, which has no token to check (the next POST has)."""
    photo_errors = list(form.photo.errors or [])  # from the upload check, which validate() would reset
    valid = form.validate()
    form.photo.errors = photo_errors
    if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
        form.csrf_failed = check_csrf
        form.csrf_token.errors = []
        if not check_csrf:
            valid = not any(f.errors for f in form)
    return valid and not photo_errors


def _new_report(form: ReportForm, category) -> NewReport:
    """What the reporter entered, as the domain's NewReport; the rules are checked by check_report."""
    incident_at, is_now = None, False
    if form.when is not None:
        if form.when.data == "eerder":
            if form.when_date.data and form.when_time.data:
                incident_at = datetime.combine(form.when_date.data, form.when_time.data, LOCAL_TZ)
        else:
            is_now = True
    return NewReport(
        kind=category.kind,
        category_code=category.code,
        description=form.description.data or "",
        position=LatLon.parse(form.lat.data, form.lon.data),
        location_method=form.location_method.data or "map",
        location_precision=form.location_precision.data or "exact",
        location_description=form.location_description.data,
        incident_is_now=is_now,
        incident_at=incident_at,
        answers=answers_from(form, category.code),
        safety_feeling=safety_feeling_from(form),
        email=form.email.data if form.email is not None else None,
        email_consent=bool(form.email_consent is not None and form.email_consent.data),
        locale=str(get_locale() or "nl"),
        submission_key=form.submission_key.data or None,
        pending_photo_tokens=[form.photo_token.data] if form.photo_token.data else [],
        area_code=form.area_code.data if hasattr(form, "area_code") else None,
    )


# Where each part of a report the domain rejects is shown on the form.
FIELD_FOR_PART = {"location": "lat", "incident_at": "when_date", "category": "description", "area": "area_code"}
# The same problems said to someone who saw no map (no JavaScript, or the tiles did not load): the domain's
# messages mention tapping the map.
WITHOUT_MAP = {
    LOCATION_MISSING: _l("Choose the spot: search for a place and choose it from the list."),
    VILLAGE_NOT_SPOT: _l("The search found the village, not the spot. Describe the spot here."),
}


def _put_problems_on(form, rejected: SubmissionRejected) -> None:
    map_shown = request.form.get("map_shown") == "1"  # set by location-picker.js once the map's tiles load
    for part, message in rejected.problems.items():
        if not map_shown:
            message = next((plain for said, plain in WITHOUT_MAP.items() if said is message), message)
        field = getattr(form, FIELD_FOR_PART.get(part, part), None) or form.description
        if not field.errors:  # the form's own message for that field says it already
            field.errors = [str(message)]


@bp.route("/snel-weg", methods=["GET", "POST"])
@csrf.exempt  # it only forgets what this browser's own session holds; another site can do no more than that
def quick_exit():
    """The quick exit: forget the report in progress and the receipt, so that whoever takes the phone next and opens
    the site finds nothing. quick-exit.js sends a POST as it leaves for the neutral page; without JavaScript the
    link comes here and is sent on."""
    _drop_draft()
    session.pop("receipt", None)
    if request.method == "POST":
        return "", 204
    return redirect(current_app.config["QUICK_EXIT_URL"]), 302, {"Referrer-Policy": "no-referrer"}


@bp.get("/melding/ontvangen")
def confirmation():
    receipt = session.get("receipt") or abort(404)
    token = receipt.pop("token", None)  # shown once: a shared phone's next user does not find it in the cookie
    session["receipt"] = receipt
    link_form = LinkMailForm()
    link_form.token.data = token
    return _render_confirmation(receipt, token, link_form)


def _render_confirmation(receipt, token, link_form, withdraw_url=None):
    category = db.session.scalar(sa.select(Category).where(Category.code == receipt["category"]))
    return render_template(
        "public/confirmation.html",
        receipt=receipt,
        kind=KINDS[receipt["kind"]],
        category=category,
        tracking_url=tracking_url(token) if token else None,
        link_form=link_form,
        withdraw_form=EmptyForm(),
        withdraw_url=withdraw_url,
    )


@bp.post("/melding/intrekkoppeling")
def keep_withdraw_link():
    """A restricted report's receipt: the reporter chose to keep a link with which to withdraw the report. It is
    shown once, like the tracking link; the page behind it names neither kind nor category (web/tracking.py)."""
    receipt = session.get("receipt") or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    token = receipt.pop("withdraw_token", None)
    session["receipt"] = receipt
    if token is None:  # shown already, or not a restricted report
        return redirect(url_for("public.confirmation"), code=303)
    return _render_confirmation(receipt, None, LinkMailForm(), withdraw_url=tracking_url(token))


@bp.post("/melding/link-mailen")
@limiter.limit(lambda: current_app.config["RATELIMIT_LINK_MAIL"])
def mail_tracking_link():
    """The receipt's "mail me this link": the token comes back from the page (whoever holds it may see the report
    anyway); the address is used for this one mail only."""
    receipt = session.get("receipt") or abort(404)
    form = LinkMailForm()
    token = form.token.data or ""
    report = db.session.scalar(sa.select(Report).where(Report.tracking_token_hash == hash_secret(token)))
    if report is None or not TOKEN_RE.match(token) or report.reference != receipt["reference"]:
        abort(404)
    if not form.validate_on_submit():
        return _render_confirmation(receipt, token, form), 422
    queue_tracking_link(report, token, form.email.data.strip())
    db.session.commit()
    flash(_("We have sent the link to your e-mail address. We do not keep the address."))
    return redirect(url_for("public.confirmation"), code=303)
