"""Events (OOV and the beheerder) and risk zones (OOV and the TNH coordinator): list, add, change, remove. The place
is an area, or an outline drawn on the map or pasted (meldpunt/geo/outlines.py)."""

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from meldpunt.events.models import Event, RiskZone
from meldpunt.events.planning import EventError, delete_event, events_overview, save_event
from meldpunt.events.risk_zones import RiskZoneError, delete_zone, save_zone, zones_overview
from meldpunt.extensions import db
from meldpunt.geo.models import Area
from meldpunt.geo.outlines import OutlineError, outline_from_input, outline_geojson
from meldpunt.maps.assets import MAP_CSS, MAP_JS
from meldpunt.maps.picker import location_picker_map
from meldpunt.profiles import LOCAL_TZ, current_profile
from meldpunt.reports.models import Queue
from meldpunt.staff.roles import BEHEERDER, OOV, TNH_COORDINATOR
from meldpunt.web import staff_forms as forms
from meldpunt.web.access import roles_required

bp = Blueprint("events", __name__, url_prefix="/medewerkers")

EVENT_ROLES = (OOV, BEHEERDER)
RISK_ZONE_ROLES = (OOV, TNH_COORDINATOR)


def _areas() -> list[Area]:
    return list(db.session.scalars(sa.select(Area).order_by(Area.kind, Area.name)))


def _with_area_choices(form):
    form.area.choices = [("", _("None: my own outline"))] + [(str(a.id), a.display_name) for a in _areas()]
    return form


def _local(moment: datetime) -> datetime:
    """A time typed in the form (local, naive) as an aware datetime."""
    return moment.replace(tzinfo=LOCAL_TZ)


def _outline(form):
    """The place of the form, or None with the problem added to the form's errors."""
    area_id = int(form.area.data) if (form.area.data or "").isdigit() else None
    try:
        return outline_from_input(area_id, form.outline.data, cbs_code=current_profile().cbs_code)
    except OutlineError as error:
        form.outline.errors = [*form.outline.errors, str(error.message)]
        return None


