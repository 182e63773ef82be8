"""Beheerder pages: users and roles, the audit log, Open311 API keys."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from meldpunt.db_types import id_from
from meldpunt.extensions import db
from meldpunt.filter_days import filter_day, out_of_range_message, outside_range
from meldpunt.open311 import keys as api_keys
from meldpunt.outbox import worker as outbox
from meldpunt.outbox.models import OutboxMessage
from meldpunt.profiles import current_profile
from meldpunt.staff import accounts
from meldpunt.staff.audit_log import (
    ACTION_LABELS,
    AuditFilters,
    action_label,
    audit_lines,
    people_in_log,
    readable_detail,
)
from meldpunt.staff.models import User
from meldpunt.staff.roles import BEHEERDER, ROLES, role_label, role_labels
from meldpunt.web.access import current_session, roles_required
from meldpunt.web.staff_forms import ApiKeyForm, EmptyForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/beheer")
AUDIT_PAGE = 100


def _user_form(user=None) -> UserForm:
    form = UserForm(obj=user)
    labels = role_labels()
    form.roles.choices = [(r, labels[r]) for r in ROLES]
    teams = current_profile().field_teams
    form.field_team.choices = [(t.code, str(t.title)) for t in teams]
    if not form.field_team.data and teams:
        form.field_team.data = teams[0].code
    return form


def _field_team(form) -> str | None:
    """The chosen field team; the first (default) team is stored as none, so it follows the profile."""
    teams = current_profile().field_teams
    if len(teams) < 2:
        return None
    chosen = form.field_team.data or ""
    return "" if chosen == teams[0].code else chosen


def _on_form(form, error: accounts.AccountError) -> None:
    """The account policy's message, next to the field it is about."""
    field = getattr(form, error.field or "", None) or form.username
    field.errors = [*field.errors, str(error)]


@bp.get("/gebruikers")
@roles_required(BEHEERDER)
def users():
    return render_template(
        "admin/users.html",
        users=db.session.scalars(sa.select(User).order_by(User.username)),
        labels=role_labels(),
        role_label=role_label,
        requests=accounts.pending_restricted_requests(),
        form=EmptyForm(),
    )


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
@roles_required(BEHEERDER)
def new_user():
    form = _user_form()
    if form.validate_on_submit():
        try:
            user, asked = accounts.create_account(form.username.data, form.name.data, form.roles.data,
                                                  form.password.data, sees_restricted=form.sees_restricted.data,
                                                  by=current_user, email=form.email.data,
                                                  field_team=_field_team(form))  # fmt: skip
        except accounts.AccountError as error:
            _on_form(form, error)
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.username))
            if asked:
                flash(_("Access to restricted reports is requested; another administrator has to confirm it."))
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), 200 if not form.errors else 422


@bp.route("/gebruikers/<int:user_id>", methods=["GET", "POST"])
@roles_required(BEHEERDER)
def edit_user(user_id):
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(user)
    if request.method == "GET":
        form.password.data = ""
    if form.validate_on_submit():
        changes = accounts.UserChanges(
            name=form.name.data,
            email=form.email.data or "",
            roles=form.roles.data,
            active=form.active.data,
            sees_restricted=form.sees_restricted.data,
            password=form.password.data or None,
            reset_totp=form.reset_totp.data,
            field_team=_field_team(form),
        )
        try:
            result = accounts.update_user(user, changes, by=current_user, keep_session=current_session())
        except accounts.AccountError as error:
            db.session.rollback()
            _on_form(form, error)
        else:
            db.session.commit()
            flash(_("Saved."))
            if result.restricted_requested:
                flash(_("Access to restricted reports is requested; another administrator has to confirm it."))
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html", form=form, user=user, asked=accounts.pending_restricted_request(user)
    ), 200 if not form.errors else 422


