"""Boa field mode (DESIGN §8): phone first. The officer's own reports on top, then open field reports (safety flag
first, nearest first); claim, on site, close, hand back. Works offline from the last list (static/js/field-sw.js).
Never any contact detail: nothing here reads the reporter's e-mail."""

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from meldpunt.db_types import utcnow
from meldpunt.events.risk_zones import in_active_risk_zones
from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.geo.place_names import describe_location
from meldpunt.maps.assets import MAP_CSS, MAP_JS
from meldpunt.maps.staff_maps import spot_map
from meldpunt.profiles import current_profile
from meldpunt.reports import action_keys, workflow
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import Report, report_area
from meldpunt.reports.queries import lat_lon, my_field_reports, open_field_reports_near
from meldpunt.staff.roles import (
    BOA,
    can_see_in_field_mode,
    can_see_photos_of,
    field_team_of,
    is_team_report,
)
from meldpunt.staff.vaste_boa import reports_in_areas_of
from meldpunt.web import field_forms
from meldpunt.web import staff_forms as forms
from meldpunt.web.access import roles_required
from meldpunt.web.actions import commit_action

bp = Blueprint("field", __name__, url_prefix="/veld")
REFRESH_SECONDS = 10


@bp.context_processor
def rendered_at():
    """When the page was made: shown offline as "last updated"."""
    return {"now": utcnow()}


@bp.app_template_filter("ago")
def ago(age) -> str:
    """How long ago, in words ("12 minuten geleden"): quicker to read in the street than a time."""
    return format_timedelta(-max(age, timedelta(minutes=1)), granularity="minute", add_direction=True)


def _position() -> LatLon | None:
    """The officer's position, from the X-Position header ("lat,lon") the page's script sends. Never from the
    query string: addresses end up in access logs and browser history."""
    lat, _comma, lon = request.headers.get("X-Position", "").partition(",")
    return LatLon.parse(lat, lon)


def _wants_json() -> bool:
    """A queued action sent again by the page's script (static/js/field.js) asks for JSON, not a page."""
    return request.accept_mimetypes.best == "application/json"


def _field_report_or_404(report_id: int) -> Report:
    report = db.session.get(Report, report_id) or abort(404)
    if can_see_in_field_mode(current_user, report):
        return report
    if is_team_report(current_user, report):
        # Closed in the meantime: say so, without showing it. Another team's report: refused like any other.
        abort(make_response(render_template("field/closed.html", report=report), 410))
    abort(403)


def _team_queue() -> str | None:
    team = field_team_of(current_user)
    if team is None:
        abort(403)  # a profile without field teams has no field mode
    return team.queue


def _lists(position: LatLon | None) -> dict:
    queue_code = _team_queue()
    rows = open_field_reports_near(position, not_assigned_to=current_user, queue_code=queue_code)
    in_own_area = set(
        db.session.scalars(
            reports_in_areas_of(current_user).where(report_area.c.report_id.in_([r.id for r, _, _ in rows]))
        )
    )
    mine = my_field_reports(current_user, position, queue_code=queue_code)
    now = utcnow()
    return {
        "mine": mine,
        "rows": rows,
        "in_own_area": in_own_area,
        "in_risk_zone": in_active_risk_zones([r.id for r, _, _ in rows + mine], now),
        "position": position,
        "now": now,
    }


@bp.get("/")
@roles_required(BOA)
def index():
    return render_template("field/index.html", refresh=REFRESH_SECONDS, **_lists(None))


@bp.get("/lijst")
@roles_required(BOA)
def fragment():
    """The lists alone, fetched every few seconds by the page: new reports appear without a reload. The header
    carries a fresh CSRF token for outcomes that waited on the phone for the connection to return.
    ---
    get:
      tags: [Field mode]
      security: [{staffSession: []}]
      x-roles: [boa]
      parameters:
        - {in: header, name: X-Position, description: "the officer's position, lat,lon", schema: {type: string}}
      responses:
        "200":
          description: The lists, as HTML for the page
          headers: {X-CSRF-Token: {schema: {type: string}}}
          content: {text/html: {schema: {type: string}}}
        "401":
          description: Not signed in (the script goes to the sign-in page)
          content: {application/json: {schema: {$ref: "#/components/schemas/SignedOut"}}}
        "403": Forbidden
    """
    response = make_response(render_template("field/_list.html", **_lists(_position())))
    response.vary.add("X-Position")
    response.headers["X-CSRF-Token"] = generate_csrf()
    return response