def _form_page(template: str, form, *, item=None, status=200, **context):
    profile = current_profile()
    if request.method == "GET" and item is not None and item.area_id is None:
        # Its own outline, to be shown on the map and changed there or by hand.
        form.outline.data = outline_geojson(type(item), item.id)
    return render_template(
        template,
        form=form,
        item=item,
        map=location_picker_map(profile, current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"]),
        map_css=MAP_CSS["picker"],
        map_js=MAP_JS["picker"],
        delete_form=forms.EmptyForm(),
        **context,
    ), status


# --- events ---------------------------------------------------------------------------------------------------


@bp.get("/evenementen")
@roles_required(*EVENT_ROLES)
def event_list():
    queues = list(db.session.scalars(sa.select(Queue).order_by(Queue.is_field, Queue.id)))
    lines = events_overview()
    # The analysis period that covers each event, in local days.
    days = {line.event.id: (line.event.starts_at.astimezone(LOCAL_TZ).date().isoformat(),
                            line.event.ends_at.astimezone(LOCAL_TZ).date().isoformat()) for line in lines}  # fmt: skip
    return render_template("staff/events.html", lines=lines, queues=queues, days=days)


def _event_or_404(event_id: int) -> Event:
    return db.session.get(Event, event_id) or abort(404)


def _event_form(event: Event | None = None) -> forms.EventForm:
    if request.method == "POST" or event is None:
        return _with_area_choices(forms.EventForm())
    data = {"name": event.name, "starts": event.starts_at.astimezone(LOCAL_TZ).replace(tzinfo=None),
            "ends": event.ends_at.astimezone(LOCAL_TZ).replace(tzinfo=None),
            "area": str(event.area_id) if event.area_id else ""}  # fmt: skip
    return _with_area_choices(forms.EventForm(data=data))


@bp.route("/evenementen/nieuw", methods=["GET", "POST"])
@roles_required(*EVENT_ROLES)
def new_event():
    return _edit_event(None)


@bp.route("/evenementen/<int:event_id>", methods=["GET", "POST"])
@roles_required(*EVENT_ROLES)
def edit_event(event_id):
    return _edit_event(_event_or_404(event_id))


def _edit_event(event: Event | None):
    form = _event_form(event)
    if request.method == "GET":
        return _form_page("staff/event_form.html", form, item=event)
    valid = form.validate_on_submit()
    outline = _outline(form)
    if not valid or outline is None:
        return _form_page("staff/event_form.html", form, item=event, status=422)
    try:
        saved, tagged = save_event(event, name=form.name.data, starts_at=_local(form.starts.data),
                                   ends_at=_local(form.ends.data), outline=outline, actor=current_user)  # fmt: skip
    except EventError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        return _form_page("staff/event_form.html", form, item=event, status=422)
    db.session.commit()
    flash(ngettext("%(name)s saved: %(num)d report was made during it.",
                   "%(name)s saved: %(num)d reports were made during it.", tagged, name=saved.name))  # fmt: skip
    return redirect(url_for("events.event_list") + f"#event-{saved.id}")


@bp.post("/evenementen/<int:event_id>/verwijderen")
@roles_required(*EVENT_ROLES)
def remove_event(event_id):
    event = _event_or_404(event_id)
    if not forms.EmptyForm().validate_on_submit():
        abort(400)
    name = event.name
    delete_event(event, current_user)
    db.session.commit()
    flash(_("%(name)s removed; its reports no longer carry it.", name=name))
    return redirect(url_for("events.event_list"))


# --- risk zones -----------------------------------------------------------------------------------------------


@bp.get("/risicogebieden")
@roles_required(*RISK_ZONE_ROLES)
def risk_zone_list():
    return render_template("staff/risk_zones.html", lines=zones_overview())


def _zone_or_404(zone_id: int) -> RiskZone:
    return db.session.get(RiskZone, zone_id) or abort(404)


def _zone_form(zone: RiskZone | None = None) -> forms.RiskZoneForm:
    if request.method == "POST" or zone is None:
        return _with_area_choices(forms.RiskZoneForm())
    data = {"name": zone.name, "starts_on": zone.starts_on, "ends_on": zone.ends_on,
            "area": str(zone.area_id) if zone.area_id else ""}  # fmt: skip
    return _with_area_choices(forms.RiskZoneForm(data=data))


@bp.route("/risicogebieden/nieuw", methods=["GET", "POST"])
@roles_required(*RISK_ZONE_ROLES)
def new_risk_zone():
    return _edit_zone(None)


@bp.route("/risicogebieden/<int:zone_id>", methods=["GET", "POST"])
@roles_required(*RISK_ZONE_ROLES)
def edit_risk_zone(zone_id):
    return _edit_zone(_zone_or_404(zone_id))


def _edit_zone(zone: RiskZone | None):
    form = _zone_form(zone)
    if request.method == "GET":
        return _form_page("staff/risk_zone_form.html", form, item=zone)
    valid = form.validate_on_submit()
    outline = _outline(form)
    if not valid or outline is None:
        return _form_page("staff/risk_zone_form.html", form, item=zone, status=422)
    try:
        saved = save_zone(zone, name=form.name.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                          outline=outline, actor=current_user)  # fmt: skip
    except RiskZoneError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        return _form_page("staff/risk_zone_form.html", form, item=zone, status=422)
    db.session.commit()
    flash(_("Risk zone %(name)s saved.", name=saved.name))
    return redirect(url_for("events.risk_zone_list") + f"#zone-{saved.id}")


@bp.post("/risicogebieden/<int:zone_id>/verwijderen")
@roles_required(*RISK_ZONE_ROLES)
def remove_risk_zone(zone_id):
    zone = _zone_or_404(zone_id)
    if not forms.EmptyForm().validate_on_submit():
        abort(400)
    name = zone.name
    delete_zone(zone, current_user)
    db.session.commit()
    flash(_("Risk zone %(name)s removed.", name=name))
    return redirect(url_for("events.risk_zone_list"))
