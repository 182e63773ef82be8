"""Beheerder pages: users and roles, the audit log."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from meldpunt.extensions import db
from meldpunt.outbox.models import OutboxMessage
from meldpunt.outbox.worker import retry_dead_letter
from meldpunt.staff import accounts
from meldpunt.staff.models import AuditEntry, User, audit
from meldpunt.staff.roles import BEHEERDER, ROLE_LABELS, ROLES
from meldpunt.web.access import roles_required
from meldpunt.web.staff_forms import EmptyForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/beheer")
AUDIT_PAGE = 100


def _user_form(user=None) -> UserForm:
    form = UserForm(obj=user)
    form.roles.choices = [(r, str(ROLE_LABELS[r])) for r in ROLES]
    return form


@bp.get("/gebruikers")
@roles_required(BEHEERDER)
def users():
    return render_template(
        "admin/users.html", users=db.session.scalars(sa.select(User).order_by(User.username)), labels=ROLE_LABELS
    )


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
@roles_required(BEHEERDER)
def new_user():
    form = _user_form()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors = [_("Give a first password of at least 12 characters.")]
        elif not form.roles.data or set(form.roles.data) - set(ROLES):
            form.roles.errors = [_("Choose at least one role.")]
        else:
            try:
                user = accounts.create_user(form.username.data.strip(), form.name.data.strip(), form.roles.data,
                                            form.password.data, sees_restricted=form.sees_restricted.data)  # fmt: skip
            except accounts.AccountError:
                form.username.errors = [_("This user name is taken.")]
            else:
                audit(current_user, "user_created", detail=f"{user.username}: {', '.join(user.roles)}")
                db.session.commit()
                flash(_("User %(name)s created.", name=user.username))
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
        if not form.roles.data or set(form.roles.data) - set(ROLES):
            form.roles.errors = [_("Choose at least one role.")]
        elif user.id == current_user.id and BEHEERDER not in form.roles.data:
            form.roles.errors = [_("You cannot take away your own administrator role.")]
        else:
            changes = []
            if sorted(form.roles.data) != sorted(user.roles):
                changes.append(f"roles {user.roles} -> {sorted(form.roles.data)}")
                user.roles = sorted(form.roles.data)
                user.session_version += 1
            if form.active.data != user.active:
                changes.append(f"active -> {form.active.data}")
                user.active = form.active.data
            if form.sees_restricted.data != user.sees_restricted:
                changes.append(f"sees_restricted -> {form.sees_restricted.data}")
                user.sees_restricted = form.sees_restricted.data
            user.name = form.name.data.strip()
            if form.password.data:
                accounts.set_password(user, form.password.data, by=current_user)
                changes.append("password reset")
            if form.reset_totp.data:
                user.totp_enabled, user.totp_secret, user.totp_last_step = False, None, None
                user.session_version += 1
                changes.append("two-step verification reset")
            audit(current_user, "user_changed", detail=f"{user.username}: {'; '.join(changes) or 'name'}")
            db.session.commit()
            flash(_("Saved."))
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), 200 if not form.errors else 422


@bp.get("/audit")
@roles_required(BEHEERDER)
def audit_log():
    try:
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        page = 1
    entries = db.session.scalars(
        sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_PAGE).offset((page - 1) * AUDIT_PAGE)
    )
    return render_template("admin/audit.html", entries=list(entries), page=page, size=AUDIT_PAGE)


@bp.get("/mail")
@roles_required(BEHEERDER)
def dead_letters():
    """Mails that could not be delivered (a bouncing address, or out of attempts)."""
    letters = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.dead_at.is_not(None)).order_by(OutboxMessage.id.desc())
    )
    waiting = db.session.scalar(
        sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None))
    )
    return render_template("admin/dead_letters.html", letters=list(letters), waiting=waiting, form=EmptyForm())


@bp.post("/mail/<int:message_id>/opnieuw")
@roles_required(BEHEERDER)
def retry_mail(message_id):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if not EmptyForm().validate_on_submit() or message.dead_at is None or not message.recipient:
        abort(400)
    retry_dead_letter(message)
    audit(current_user, "mail_retried", detail=f"outbox message {message.id}")
    db.session.commit()
    flash(_("The mail will be sent again."))
    return redirect(url_for("admin.dead_letters"))