@bp.get("/sw.js")
def service_worker():
    """Served from /veld/ so that its scope is field mode only; a public service worker can live beside it."""
    response = send_from_directory(current_app.static_folder, "js/field-sw.js", mimetype="text/javascript",
                                   max_age=0)  # fmt: skip
    response.headers["Cache-Control"] = "no-cache"
    return response


def _errors(*forms_with_errors) -> list[str]:
    """Every refusal and field error of the forms, for the summary at the top of the page."""
    errors = []
    for form in forms_with_errors:
        if form is None:
            continue
        errors.extend(str(e) for e in form.form_errors)
        for name, field_errors in form.errors.items():
            if name is not None and name != "version":
                errors.extend(str(e) for e in field_errors)
    return list(dict.fromkeys(errors))


def _close_form(report: Report, form=None):
    form = form or field_forms.FieldCloseForm(data={"version": report.version})
    form.outcome.choices = [(k, str(v)) for k, v in workflow.FIELD_OUTCOMES.items()]
    return form


def _claim_form(report: Report, form=None):
    form = form or field_forms.ClaimForm(data={"version": report.version})
    form.safety_step.choices = [(k, str(v)) for k, v in workflow.SAFETY_STEPS.items()]
    return form


def _detail(report: Report, *, claim_form=None, close_form=None, on_site_form=None, status=200):
    position = lat_lon(report)
    claim_form, close_form = _claim_form(report, claim_form), _close_form(report, close_form)
    return render_template(
        "field/report.html",
        report=report,
        kind=KINDS[report.kind],
        photos=report.photos if can_see_photos_of(current_user, report) else [],
        position=position,
        street_name=describe_location(position),
        age=utcnow() - report.created_at,
        map=spot_map(
            current_profile(), current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"], position
        ),  # fmt: skip
        map_css=MAP_CSS["picker"],
        map_js=MAP_JS["picker"],
        claim_form=claim_form,
        on_site_form=on_site_form or forms.EmptyForm(data={"version": report.version}),
        close_form=close_form,
        errors=_errors(claim_form, close_form, on_site_form) if status != 200 else [],
        mine=report.assigned_to_id == current_user.id,
        is_open=report.state in workflow.OPEN_STATES,
        now=utcnow(),
    ), status


def _fresh_version(form, report_id: int) -> None:
    """After a refusal the form carries the report's current version, so the next tap is not refused as stale."""
    current = db.session.get(Report, report_id).version
    form.version.data, form.version.raw_data = current, [str(current)]


@bp.get("/meldingen/<int:report_id>")
@roles_required(BOA)
def report(report_id):
    return _detail(_field_report_or_404(report_id))


@bp.post("/meldingen/<int:report_id>/claim")
@roles_required(BOA)
def claim(report_id):
    report = _field_report_or_404(report_id)
    form = _claim_form(report, field_forms.ClaimForm())
    if not form.validate_on_submit():
        abort(400)
    claimed = commit_action(
        lambda: workflow.claim(
            report, current_user, expected_version=form.version.data, safety_step=form.safety_step.data or None
        ),
        form,
    )
    if not claimed:
        _fresh_version(form, report_id)
        return _detail(report, claim_form=form, status=422)
    flash(_("You are on your way. Mark when you are on site."))
    return redirect(url_for("field.report", report_id=report.id))


@bp.post("/meldingen/<int:report_id>/ter-plaatse")
@roles_required(BOA)
def on_site(report_id):
    report = _field_report_or_404(report_id)
    form = forms.EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    if not commit_action(lambda: workflow.mark_on_site(report, current_user, expected_version=version), form):
        return _detail(report, on_site_form=form, status=422)
    return redirect(url_for("field.report", report_id=report.id))


