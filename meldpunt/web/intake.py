"""Staff file a report for a resident (reports/intake.py): on the phone, at the spreekuur, or a field worker in
the street. The form works without a map and without JavaScript: a place search, or coordinates ("use my
location" fills them on a phone)."""

import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from meldpunt.extensions import db
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.intake import INTAKE_CHANNELS, file_on_behalf, intake_categories
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.submission import NewReport, SubmissionRejected
from meldpunt.staff.roles import BOA, OOV, TNH_COORDINATOR
from meldpunt.web.access import roles_required
from meldpunt.web.i18n import LANGUAGE_NAMES
from meldpunt.web.staff_forms import IntakeForm
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
        receipt = file_on_behalf(_new_report(form), current_user)
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
