"""The queue handlers' workspace: queues, report detail, actions, contact details (audited), photos."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

import sqlalchemy as sa
from babel import Locale
from babel import dates as babel_dates
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import format_timedelta, get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from meldpunt.db_types import id_from, utcnow
from meldpunt.events.planning import event_choices
from meldpunt.events.tagging import events_of
from meldpunt.extensions import db
from meldpunt.feedback.satisfaction import satisfaction_figures, satisfaction_of, shared_comments
from meldpunt.feedback.templates import outcomes_with_template, template_for, templates_for
from meldpunt.geo.models import Area
from meldpunt.maps.assets import MAP_CSS, MAP_JS
from meldpunt.maps.staff_maps import queue_map, spot_map
from meldpunt.privacy.contact import reveal_contact
from meldpunt.profiles import LOCAL_TZ, PARTNER_LABELS, current_profile
from meldpunt.reports import bulk_actions, queries, workflow
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import AREA_LOCATION_METHODS, Category, Queue, Report, ReportPhoto
from meldpunt.reports.photos import photo_store
from meldpunt.reports.queries import (
    ALL_STATES,
    PERIODS,
    UNASSIGNED,
    QueueFilters,
    lat_lon,
    merged_into,
    nearby_reports,
    queue_neighbours,
    queue_page,
    readable_queues,
)
from meldpunt.staff.accounts import active_field_officers
from meldpunt.staff.models import User
from meldpunt.staff.roles import (
    BOA,
    OOV,
    REPORT_ROLES,
    TNH_COORDINATOR,
    can_handle_queue,
    can_read_queue,
    can_read_report,
    can_see_photos_of,
)
from meldpunt.staff.saved_filters import SavedFilterError, clean_query, delete_filter, filters_of, save_filter
from meldpunt.staff.vaste_boa import VasteBoaError, set_vaste_boa, vaste_boa_areas
from meldpunt.web import staff_forms as forms
from meldpunt.web.access import roles_required
from meldpunt.web.actions import commit_action
from meldpunt.web.desk_messages import BULK_ACTION_LABELS, HISTORY_EVENT_LABELS, action_done_message, bulk_summary
from meldpunt.web.report_forms import answer_lines

bp = Blueprint("staff", __name__, url_prefix="/medewerkers")


@bp.get("/")
@roles_required(*REPORT_ROLES)
def index():
    queues = readable_queues(current_user)
    own = [q for q in queues if can_handle_queue(current_user.role_set, q)]
    return redirect(url_for("staff.queue", code=(own or queues)[0].code))


def _filters_from_args(args=None) -> QueueFilters:
    return QueueFilters.from_args(request.args if args is None else args, kinds=KINDS)


def _back_query() -> str:
    """The queue filters the staff member came from (kept in the report's links), cleaned."""
    return clean_query(request.args.get("terug", ""))


def _queue_or_404(code) -> Queue:
    q = db.session.scalar(sa.select(Queue).where(Queue.code == code)) or abort(404)
    if not can_read_queue(current_user.role_set, q):
        abort(403)
    return q


def _bulk_form(queue: Queue, boas: list[User] | None = None, queues: list[Queue] | None = None) -> forms.BulkForm:
    form = forms.BulkForm()
    form.action.choices = [("", _("Choose…"))] + [(k, str(v)) for k, v in BULK_ACTION_LABELS.items()
                                                 if k != "assign" or workflow.assignable_in(queue)]  # fmt: skip
    form.boa.choices = [("", _("Choose…"))] + [
        (str(u.id), u.name) for u in (active_field_officers(queue.code) if boas is None else boas)
    ]
    form.boa.label.text = current_profile().field_worker_of_queue(queue.code)
    locale = str(get_locale() or "nl")
    others = [x for x in (db.session.scalars(sa.select(Queue)) if queues is None else queues) if x.id != queue.id]
    form.queue.choices = [("", _("Choose…"))] + [(x.code, x.name(locale)) for x in others]
    with_template = outcomes_with_template()
    form.outcome.choices = [("", _("Choose…"))] + [(k, str(v)) for k, v in workflow.OUTCOMES.items()
                                                  if k in with_template]  # fmt: skip
    return form


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One row of the queue list with its texts ready: made in one pass per page, with the locale, the time zone
    and the translations looked up once, not once per row and cell (a desk reloads its queue all day)."""

    report: Report
    link: str
    category: str
    area: str
    received: str  # the moment, short
    age: str  # "3 days ago"
    state: str
    due: str | None
    overdue: bool


def _queue_rows(reports: list[Report], back: str, now: datetime) -> list[QueueRow]:
    locale, tz = get_locale() or Locale.parse("nl"), get_timezone()
    states = {code: str(label) for code, label in workflow.STATE_LABELS.items()}
    merged = _("Merged")
    # One link built by the router, the others from it: only the report's id differs.
    marker = 999_999_999
    head, tail = url_for("staff.report", report_id=marker, terug=back or None).split(str(marker), 1)
    categories, areas = {}, {}
    rows = []
    for r in reports:
        if r.category_id not in categories:
            categories[r.category_id] = r.category.name(str(locale))
        if r.area_id not in areas:
            areas[r.area_id] = r.area.display_name if r.area else "—"
        due_day = r.due_day
        rows.append(QueueRow(
            report=r,
            link=f"{head}{r.id}{tail}",
            category=categories[r.category_id],
            area=areas[r.area_id],
            received=babel_dates.format_datetime(r.created_at, "short", tzinfo=tz, locale=locale),
            age=babel_dates.format_timedelta(r.created_at - now, add_direction=True, threshold=1, locale=locale),
            state=merged if r.merged_into_id else states[r.state],
            due=babel_dates.format_date(due_day, "short", locale=locale) if due_day else None,
            overdue=r.is_overdue(now),
        ))  # fmt: skip
    return rows


@bp.get("/wachtrij/<code>")
@roles_required(*REPORT_ROLES)
def queue(code, bulk_form=None):
    # Every queue in one read: the tabs, the bulk form's re-routing choices and this queue itself come from it.
    all_queues = list(db.session.scalars(sa.select(Queue).order_by(Queue.is_field, Queue.id)))
    q = next((x for x in all_queues if x.code == code), None) or abort(404)
    if not can_read_queue(current_user.role_set, q):
        abort(403)
    if bulk_form is None and "page" in request.args:
        # Pages used to be numbered; links now carry a row's place (keyset pagination). An old link or bookmark
        # opens the first page of the same filters.
        return redirect(url_for("staff.queue", code=q.code, **_filters_from_args().as_args()))
    # A refused bulk action shows the list it was sent from, with the same reports still ticked.
    filters = _filters_from_args(dict(parse_qsl(clean_query(request.form.get("terug", ""))))) if bulk_form else None
    filters = filters or _filters_from_args()
    page = queue_page(q, filters, current_user)
    profile = current_profile()
    parts = queue_map(profile, current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"])
    back = clean_query(filters.as_args())
    boas = active_field_officers(q.code)
    now = utcnow()
    return render_template(
        "staff/queue.html",
        rows=_queue_rows(page.items, back, now),
        row_text={
            "weapon": _("Weapon, violence or a group"),
            "no_warning": _("no warning"),
            "overdue": _("overdue"),
            "no_term": _("no term"),
            "select": _("Select %(ref)s"),
        },  # fmt: skip
        queue=q,
        queues=[x for x in all_queues if can_read_queue(current_user.role_set, x)],
        page=page,
        filters=filters,
        args=filters.as_args(),
        back=back,
        map_data_url=url_for("staff.queue_map_data", code=q.code, **filters.as_args()),
        categories=queries.visible_categories(current_user),
        areas=list(db.session.scalars(sa.select(Area).where(Area.kind != "gemeente").order_by(Area.name))),
        events=event_choices(),
        boas=boas,
        kinds=KINDS,
        states={code: str(label) for code, label in workflow.STATE_LABELS.items()},  # translated once
        periods=PERIODS,
        unassigned=UNASSIGNED,
        all_states=ALL_STATES,
        saved=filters_of(current_user, q.code),
        save_form=forms.SaveFilterForm(query=back),
        delete_form=forms.EmptyForm(),
        bulk=bulk_form or _bulk_form(q, boas, all_queues),
        ticked=set(request.form.getlist("report")) if bulk_form else set(),
        can_act=can_handle_queue(current_user.role_set, q),
        can_assign=workflow.assignable_in(q),
        now=now,
        map=parts,
        map_css=MAP_CSS["cluster"],
        map_js=MAP_JS["cluster"],
    ), 200 if bulk_form is None else 422


@bp.get("/wachtrij/<code>/kaart.geojson")
@roles_required(*REPORT_ROLES)
def queue_map_data(code):
    """Every report that matches the queue's filters (not only the page shown), bounded: see queue_map_data.
    ---
    get:
      tags: [Staff]
      security: [{staffSession: []}]
      x-roles: [tnh-coordinator, oov]
      description: >-
        Single reports (properties reference, category, state, age, url) up to 2000; beyond that grid cells of
        250 m with their count ("grouped": true). Which queues a role reads is the profile's (in Emmen OOV reads
        both, the TNH coordinator the field queue).
      parameters:
        - {in: path, name: code, required: true, schema: {type: string}}
        - {in: query, name: state, description: "a state, open (default) or alle", schema: {type: string}}
        - {in: query, name: kind, schema: {type: string}}
        - {in: query, name: category, schema: {type: string}}
        - {in: query, name: area, schema: {type: string}}
        - {in: query, name: assignee, description: "a user's id or geen", schema: {type: string}}
        - {in: query, name: safety, schema: {type: string, enum: ["1"]}}
        - {in: query, name: period, schema: {type: string, enum: [7d, 30d, 90d, 365d]}}
        - {in: query, name: overdue, schema: {type: string, enum: ["1"]}}
        - {in: query, name: sort, schema: {type: string}}
      responses:
        "200":
          description: The reports on the map
          content:
            application/json:
              schema:
                allOf:
                  - {$ref: "#/components/schemas/FeatureCollection"}
                  - {type: object, required: [grouped], properties: {grouped: {type: boolean}}}
        "302": SignIn
        "403": Forbidden
        "404": NotFound
    """
    q = _queue_or_404(code)
    filters = _filters_from_args()
    data = queries.queue_map_data(q, filters, current_user)
    locale = str(get_locale() or "nl")
    if not data["grouped"]:
        names = {c.id: c.name(locale) for c in db.session.scalars(sa.select(Category))}
        back = clean_query(filters.as_args())
        now = utcnow()
        for feature in data["features"]:
            p = feature["properties"]
            p.update(
                category=names.get(p.pop("category_id"), ""),
                state=str(_("merged") if p.pop("merged") else workflow.STATE_LABELS[p["state"]]),
                age=format_timedelta(p.pop("created_at") - now, add_direction=True, threshold=1),
                url=url_for("staff.report", report_id=p.pop("id"), **({"terug": back} if back else {})),
            )
    response = jsonify(data)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/wachtrij/<code>/bulk")
@roles_required(*REPORT_ROLES)
def bulk(code):
    """One action on the selected reports; each is checked as a single action would be."""
    q = _queue_or_404(code)
    if not can_handle_queue(current_user.role_set, q):
        abort(403)
    form = _bulk_form(q)
    back = clean_query(request.form.get("terug", ""))
    if not form.validate_on_submit():
        return queue(code, bulk_form=form)
    versions = {}
    for value in request.form.getlist("report")[: bulk_actions.MAX_REPORTS + 1]:
        report_id, _sep, version = value.partition(":")
        if id_from(report_id):
            versions[id_from(report_id)] = id_from(version)
    selection = bulk_actions.load_selection(q, versions, current_user)
    try:
        result = bulk_actions.apply_to_many(
            form.action.data, selection.reports, current_user, elsewhere=selection.elsewhere, unseen=selection.unseen,
            boa=db.session.get(User, id_from(form.boa.data)) if id_from(form.boa.data) else None,
            queue=db.session.scalar(sa.select(Queue).where(Queue.code == form.queue.data)) if form.queue.data else None,
            reason=form.reason.data, outcome=form.outcome.data or None,
        )  # fmt: skip
        db.session.commit()
    except workflow.WorkflowError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        return queue(code, bulk_form=form)
    except StaleDataError:
        db.session.rollback()
        form.form_errors.append(str(workflow.STALE_MESSAGE))
        return queue(code, bulk_form=form)
    flash(bulk_summary(result))
    return redirect(url_for("staff.queue", code=q.code) + (f"?{back}" if back else ""))


@bp.post("/wachtrij/<code>/filters")
@roles_required(*REPORT_ROLES)
def save_queue_filter(code):
    q = _queue_or_404(code)
    form = forms.SaveFilterForm()
    query = clean_query(form.query.data or "")
    if form.validate_on_submit():
        try:
            saved = save_filter(current_user, q.code, form.name.data, query)
        except SavedFilterError as error:
            flash(str(error.message))
        else:
            db.session.commit()
            flash(_("Filter '%(name)s' saved.", name=saved.name))
    else:
        flash(_("Give the filter a name."))
    return redirect(url_for("staff.queue", code=q.code) + (f"?{query}" if query else ""))


@bp.post("/filters/<int:filter_id>/verwijderen")
@roles_required(*REPORT_ROLES)
def delete_queue_filter(filter_id):
    if not forms.EmptyForm().validate_on_submit():
        abort(400)
    removed = delete_filter(current_user, filter_id) or abort(404)
    db.session.commit()
    flash(_("Filter '%(name)s' deleted.", name=removed.name))
    return redirect(url_for("staff.queue", code=removed.queue_code))


@bp.get("/vaste-boas")
@roles_required(TNH_COORDINATOR)
def vaste_boas():
    """Per wijk and dorp, who its vaste boa is; the coordinator changes it here."""
    officers = active_field_officers()
    rows = []
    for area, officer in vaste_boa_areas():
        form = forms.VasteBoaForm(prefix=f"a{area.id}", data={"boa": str(officer.id) if officer else ""})
        form.boa.label.text = str(current_profile().field_worker)
        form.boa.choices = [("", _("Nobody"))] + [(str(u.id), u.name) for u in officers]
        rows.append((area, officer, form))
    return render_template("staff/vaste_boas.html", rows=rows)


@bp.post("/vaste-boas/<int:area_id>")
@roles_required(TNH_COORDINATOR)
def set_area_vaste_boa(area_id):
    area = db.session.get(Area, area_id) or abort(404)
    form = forms.VasteBoaForm(prefix=f"a{area.id}")
    if not form.validate_on_submit():
        abort(400)
    chosen = form.boa.data
    officer = db.session.get(User, id_from(chosen) or 0) if chosen else None
    if chosen and officer is None:
        abort(400)
    try:
        set_vaste_boa(area, officer, current_user)
    except VasteBoaError as error:
        db.session.rollback()
        flash(str(error))
        return redirect(url_for("staff.vaste_boas"))
    db.session.commit()
    flash(_("Vaste boa of %(area)s: %(name)s.", area=area.name, name=officer.name if officer else _("Nobody")))
    return redirect(url_for("staff.vaste_boas") + f"#area-{area.id}")


@bp.get("/tevredenheid")
@roles_required(OOV)
def satisfaction():
    period = request.args.get("period") if request.args.get("period") in PERIODS else None
    since = utcnow() - timedelta(days=PERIODS[period]) if period else None
    locale = str(get_locale() or "nl")
    return render_template(
        "staff/satisfaction.html",
        figures=satisfaction_figures(locale, since=since),
        comments=shared_comments(since=since),
        categories={c.id: c.name(locale) for c in db.session.scalars(sa.select(Category))},
        period=period,
        periods=PERIODS,
    )


def _report_or_404(report_id: int) -> Report:
    report = db.session.get(Report, report_id) or abort(404)
    if not can_read_report(current_user, report):
        abort(403)
    return report


def _action_forms(report: Report) -> dict:
    version = {"version": report.version}
    assign = forms.AssignForm(data=version)
    assign.boa.choices = [(u.id, u.name) for u in active_field_officers(report.queue.code)]
    assign.boa.label.text = current_profile().field_worker_of_queue(report.queue.code)
    reroute = forms.RerouteForm(data=version)
    queues = db.session.scalars(sa.select(Queue))
    reroute.queue.choices = [(q.code, q.name(str(get_locale() or "nl"))) for q in queues if q.id != report.queue_id]
    forward = forms.ForwardForm(data=version)
    forward.partner.choices = [(p, str(PARTNER_LABELS.get(p, p))) for p in current_profile().partners]
    close_data = dict(version)
    chosen = request.args.get("sjabloon")
    if chosen and (template := template_for(report.category.code, chosen, report.locale)):
        close_data.update(outcome=template.outcome, message=template.body)
    close = forms.CloseForm(data=close_data)
    outcomes = workflow.allowed_outcomes(report)
    close.outcome.choices = [("", _("Choose…"))] + [(k, str(v)) for k, v in outcomes.items()]
    return {
        "take": forms.EmptyForm(data=version),
        "assign": assign,
        "reroute": reroute,
        "merge": forms.MergeForm(data=version),
        "plan": forms.PlanForm(data=version),
        "forward": forward,
        "close": close,
        "cancel": forms.ReasonForm(data=version),
        "reopen": forms.ReasonForm(data=version),
    }


@bp.get("/meldingen/<int:report_id>")
@roles_required(*REPORT_ROLES)
def report(report_id, forms_override=None, contact=False, refusal=None):
    r = _report_or_404(report_id)
    action_forms = _action_forms(r)
    action_forms.update(forms_override or {})
    back = _back_query()
    previous_id = next_id = None
    if can_read_queue(current_user.role_set, r.queue):
        previous_id, next_id = queue_neighbours(r.queue, _filters_from_args(dict(parse_qsl(back))), current_user, r)
    # A signal without a spot: its stored point only stands in for its wijk, dorp or the municipality.
    position = lat_lon(r) if r.location_method not in AREA_LOCATION_METHODS else None
    profile = current_profile()
    return render_template(
        "staff/report.html",
        report=r,
        kind=KINDS[r.kind],
        photos=r.photos if can_see_photos_of(current_user, r) else [],
        position=position,
        answers=answer_lines(r.kind, r.answers),
        spot=spot_map(profile, current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"], position)
        if position
        else None,
        map_css=MAP_CSS["picker"],
        map_js=MAP_JS["picker"],
        nearby=nearby_reports(r, current_user),
        made_during=events_of(r),
        merged_here=merged_into(r, current_user),
        merge_forms=forms.EmptyForm(),
        answer=satisfaction_of(r),
        forms=action_forms,
        can_act=can_handle_queue(current_user.role_set, r.queue),
        can_assign=workflow.assignable_in(r.queue),
        allowed=workflow.TRANSITIONS[r.state],
        open_states=workflow.OPEN_STATES,
        states=workflow.STATE_LABELS,
        events=HISTORY_EVENT_LABELS,
        outcomes=workflow.OUTCOMES,
        partners=PARTNER_LABELS,
        contact=contact,
        contact_form=forms.EmptyForm(),
        templates=templates_for(r.category.code, r.locale),
        chosen_template=request.args.get("sjabloon"),
        back=back,
        keep={"terug": back} if back else {},
        previous_id=previous_id,
        next_id=next_id,
        refusal=refusal,
    ), 200 if not (forms_override or refusal) else 422


@bp.post("/meldingen/<int:report_id>/contact")
@roles_required(*REPORT_ROLES)
def show_contact(report_id):
    """Contact details are shown only on this deliberate request, and each view is audited."""
    r = _report_or_404(report_id)
    if not forms.EmptyForm().validate_on_submit():
        abort(400)
    reveal_contact(r, current_user)
    db.session.commit()
    return report(report_id, contact=True)


@bp.get("/fotos/<int:photo_id>")
@roles_required(*REPORT_ROLES, BOA)
def photo(photo_id):
    item = db.session.get(ReportPhoto, photo_id) or abort(404)
    if not can_see_photos_of(current_user, item.report):
        abort(403)
    response = send_file(photo_store().path_of(item.storage_key), mimetype=item.content_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _merge_here_page(name: str) -> int | None:
    """ "Merge … into this one" is sent from the original's page (?naar=): the page a refusal is shown on."""
    original = db.session.get(Report, id_from(request.args.get("naar")) or 0) if name == "merge" else None
    return original.id if original is not None and can_read_report(current_user, original) else None


