"""Feedback per area (DESIGN §5): the public monthly "u meldde — wij deden" page of each wijk and dorp, and the
OOV page where the organisations that receive it by mail are kept."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from meldpunt.db_types import id_from, utcnow
from meldpunt.extensions import db, limiter
from meldpunt.feedback.area_contacts import (
    SUMMARY_AREA_KINDS,
    AreaContact,
    AreaContactError,
    add_contact,
    contacts_by_area,
    remove_contact,
    summary_areas,
)
from meldpunt.feedback.area_summary import previous_month, recent_months, summarise
from meldpunt.geo.models import Area
from meldpunt.profiles import LOCAL_TZ
from meldpunt.staff.roles import OOV
from meldpunt.web.access import reads_may_lag, roles_required
from meldpunt.web.staff_forms import AreaContactForm, EmptyForm

bp = Blueprint("area_feedback", __name__, url_prefix="/cijfers/gebieden")
bp.before_request(reads_may_lag)

contacts_bp = Blueprint("area_contacts", __name__, url_prefix="/medewerkers/gebiedscontacten")


def _today() -> date:
    return utcnow().astimezone(LOCAL_TZ).date()


def _month_from(text: str | None, offered: list[date]) -> date | None:
    """A "YYYY-MM" among the offered months; anything else is None."""
    for month in offered:
        if text == month.strftime("%Y-%m"):
            return month
    return None


def _limit():
    return current_app.config["RATELIMIT_PUBLIC_FIGURES"]


@bp.get("/")
@limiter.limit(_limit)
def index():
    return render_template("public/area_summaries.html", areas=summary_areas())


@bp.get("/<code>")
@limiter.limit(_limit)
def summary(code):
    area = db.session.scalar(sa.select(Area).where(Area.code == code[:60], Area.kind.in_(SUMMARY_AREA_KINDS)))
    if area is None:
        abort(404)
    offered = recent_months(_today())
    chosen = request.args.get("maand")
    month = _month_from(chosen, offered) if chosen else previous_month(offered[0])
    if month is None:
        flash(_("Choose one of the months in the list."))
        return redirect(url_for(".summary", code=area.code))
    return render_template(
        "public/area_summary.html",
        summary=summarise(area, month),
        month_label=format_date(month, "LLLL yyyy"),
        months=[(m.strftime("%Y-%m"), format_date(m, "LLLL yyyy")) for m in offered],
        chosen=month.strftime("%Y-%m"),
        current_month=month == offered[0],
    )


def _contact_form(**kwargs) -> AreaContactForm:
    form = AreaContactForm(**kwargs)
    form.area.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(str(a.id), a.display_name) for a in summary_areas()
    ]
    return form


def _contacts_page(form: AreaContactForm, status: int = 200):
    page = render_template(
        "staff/area_contacts.html",
        form=form,
        areas=summary_areas(),
        contacts=contacts_by_area(),
        remove_form=EmptyForm(),
    )
    return page, status


@contacts_bp.get("/")
@roles_required(OOV)
def contacts():
    return _contacts_page(_contact_form())


@contacts_bp.post("/")
@roles_required(OOV)
def add():
    form = _contact_form()
    if not form.validate_on_submit():
        return _contacts_page(form, 422)
    area = db.session.get(Area, id_from(form.area.data) or 0)
    if area is None:
        form.area.errors.append(_("Choose a wijk or dorp from the list."))
        return _contacts_page(form, 422)
    try:
        contact = add_contact(area, form.organisation.data, form.email.data, current_user)
    except AreaContactError as error:
        db.session.rollback()
        form.email.errors.append(str(error))
        return _contacts_page(form, 422)
    db.session.commit()
    flash(_("%(organisation)s receives the summary of %(area)s.", organisation=contact.organisation, area=area.name))
    return redirect(url_for(".contacts") + f"#area-{area.id}")


@contacts_bp.post("/<int:contact_id>/verwijderen")
@roles_required(OOV)
def remove(contact_id):
    if not EmptyForm().validate_on_submit():
        abort(400)
    contact = db.session.get(AreaContact, contact_id) or abort(404)
    area, organisation = contact.area, contact.organisation
    remove_contact(contact, current_user)
    db.session.commit()
    flash(_("%(organisation)s no longer receives the summary of %(area)s.", organisation=organisation, area=area.name))
    return redirect(url_for(".contacts") + f"#area-{area.id}")