def _decide_restricted(user_id, decide) -> User:
    user = db.session.get(User, user_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        decide(user, by=current_user)
    except accounts.NoRequest:
        abort(404)
    except accounts.NotAllowed:
        abort(403)
    db.session.commit()
    return user


@bp.post("/gebruikers/<int:user_id>/afgeschermd/bevestigen")
@roles_required(BEHEERDER)
def confirm_restricted(user_id):
    """The second beheerder grants the restricted access another beheerder asked for."""
    user = _decide_restricted(user_id, accounts.confirm_restricted_access)
    flash(_("%(name)s may now see restricted reports.", name=user.username))
    return redirect(url_for("admin.users"))


@bp.post("/gebruikers/<int:user_id>/afgeschermd/afwijzen")
@roles_required(BEHEERDER)
def refuse_restricted(user_id):
    user = _decide_restricted(user_id, accounts.refuse_restricted_access)
    flash(_("The request for %(name)s is turned down.", name=user.username))
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@roles_required(BEHEERDER)
def audit_log():
    args = request.args
    try:
        page = max(int(args.get("page", 1)), 1)
    except ValueError:
        page = 1
    filters = AuditFilters(
        user_id=id_from(args.get("person")),
        action=args.get("action") if args.get("action") in ACTION_LABELS else None,
        reference=(args.get("reference") or "").strip()[:16] or None,
        start=filter_day(args.get("from")),
        end=filter_day(args.get("to")),
    )
    kept = {k: v for k, v in args.items() if k != "page" and v}
    return render_template(
        "admin/audit.html",
        lines=audit_lines(filters, page=page, size=AUDIT_PAGE),
        filters=filters,
        people=people_in_log(),
        actions=sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda item: item[1]),
        action_label=action_label,
        readable_detail=readable_detail,
        kept=kept,
        page=page,
        size=AUDIT_PAGE,
        date_problem=outside_range(args.get("from"), args.get("to")) and out_of_range_message(),
    )


@bp.get("/mail")
@roles_required(BEHEERDER)
def dead_letters():
    """Mails that could not be delivered (a bouncing address, or out of attempts)."""
    return render_template("admin/dead_letters.html", letters=outbox.dead_letters(), waiting=outbox.waiting_count(),
                           can_send_again=outbox.can_send_again, form=EmptyForm())  # fmt: skip


@bp.post("/mail/<int:message_id>/opnieuw")
@roles_required(BEHEERDER)
def retry_mail(message_id):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if not EmptyForm().validate_on_submit() or not outbox.can_send_again(message):
        abort(400)
    outbox.retry_dead_letter(message, by=current_user)
    db.session.commit()
    flash(_("The mail will be sent again."))
    return redirect(url_for("admin.dead_letters"))


@bp.route("/api-sleutels", methods=["GET", "POST"])
@roles_required(BEHEERDER)
def api_keys_page():
    """Issue a key under a name (shown once, on this answer only: never redirected, flashed or stored) and the list
    of keys, each revocable."""
    form, new_key = ApiKeyForm(), None
    if form.validate_on_submit():
        try:
            record, new_key = api_keys.issue_key(form.name.data, by=current_user)
        except api_keys.ApiKeyError:
            form.name.errors = [*form.name.errors, _("There is already a key with this name. Choose another name.")]
        else:
            db.session.commit()
            form = ApiKeyForm(formdata=None)
            flash(_("Key for %(name)s issued. Copy it now: it is not shown again.", name=record.name))
    status = 422 if form.errors else 200
    page = render_template("admin/api_keys.html", form=form, new_key=new_key, keys=api_keys.all_keys(),
                           revoke_form=EmptyForm())  # fmt: skip
    return page, status, {"Cache-Control": "no-store"}


@bp.post("/api-sleutels/<int:key_id>/intrekken")
@roles_required(BEHEERDER)
def revoke_api_key(key_id):
    record = db.session.get(api_keys.ApiKey, key_id) or abort(404)
    if EmptyForm().validate_on_submit():
        api_keys.revoke_key(record, by=current_user)
        db.session.commit()
        flash(_("Key for %(name)s revoked: the API refuses it from now on.", name=record.name))
    return redirect(url_for("admin.api_keys_page"))
