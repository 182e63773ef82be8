"""The queue handlers' workspace: queues, report detail, actions, contact details (audited), photos."""

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from meldpunt.db_types import id_from
from meldpunt.extensions import db
from meldpunt.feedback.satisfaction import satisfaction_figures
from meldpunt.feedback.templates import template_for, templates_for
from meldpunt.geo.models import Area
from meldpunt.maps.assets import MAP_CSS, MAP_JS
from meldpunt.maps.staff_maps import reports_map
from meldpunt.privacy.contact import reveal_contact
from meldpunt.profiles import LOCAL_TZ, PARTNER_LABELS, current_profile
from meldpunt.reports import workflow
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import Category, Queue, Report, ReportPhoto
from meldpunt.reports.photos import photo_store
from meldpunt.reports.queries import (
    PERIODS,
    QueueFilters,
    lat_lon,
    nearby_reports,
    queue_page,
    readable_queues,
    report_points,
)
from meldpunt.staff.models import User
from meldpunt.staff.roles import (
    BOA,
    OOV,
    REPORT_ROLES,
    can_handle_queue,
    can_read_queue,
    can_read_report,
    can_see_in_field_mode,
)
from meldpunt.web import staff_forms as forms
from meldpunt.web.access import roles_required
from meldpunt.web.actions import commit_action

bp = Blueprint("staff", __name__, url_prefix="/medewerkers")


@bp.get("/")
@roles_required(*REPORT_ROLES)
def index():
    queues = readable_queues(current_user)
    own = [q for q in queues if can_handle_queue(current_user.role_set, q)]
    return redirect(url_for("staff.queue", code=(own or queues)[0].code))


def _filters_from_args() -> QueueFilters:
    args = request.args

    def as_int(name, default=None):
        try:
            return int(args.get(name, default))
        except (TypeError, ValueError):
            return default

    return QueueFilters(
        state=args.get("state") or None,
        kind=args.get("kind") if args.get("kind") in KINDS else None,
        category=args.get("category") or None,
        area=id_from(args.get("area")),
        period=args.get("period") if args.get("period") in PERIODS else None,
        overdue=args.get("overdue") == "1",
        sort=args.get("sort", "newest"),
        page=as_int("page", 1),
    )


@bp.get("/wachtrij/<code>")
@roles_required(*REPORT_ROLES)
def queue(code):
    q = db.session.scalar(sa.select(Queue).where(Queue.code == code)) or abort(404)
    if not can_read_queue(current_user.role_set, q):
        abort(403)
    filters = _filters_from_args()
    page = queue_page(q, filters, current_user)
    profile = current_profile()
    parts = reports_map(profile, current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"],
                        report_points(page.items), {r.id: r for r in page.items},
                        lambda r: url_for("staff.report", report_id=r.id))  # fmt: skip
    categories = db.session.scalars(sa.select(Category).order_by(Category.kind, Category.position))
    return render_template(
        "staff/queue.html",
        queue=q,
        queues=readable_queues(current_user),
        page=page,
        filters=filters,
        args={k: v for k, v in request.args.items() if k != "page"},
        categories=list(categories),
        areas=list(db.session.scalars(sa.select(Area).where(Area.kind != "gemeente").order_by(Area.name))),
        kinds=KINDS,
        states=workflow.STATE_LABELS,
        periods=PERIODS,
        map=parts,
        map_css=MAP_CSS["cluster"],
        map_js=MAP_JS["cluster"],
    )


@bp.get("/tevredenheid")
@roles_required(OOV)
def satisfaction():
    return render_template("staff/satisfaction.html", figures=satisfaction_figures(str(get_locale() or "nl")))


def _report_or_404(report_id: int) -> Report:
    report = db.session.get(Report, report_id) or abort(404)
    if not can_read_report(current_user, report):
        abort(403)
    return report


def _action_forms(report: Report) -> dict:
    version = {"version": report.version}
    boas = db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.name))
    assign = forms.AssignForm(data=version)
    assign.boa.choices = [(u.id, u.name) for u in boas if u.has_role(BOA)]
    reroute = forms.RerouteForm(data=version)
    queues = db.session.scalars(sa.select(Queue))
    reroute.queue.choices = [(q.code, q.name()) for q in queues if q.id != report.queue_id]
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
def report(report_id, forms_override=None, contact=False):
    r = _report_or_404(report_id)
    action_forms = _action_forms(r)
    action_forms.update(forms_override or {})
    return render_template(
        "staff/report.html",
        report=r,
        kind=KINDS[r.kind],
        position=lat_lon(r),
        nearby=nearby_reports(r, current_user),
        forms=action_forms,
        can_act=can_handle_queue(current_user.role_set, r.queue),
        allowed=workflow.TRANSITIONS[r.state],
        open_states=workflow.OPEN_STATES,
        states=workflow.STATE_LABELS,
        outcomes=workflow.OUTCOMES,
        partners=PARTNER_LABELS,
        contact=contact,
        contact_form=forms.EmptyForm(),
        templates=templates_for(r.category.code, r.locale),
        chosen_template=request.args.get("sjabloon"),
    ), 200 if not forms_override else 422


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
    r = item.report
    at_the_desk = current_user.has_role(*REPORT_ROLES) and can_read_report(current_user, r)
    if not (at_the_desk or can_see_in_field_mode(current_user, r)):
        abort(403)
    response = send_file(photo_store().path_of(item.storage_key), mimetype=item.content_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _act(report_id: int, form_cls, name: str, apply):
    """Validate the action's form, apply it through the workflow, commit; on a problem show the report again
    with the message and what was typed."""
    r = _report_or_404(report_id)
    if not can_handle_queue(current_user.role_set, r.queue):
        abort(403)
    form = form_cls()
    if name in ("assign", "reroute", "forward", "close"):
        form_choices = _action_forms(r)[name]
        for field in ("boa", "queue", "partner", "outcome"):
            if hasattr(form, field):
                getattr(form, field).choices = getattr(form_choices, field).choices
    if form.validate_on_submit() and commit_action(lambda: apply(r, form), form):
        flash(_("Saved."))
        return redirect(url_for("staff.report", report_id=r.id))
    db.session.expire_all()
    # The page now shows the report as it is; sending the form again is a deliberate choice on that version.
    current = db.session.get(Report, report_id).version
    form.version.data, form.version.raw_data = current, [str(current)]
    return report(report_id, forms_override={name: form})


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
        expected_version=_v(f))),
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
