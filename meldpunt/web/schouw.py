"""Schouw mode (reports/schouw.py): start a walk, record its unsafe spots one by one on a phone, finish it with
what it found, and read or print the report of the walk."""

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from meldpunt.db_types import id_from
from meldpunt.extensions import db
from meldpunt.feedback.area_contacts import summary_areas
from meldpunt.geo.models import Area
from meldpunt.reports.schouw import (
    SCHOUW_KIND,
    Schouw,
    SchouwError,
    add_spot,
    finish_schouw,
    recent_schouwen,
    schouw_categories,
    spot_summaries,
    start_schouw,
)
from meldpunt.reports.submission import NewReport, SubmissionRejected
from meldpunt.reports.workflow import STATE_LABELS
from meldpunt.staff.roles import BOA, OOV, TNH_COORDINATOR
from meldpunt.web.access import roles_required
from meldpunt.web.photo_keeping import keep_photo
from meldpunt.web.report_forms import answer_lines
from meldpunt.web.schouw_forms import SchouwFinishForm, SchouwSpotForm, SchouwStartForm
from meldpunt.web.staff_location import chosen_position, fill_places

bp = Blueprint("schouw", __name__, url_prefix="/medewerkers/schouw")

SCHOUW_ROLES = (OOV, TNH_COORDINATOR, BOA)
FIELD_FOR_PART = {"location": "lat", "safety_feeling": "description", "incident_at": "description"}


def _start_form(**kwargs) -> SchouwStartForm:
    form = SchouwStartForm(**kwargs)
    form.area.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(str(a.id), a.display_name) for a in summary_areas()
    ]
    return form


def _spot_form(**kwargs) -> SchouwSpotForm:
    form = SchouwSpotForm(**kwargs)
    locale = str(get_locale() or "nl")
    form.category.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(c.code, c.name(locale)) for c in schouw_categories()
    ]
    return form


def _schouw_or_404(schouw_id: int) -> Schouw:
    return db.session.get(Schouw, schouw_id) or abort(404)


@bp.get("/")
@roles_required(*SCHOUW_ROLES)
def index():
    return render_template("staff/schouw_index.html", form=_start_form(), schouwen=recent_schouwen())


@bp.post("/")
@roles_required(*SCHOUW_ROLES)
def start():
    form = _start_form()
    if not form.validate_on_submit():
        return render_template("staff/schouw_index.html", form=form, schouwen=recent_schouwen()), 422
    area = db.session.get(Area, id_from(form.area.data) or 0) if form.area.data else None
    schouw = start_schouw(form.name.data, area, form.participants.data or [], form.other_participants.data,
                          current_user)  # fmt: skip
    db.session.commit()
    return redirect(url_for(".walk", schouw_id=schouw.id))


def _walk_page(schouw: Schouw, spot_form: SchouwSpotForm, search_message=None, status: int = 200):
    return render_template(
        "staff/schouw_walk.html",
        schouw=schouw,
        spots=spot_summaries(schouw),
        form=spot_form,
        finish_form=SchouwFinishForm(),
        search_message=search_message,
    ), status


@bp.get("/<int:schouw_id>")
@roles_required(*SCHOUW_ROLES)
def walk(schouw_id):
    schouw = _schouw_or_404(schouw_id)
    form = _spot_form()
    form.submission_key.data = secrets.token_urlsafe(24)
    fill_places(form)
    return _walk_page(schouw, form)


@bp.post("/<int:schouw_id>/plek")
@roles_required(*SCHOUW_ROLES)
def spot(schouw_id):
    schouw = _schouw_or_404(schouw_id)
    form = _spot_form()
    search_message = fill_places(form)
    keep_photo(form)
    if request.form.get("action") == "zoeken":
        return _walk_page(schouw, form, search_message)
    if not form.validate_on_submit() or form.photo.errors:
        return _walk_page(schouw, form, search_message, 422)
    position, method, precision = chosen_position(form)
    new = NewReport(
        kind=SCHOUW_KIND,
        category_code=form.category.data,
        description=form.description.data or "",
        position=position,
        location_method=method,
        location_precision=precision,
        location_description=form.location_description.data,
        answers=form.answers(form.category.data),
        locale="nl",
        submission_key=form.submission_key.data or None,
        pending_photo_tokens=[form.photo_token.data] if form.photo_token.data else [],
    )
    try:
        receipt = add_spot(schouw, new, current_user)
    except SchouwError as error:
        db.session.rollback()
        flash(str(error))
        return redirect(url_for(".walk", schouw_id=schouw.id))
    except SubmissionRejected as rejected:
        db.session.rollback()
        for part, message in rejected.problems.items():
            field = getattr(form, FIELD_FOR_PART.get(part, part), form.description)
            field.errors = [*field.errors, str(message)]
        return _walk_page(schouw, form, search_message, 422)
    db.session.commit()
    flash(_("Spot %(number)s recorded (%(reference)s).", number=len(schouw.reports), reference=receipt.reference))
    return redirect(url_for(".walk", schouw_id=schouw.id) + "#spot-form")


@bp.post("/<int:schouw_id>/afronden")
@roles_required(*SCHOUW_ROLES)
def finish(schouw_id):
    schouw = _schouw_or_404(schouw_id)
    form = SchouwFinishForm()
    if not form.validate_on_submit():
        return _walk_page(schouw, _spot_form(), status=422)
    try:
        finish_schouw(schouw, form.notes.data, current_user)
    except SchouwError as error:
        db.session.rollback()
        flash(str(error))
        return redirect(url_for(".walk", schouw_id=schouw.id))
    db.session.commit()
    return redirect(url_for(".report", schouw_id=schouw.id))


@bp.get("/<int:schouw_id>/verslag")
@roles_required(*SCHOUW_ROLES)
def report(schouw_id):
    schouw = _schouw_or_404(schouw_id)
    locale = str(get_locale() or "nl")
    spots = [
        (summary, summary.report.category.name(locale), answer_lines(SCHOUW_KIND, summary.report.answers or {}))
        for summary in spot_summaries(schouw)
    ]
    return render_template("staff/schouw_report.html", schouw=schouw, spots=spots, states=STATE_LABELS)
