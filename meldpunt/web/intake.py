"""Staff file a report for a resident (reports/intake.py): on the phone, at the spreekuur, or a field worker in
the street. The form works without a map and without JavaScript: a place search, or coordinates ("use my
location" fills them on a phone)."""

import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from meldpunt.db_types import id_from
from meldpunt.extensions import db
from meldpunt.feedback.area_contacts import summary_areas
from meldpunt.geo.models import Area
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.channels import (
    CHANNEL_LABELS,
    GroupError,
    ReportingGroup,
    active_groups,
    all_groups,
    group_of,
    register_group,
    set_group_active,
)
from meldpunt.reports.intake import INTAKE_CHANNELS, file_on_behalf, intake_categories
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.submission import NewReport, SubmissionRejected
from meldpunt.staff.roles import BOA, OOV, TNH_COORDINATOR
from meldpunt.web.access import roles_required
from meldpunt.web.i18n import LANGUAGE_NAMES
from meldpunt.web.staff_forms import EmptyForm, IntakeForm, ReportingGroupForm
from meldpunt.web.staff_location import chosen_position, fill_places

bp = Blueprint("intake", __name__, url_prefix="/medewerkers/melding-opnemen")

INTAKE_ROLES = (OOV, TNH_COORDINATOR, BOA)
# Where each part the domain rejects is shown, and the staff's wording where the reporter's would be wrong.
FIELD_FOR_PART = {"location": "lat", "incident_at": "incident_at", "safety_feeling": "description"}
STAFF_WORDING = {"email_consent": lambda: _("Ask the resident whether we may e-mail them, or leave the address empty.")}


def _form(**kwargs) -> IntakeForm:
    form = IntakeForm(**kwargs)
    locale = str(get_locale() or "nl")
    form.channel.choices = [SelectChoice(code, str(label)) for code, label in INTAKE_CHANNELS.items()]
    form.category.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(c.code, f"{KINDS[c.kind].label}: {c.name(locale)}") for c in intake_categories() if c.kind in KINDS
    ]
    form.group.choices = [SelectChoice("", _("Choose…"))] + [SelectChoice(str(g.id), g.name) for g in active_groups()]
    form.locale.choices = [
        SelectChoice(code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]
    ]
    return form


def _render(form: IntakeForm, search_message: str | None = None, status: int = 200):
    return render_template("staff/intake.html", form=form, search_message=search_message), status


@bp.get("/")
@roles_required(*INTAKE_ROLES)
def start():
    form = _form(channel="straat" if current_user.has_role(BOA) else "telefoon")
    form.submission_key.data = secrets.token_urlsafe(24)
    fill_places(form)
    return _render(form)


@bp.post("/")
@roles_required(*INTAKE_ROLES)
def submit():
    form = _form()
    search_message = fill_places(form)
    if request.form.get("action") == "zoeken":
        return _render(form, search_message)
    if not form.validate_on_submit():
        return _render(form, search_message, 422)
    try:
        group = db.session.get(ReportingGroup, id_from(form.group.data) or 0) if form.group.data else None
        receipt = file_on_behalf(_new_report(form), current_user, group=group)
    except SubmissionRejected as rejected:
        db.session.rollback()
        for part, message in rejected.problems.items():
            field = getattr(form, FIELD_FOR_PART.get(part, part), form.description)
            field.errors = [*field.errors, STAFF_WORDING[part]() if part in STAFF_WORDING else str(message)]
        return _render(form, search_message, 422)
    db.session.commit()
    if form.email.data and form.email_consent.data:
        flash(_("Report %(reference)s is filed. Read the reference out to the resident; the confirmation with the "
                "link to follow the report goes to their e-mail address.", reference=receipt.reference))  # fmt: skip
    else:
        flash(_("Report %(reference)s is filed. Read the reference out to the resident: with it they can ask "
                "about the report by phone.", reference=receipt.reference))  # fmt: skip
    return redirect(url_for(".start"))


def _new_report(form: IntakeForm) -> NewReport:
    category = next((c for c in intake_categories() if c.code == form.category.data), None)
    if category is None:  # the choice was validated against the same list; gone in between
        raise SubmissionRejected({"category": _("Choose what the resident wants to report.")})
    position, method, precision = chosen_position(form)
    is_now = form.when.data != "eerder"
    incident_at = form.incident_at.data.replace(tzinfo=LOCAL_TZ) if form.incident_at.data else None
    return NewReport(
        kind=category.kind,
        category_code=category.code,
        description=form.description.data or "",
        position=position,
        location_method=method,
        location_precision=precision,
        location_description=form.location_description.data,
        incident_is_now=is_now,
        incident_at=None if is_now else incident_at,
        email=form.email.data or None,
        email_consent=bool(form.email_consent.data),
        locale=form.locale.data if form.locale.data in current_app.config["LANGUAGES"] else "nl",
        submission_key=form.submission_key.data or None,
        channel=form.channel.data,
    )


@bp.app_template_filter("channel_label")
def channel_label(code: str) -> str:
    """How a report reached us, in words (staff pages)."""
    return str(CHANNEL_LABELS.get(code, code))


@bp.app_template_global("reporting_group_of")
def reporting_group_of(report_id: int):
    return group_of(report_id)


def _group_form(**kwargs) -> ReportingGroupForm:
    form = ReportingGroupForm(**kwargs)
    form.area.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(str(a.id), a.display_name) for a in summary_areas()
    ]
    return form


def _groups_page(form: ReportingGroupForm, status: int = 200):
    return render_template("staff/groups.html", form=form, groups=all_groups(), toggle_form=EmptyForm()), status


@bp.get("/groepen")
@roles_required(OOV)
def groups():
    return _groups_page(_group_form())


@bp.post("/groepen")
@roles_required(OOV)
def add_group():
    form = _group_form()
    if not form.validate_on_submit():
        return _groups_page(form, 422)
    area = db.session.get(Area, id_from(form.area.data) or 0) if form.area.data else None
    try:
        group = register_group(form.name.data, area, current_user)
    except GroupError as error:
        db.session.rollback()
        form.name.errors.append(str(error))
        return _groups_page(form, 422)
    db.session.commit()
    flash(_("%(name)s is registered: staff can file its reports.", name=group.name))
    return redirect(url_for(".groups"))


@bp.post("/groepen/<int:group_id>/actief")
@roles_required(OOV)
def toggle_group(group_id):
    if not EmptyForm().validate_on_submit():
        abort(400)
    group = db.session.get(ReportingGroup, group_id) or abort(404)
    set_group_active(group, not group.active, current_user)
    db.session.commit()
    flash(
        _("%(name)s is active again.", name=group.name)
        if group.active
        else _("%(name)s is no longer active.", name=group.name)
    )
    return redirect(url_for(".groups"))
