"""Boa field mode (DESIGN §8): phone first, open field reports nearest first, claim, on site, close.
Never any contact detail: nothing here reads the reporter's e-mail."""

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.maps.assets import MAP_CSS, MAP_JS
from meldpunt.maps.staff_maps import spot_map
from meldpunt.profiles import current_profile
from meldpunt.reports import workflow
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import Report
from meldpunt.reports.queries import lat_lon, open_field_reports_near
from meldpunt.staff.roles import BOA, can_see_in_field_mode, is_field_report
from meldpunt.web import staff_forms as forms
from meldpunt.web.access import roles_required
from meldpunt.web.actions import commit_action

bp = Blueprint("field", __name__, url_prefix="/veld")
REFRESH_SECONDS = 10


def _position() -> LatLon | None:
    """The officer's position, from the X-Position header ("lat,lon") the page's script sends. Never from the
    query string: addresses end up in access logs and browser history."""
    lat, _comma, lon = request.headers.get("X-Position", "").partition(",")
    return LatLon.parse(lat, lon)


def _field_report_or_404(report_id: int) -> Report:
    report = db.session.get(Report, report_id) or abort(404)
    if can_see_in_field_mode(current_user, report):
        return report
    if is_field_report(report):
        # Closed in the meantime: say so, without showing it.
        abort(make_response(render_template("field/closed.html", report=report), 410))
    abort(403)


@bp.get("/")
@roles_required(BOA)
def index():
    return render_template("field/index.html", rows=open_field_reports_near(None), position=None,
                           refresh=REFRESH_SECONDS)  # fmt: skip


@bp.get("/lijst")
@roles_required(BOA)
def fragment():
    """The list alone, fetched every few seconds by the page: new reports appear without a reload."""
    position = _position()
    response = make_response(
        render_template("field/_list.html", rows=open_field_reports_near(position), position=position)
    )
    response.vary.add("X-Position")
    return response


def _detail(report: Report, *, claim_form=None, close_form=None, status=200):
    position = lat_lon(report)
    close = close_form or forms.FieldCloseForm(data={"version": report.version})
    close.outcome.choices = [("", _("Choose…"))] + [(k, str(v)) for k, v in workflow.FIELD_OUTCOMES.items()]
    return render_template(
        "field/report.html",
        report=report,
        kind=KINDS[report.kind],
        position=position,
        map=spot_map(
            current_profile(), current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"], position
        ),  # fmt: skip
        map_css=MAP_CSS["picker"],
        map_js=MAP_JS["picker"],
        claim_form=claim_form or forms.ClaimForm(data={"version": report.version}),
        on_site_form=forms.EmptyForm(data={"version": report.version}),
        close_form=close,
        mine=report.assigned_to_id == current_user.id,
        is_open=report.state in workflow.OPEN_STATES,
    ), status


@bp.get("/meldingen/<int:report_id>")
@roles_required(BOA)
def report(report_id):
    return _detail(_field_report_or_404(report_id))


@bp.post("/meldingen/<int:report_id>/claim")
@roles_required(BOA)
def claim(report_id):
    report = _field_report_or_404(report_id)
    form = forms.ClaimForm()
    if not form.validate_on_submit():
        abort(400)
    claimed = commit_action(
        lambda: workflow.claim(
            report, current_user, expected_version=form.version.data, safety_confirmed=form.confirm_alone.data
        ),
        form,
    )
    if not claimed:
        current = db.session.get(Report, report_id).version
        form.version.data, form.version.raw_data = current, [str(current)]
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
        close_form = forms.FieldCloseForm(data={"version": report.version})
        close_form.form_errors.extend(form.form_errors)
        return _detail(report, close_form=close_form, status=422)
    return redirect(url_for("field.report", report_id=report.id))


@bp.post("/meldingen/<int:report_id>/afronden")
@roles_required(BOA)
def close(report_id):
    report = _field_report_or_404(report_id)
    form = forms.FieldCloseForm()
    form.outcome.choices = [(k, str(v)) for k, v in workflow.FIELD_OUTCOMES.items()]
    if not form.validate_on_submit():
        return _detail(report, close_form=form, status=422)
    closed = commit_action(
        lambda: workflow.close_in_the_field(
            report, current_user, form.outcome.data, form.note.data, expected_version=form.version.data
        ),  # fmt: skip
        form,
    )
    if not closed:
        return _detail(report, close_form=form, status=422)
    flash(_("Report closed. Thank you."))
    return redirect(url_for("field.index"))