def _act(report_id: int, form_cls, name: str, apply):
    """Validate the action's form, apply it through the workflow, commit; on a problem show the report again
    with the message and what was typed (for "merge into this one": the original's page, with the message)."""
    page_id = _merge_here_page(name)
    r = db.session.get(Report, report_id) or abort(404)
    if not can_read_report(current_user, r) or not can_handle_queue(current_user.role_set, r.queue):
        if page_id is None:
            abort(403)
        # Moved meanwhile to a queue this user does not handle: its reference may no longer be theirs to see.
        return report(page_id, refusal=_("That report is no longer in a queue you handle; nothing was merged."))
    from_queue = r.queue.code
    form = form_cls()
    if name in ("assign", "reroute", "forward", "close"):
        form_choices = _action_forms(r)[name]
        for field in ("boa", "queue", "partner", "outcome"):
            if hasattr(form, field):
                getattr(form, field).choices = getattr(form_choices, field).choices
    if form.validate_on_submit() and commit_action(lambda: apply(r, form), form):
        flash(action_done_message(name, r))
        return redirect(_after_action(r, from_queue))
    db.session.expire_all()
    if page_id is not None:
        refusal = " ".join([*map(str, form.form_errors), *(str(e) for errors in form.errors.values() for e in errors)])
        return report(page_id, refusal=refusal or _("Nothing was merged."))
    # The page now shows the report as it is; sending the form again is a deliberate choice on that version.
    current = db.session.get(Report, report_id).version
    form.version.data, form.version.raw_data = current, [str(current)]
    return report(report_id, forms_override={name: form})


