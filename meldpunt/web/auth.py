"""Staff sign-in: password, then (when required) a TOTP code; logout; two-factor enrolment."""

import io
from datetime import UTC, datetime
from urllib.parse import urlsplit

import segno
import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from meldpunt.extensions import db, limiter
from meldpunt.profiles import current_profile
from meldpunt.staff import accounts
from meldpunt.staff.models import User
from meldpunt.staff.roles import BOA, OOV, TNH_COORDINATOR

bp = Blueprint("auth", __name__, url_prefix="/medewerkers")
PENDING_LIFETIME_S = 300


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(_l("6-digit code from your authenticator app"), validators=[DataRequired(), Length(max=10)])


def _login_limit():
    return current_app.config.get("RATELIMIT_LOGIN", "20 per minute")


def _safe_next(target: str | None) -> str | None:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return None


def home_for(user: User) -> str:
    if user.has_role(OOV):
        return url_for("staff.queue", code="OOV") if _queue_exists("OOV") else url_for("staff.index")
    if user.has_role(TNH_COORDINATOR):
        return url_for("staff.index")
    if user.has_role(BOA):
        return url_for("field.index")
    return url_for("admin.users")


def _queue_exists(code):
    from meldpunt.reports.models import Queue

    return db.session.scalar(sa.select(Queue.id).where(Queue.code == code)) is not None


def _locked_message(until):
    return _("Too many failed attempts. This account is locked until %(time)s.",
             time=format_datetime(until, "short"))  # fmt: skip


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        result = accounts.check_password(form.username.data.strip(), form.password.data)
        if result.outcome == "locked":
            form.password.errors = [_locked_message(result.locked_until)]
        elif result.outcome in ("bad_credentials", "inactive"):
            form.password.errors = [_("Unknown user name or wrong password.")]
        elif result.outcome == "needs_totp":
            session["pending_login"] = {
                "id": result.user.id,
                "v": result.user.session_version,
                "at": datetime.now(UTC).timestamp(),
                "next": _safe_next(request.args.get("next")),
            }
            return redirect(url_for("auth.second_factor"))
        else:
            return _complete_login(result.user, _safe_next(request.args.get("next")))
    return render_template("staff/login.html", form=form), 200 if not form.errors else 422


def _complete_login(user: User, next_url: str | None):
    session.clear()  # a new session id after sign-in: no fixation
    login_user(user)
    session.permanent = True
    session["seen"] = datetime.now(UTC).timestamp()
    return redirect(next_url or home_for(user))


def _pending_user() -> User | None:
    pending = session.get("pending_login")
    if not pending or datetime.now(UTC).timestamp() - pending["at"] > PENDING_LIFETIME_S:
        return None
    user = db.session.get(User, pending["id"])
    if user is None or user.session_version != pending["v"]:
        return None
    return user


@bp.route("/inloggen/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def second_factor():
    user = _pending_user()
    if user is None:
        session.pop("pending_login", None)
        flash(_("Please sign in again."))
        return redirect(url_for("auth.login"))
    form = CodeForm()
    enrolling = not user.totp_enabled
    if enrolling and not user.totp_secret:
        accounts.start_totp_enrolment(user)
    if form.validate_on_submit():
        if enrolling:
            if accounts.confirm_totp_enrolment(user, form.code.data):
                return _complete_login(user, session.get("pending_login", {}).get("next"))
            form.code.errors = [_("That code is not right. Check the time on your phone and try again.")]
        else:
            result = accounts.check_totp(user, form.code.data)
            if result.outcome == "ok":
                return _complete_login(user, session.get("pending_login", {}).get("next"))
            if result.outcome == "locked":
                session.pop("pending_login", None)
                form.code.errors = [_locked_message(result.locked_until)]
            else:
                form.code.errors = [_("That code is not right. Check the time on your phone and try again.")]
    return render_template(
        "staff/second_factor.html",
        form=form,
        enrolling=enrolling,
        secret=user.totp_secret if enrolling else None,
        qr=_qr_svg(accounts.totp_uri(user, f"Samen alert {current_profile().name}")) if enrolling else None,
    ), 200 if not form.errors else 422


def _qr_svg(uri: str) -> Markup:
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, xmldecl=False, svgns=True, omitsize=False,
                                     title=_("QR code for your authenticator app"))  # fmt: skip
    return Markup(out.getvalue().decode())


@bp.post("/uitloggen")
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("You are signed out."))
    return redirect(url_for("auth.login"))


@bp.route("/account/tweestaps", methods=["GET", "POST"])
@login_required
def two_factor():
    """Optional two-factor for boa, coordinators and OOV; required (at sign-in) for beheerders."""
    form = CodeForm()
    user = current_user._get_current_object()
    if request.method == "GET" and not user.totp_enabled:
        accounts.start_totp_enrolment(user)
    if form.validate_on_submit():
        if accounts.confirm_totp_enrolment(user, form.code.data):
            login_user(user)  # the session version changed: stay signed in here, end other sessions
            flash(_("Two-step verification is on."))
            return redirect(home_for(user))
        form.code.errors = [_("That code is not right. Check the time on your phone and try again.")]
    return render_template(
        "staff/two_factor.html",
        form=form,
        enabled=user.totp_enabled,
        secret=None if user.totp_enabled else user.totp_secret,
        qr=None if user.totp_enabled else _qr_svg(accounts.totp_uri(user, f"Samen alert {current_profile().name}")),
    )