@bp.post("/meldingen/<int:report_id>/afronden")
@roles_required(BOA)
def close(report_id):
    """Close a field report with its outcome. The page's script sends an outcome that waited for the connection
    again with Accept: application/json and gets JSON; a form gets a page.
    ---
    post:
      tags: [Field mode]
      security: [{staffSession: []}]
      x-roles: [boa]
      parameters:
        - {in: path, name: report_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [csrf_token, version, outcome]
              properties:
                csrf_token: {type: string}
                version: {type: integer}
                outcome: {type: string, enum: [aangesproken, waarschuwing, bekeuring, niets_aangetroffen,
                                               politie_ingeschakeld, doorverwezen_zorg, doorverwezen_buurtbemiddeling]}
                note: {type: string, maxLength: 500}
                action_key: {type: string, description: the same key again means the same action}
      responses:
        "200":
          description: Closed (or closed already by this same action)
          content: {application/json: {schema: {type: object, required: [ok], properties: {ok: {type: boolean}}}}}
        "302": {description: Closed (a form); to field mode}
        "400": BadRequest
        "401":
          description: Not signed in (a script's request)
          content: {application/json: {schema: {$ref: "#/components/schemas/SignedOut"}}}
        "403": Forbidden
        "404": NotFound
        "410": {description: The report was closed meanwhile, content: {text/html: {schema: {type: string}}}}
        "422":
          description: Refused (e.g. a stale version); what to show
          content:
            application/json:
              schema:
                type: object
                required: [ok, errors]
                properties:
                  ok: {type: boolean}
                  errors: {type: array, items: {type: string}}
                  reference: {type: string}
            text/html: {schema: {type: string}}
    """
    report = db.session.get(Report, report_id) or abort(404)
    form = _close_form(report, field_forms.FieldCloseForm())
    # Sent again (the answer was lost with the connection): it was applied the first time; say so, change nothing.
    if action_keys.applied(form.action_key.data, current_user, report, "close"):
        return _closed_answer()
    report = _field_report_or_404(report_id)
    if form.validate_on_submit():
        closed = commit_action(lambda: _close_once(report, form), form)
        if closed:
            return _closed_answer()
        if action_keys.applied(form.action_key.data, current_user, report, "close"):
            return _closed_answer()  # a repeat that crossed the first on the way: the first one closed it
    if _wants_json():
        return jsonify(ok=False, errors=_errors(form), reference=report.reference), 422
    _fresh_version(form, report_id)
    return _detail(report, close_form=form, status=422)


def _close_once(report: Report, form) -> None:
    workflow.close_in_the_field(report, current_user, form.outcome.data, form.note.data,
                                expected_version=form.version.data)  # fmt: skip
    action_keys.remember(form.action_key.data, current_user, report, "close")


def _closed_answer():
    if _wants_json():
        return jsonify(ok=True)
    flash(_("Report closed. Thank you."))
    return redirect(url_for("field.index"))


def _hand_back_form(form=None, report=None):
    form = form or field_forms.HandBackForm(data={"version": report.version})
    form.reason.choices = [(code, str(label)) for code, label in workflow.HAND_BACK_REASONS.items()]
    return form


@bp.route("/meldingen/<int:report_id>/teruggeven", methods=["GET", "POST"])
@roles_required(BOA)
def hand_back(report_id):
    report = _field_report_or_404(report_id)
    if not workflow.may_hand_back(report, current_user):
        return redirect(url_for("field.report", report_id=report.id))
    form = _hand_back_form(field_forms.HandBackForm() if request.method == "POST" else None, report)
    if request.method == "POST":
        if form.validate_on_submit() and commit_action(
            lambda: workflow.hand_back(
                report, current_user, form.reason.data, form.explanation.data, expected_version=form.version.data
            ),
            form,
        ):
            flash(_("You handed the report back. It is open for your colleagues again."))
            return redirect(url_for("field.index"))
        _fresh_version(form, report_id)
    status = 422 if request.method == "POST" else 200
    return render_template("field/hand_back.html", report=report, form=form,
                           errors=_errors(form) if status == 422 else []), status  # fmt: skip