def _after_action(r: Report, from_queue: str) -> str:
    """Back to the report, with the queue filters it was opened from; to where the user came from when the report
    is no longer theirs to read (moved to a queue they do not see), or to the original after "merge into this one"."""
    back = _back_query()
    keep = {"terug": back} if back else {}
    original = id_from(request.args.get("naar"))
    if original and r.merged_into_id == original:
        return url_for("staff.report", report_id=original, **keep)
    if not can_read_report(current_user, r):
        return url_for("staff.queue", code=from_queue) + (f"?{back}" if back else "")
    return url_for("staff.report", report_id=r.id, **keep)


def _queue_by_code(code):
    return db.session.scalar(sa.select(Queue).where(Queue.code == code))


def _report_by_reference(reference):
    return db.session.scalar(sa.select(Report).where(Report.reference == reference.strip().upper()))


def _local(dt: datetime) -> datetime:
    return dt.replace(tzinfo=LOCAL_TZ)


ACTIONS = {
    "take": (forms.EmptyForm, lambda r, f: workflow.take_in_handling(r, current_user, expected_version=_v(f))),
    "assign": (forms.AssignForm, lambda r, f: workflow.assign_to_boa(
        r, db.session.get(User, f.boa.data) or _missing(_("Choose a field officer.")), current_user,
        expected_version=_v(f))),
    "reroute": (forms.RerouteForm, lambda r, f: workflow.reroute(
        r, _queue_by_code(f.queue.data) or _missing(_("Choose a queue.")), f.reason.data, current_user,
        expected_version=_v(f))),
    "merge": (forms.MergeForm, lambda r, f: workflow.merge_into(
        r, _report_by_reference(f.original.data) or _missing(_("No report with that reference.")), current_user,
        expected_version=_v(f), different_category_confirmed=f.different_category_confirmed.data)),
    "plan": (forms.PlanForm, lambda r, f: workflow.plan(r, _local(f.when.data), current_user, expected_version=_v(f))),
    "forward": (forms.ForwardForm, lambda r, f: workflow.forward(
        r, f.partner.data, f.note.data, current_user, partners=current_profile().partners, expected_version=_v(f))),
    "close": (forms.CloseForm, lambda r, f: workflow.close_with_outcome(
        r, f.outcome.data, f.message.data, current_user, expected_version=_v(f),
        personal_data_confirmed=f.personal_data_confirmed.data)),
    "cancel": (forms.ReasonForm, lambda r, f: workflow.cancel(r, f.reason.data, current_user, expected_version=_v(f))),
    "reopen": (forms.ReasonForm, lambda r, f: workflow.reopen(r, f.reason.data, current_user, expected_version=_v(f))),
}  # fmt: skip


def _v(form) -> int | None:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None


def _missing(message):
    raise workflow.WorkflowError(message)


def _make_action_view(name):
    form_cls, apply = ACTIONS[name]

    @roles_required(*REPORT_ROLES)
    def view(report_id):
        return _act(report_id, form_cls, name, apply)

    view.__name__ = f"action_{name}"
    return view


for _name in ACTIONS:
    bp.add_url_rule(f"/meldingen/<int:report_id>/{_name}", view_func=_make_action_view(_name), methods=["POST"])
