"""Staff sign-in: password, then (when required) a TOTP code; logout and "sign out everywhere"; the account page
(two-step verification, where one is signed in). Sessions are kept on the server (meldpunt/staff/sessions.py)."""

import io
from urllib.parse import urlsplit

import segno
import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from meldpunt.extensions import db, limiter
from meldpunt.profiles import current_profile
from meldpunt.staff import accounts, sessions
from meldpunt.staff.models import StaffSession, User, audit
from meldpunt.staff.roles import ANALIST, BOA, OOV, TNH_COORDINATOR
from meldpunt.web.access import PENDING_KEY, SESSION_KEY, current_session
from meldpunt.web.staff_forms import EmptyForm

bp = Blueprint("auth", __name__, url_prefix="/medewerkers")


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(_l("6-digit code from your authenticator app"), validators=[DataRequired(), Length(max=10)])


class EnableTwoStepForm(CodeForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)])


def _login_limit():
    return current_app.config["RATELIMIT_LOGIN"]


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
    if user.has_role(ANALIST):
        return url_for("analysis.index")
    return url_for("admin.users")


def _queue_exists(code):
    from meldpunt.reports.models import Queue

    return db.session.scalar(sa.select(Queue.id).where(Queue.code == code)) is not None


def _throttled(form_field, seconds: int) -> None:
    form_field.errors = [
        ngettext(
            "Too many attempts. Try again in %(num)d second.",
            "Too many attempts. Try again in %(num)d seconds.",
            seconds,
        )
    ]


def _form_response(html, form, retry_after: int = 0):
    if retry_after:
        return html, 429, {"Retry-After": str(retry_after)}
    return html, 200 if not form.errors else 422


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    retry_after = 0
    if form.validate_on_submit():
        result = accounts.check_password(form.username.data, form.password.data, address=request.remote_addr)
        db.session.commit()  # counted failures, a rehash, the audit entry
        if result.outcome == "throttled":
            retry_after = result.retry_after
            _throttled(form.password, retry_after)
        elif result.outcome == "bad_credentials":
            form.password.errors = [_("Unknown user name or wrong password.")]
        elif result.outcome == "needs_totp":
            _row, token = sessions.start(result.user, pending=True, user_agent=request.user_agent.string)
            db.session.commit()
            session.clear()
            session[PENDING_KEY] = {"token": token, "next": _safe_next(request.args.get("next"))}
            return redirect(url_for("auth.second_factor"))
        else:
            return _complete_login(result.user, _safe_next(request.args.get("next")))
    return _form_response(render_template("staff/login.html", form=form), form, retry_after)


def _complete_login(user: User, next_url: str | None, pending: StaffSession | None = None):
    """A new session (a new token: no fixation), in a fresh cookie."""
    if pending is not None:
        token = sessions.complete(pending)
    else:
        _row, token = sessions.start(user, user_agent=request.user_agent.string)
    db.session.commit()
    session.clear()
    login_user(user)
    session.permanent = True
    session[SESSION_KEY] = token
    return redirect(next_url or home_for(user))


def _pending_session() -> StaffSession | None:
    pending = session.get(PENDING_KEY) or {}
    checked = sessions.check(pending.get("token"), pending=True)
    db.session.commit()
    return checked.session


@bp.route("/inloggen/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def second_factor():
    pending = _pending_session()
    if pending is None:
        session.pop(PENDING_KEY, None)
        flash(_("Please sign in again."))
        return redirect(url_for("auth.login"))
    user = pending.user
    next_url = session[PENDING_KEY].get("next")
    form = CodeForm()
    retry_after = 0
    enrolling = not user.totp_enabled
    if enrolling and not user.totp_secret:
        accounts.start_totp_enrolment(user)
        db.session.commit()
    if form.validate_on_submit():
        if enrolling:
            if accounts.enrol_at_sign_in(user, form.code.data, keep_session=pending):
                return _complete_login(user, next_url, pending)
            form.code.errors = [_("That code is not right. Check the time on your phone and try again.")]
        else:
            result = accounts.check_totp(user, form.code.data, address=request.remote_addr)
            db.session.commit()
            if result.outcome == "ok":
                return _complete_login(user, next_url, pending)
            if result.outcome == "throttled":
                retry_after = result.retry_after
                _throttled(form.code, retry_after)
            else:
                form.code.errors = [_("That code is not right. Check the time on your phone and try again.")]
    html = render_template(
        "staff/second_factor.html",
        form=form,
        enrolling=enrolling,
        secret=user.totp_secret if enrolling else None,
        qr=_qr_svg(accounts.totp_uri(user, f"Samen alert {current_profile().name}")) if enrolling else None,
    )
    return _form_response(html, form, retry_after)


def _qr_svg(uri: str) -> Markup:
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, xmldecl=False, svgns=True, omitsize=False,
                                     title=_("QR code for your authenticator app"))  # fmt: skip
    return Markup(out.getvalue().decode())


@bp.post("/uitloggen")
@login_required
def logout():
    row = current_session()
    if row is not None:
        sessions.end(row, sessions.LOGOUT)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."))
    return redirect(url_for("auth.login"))


@bp.post("/account/overal-uitloggen")
@login_required
def sign_out_everywhere():
    """End every session of this person: other browsers, a lost phone, a cookie someone copied."""
    user = current_user._get_current_object()
    ended = sessions.end_all(user, sessions.EVERYWHERE)
    audit(user, "signed_out_everywhere", detail=f"{ended} sessions ended")
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out everywhere."))
    return redirect(url_for("auth.login"))


@bp.route("/account/tweestaps", methods=["GET", "POST"])
@login_required
def two_factor():
    """Two-step verification (optional for boa, coordinators and OOV; required at sign-in for beheerders), and
    the sessions of this account with "sign out everywhere"."""
    form = EnableTwoStepForm()
    user = current_user._get_current_object()
    retry_after = 0
    if request.method == "GET" and not user.totp_enabled:
        accounts.start_totp_enrolment(user)
        db.session.commit()
    if not user.totp_enabled and form.validate_on_submit():
        checked = accounts.confirm_password(user, form.password.data, address=request.remote_addr)
        if checked == "throttled":
            retry_after = accounts.retry_after(user, request.remote_addr)
            _throttled(form.password, retry_after)
        elif checked == "wrong":
            form.password.errors = [_("That is not your password.")]
        elif accounts.confirm_totp_enrolment(user, form.code.data, keep_session=current_session()):
            db.session.commit()
            flash(_("Two-step verification is on."))
            return redirect(home_for(user))
        else:
            form.code.errors = [_("That code is not right. Check the time on your phone and try again.")]
        db.session.commit()  # a wrong password counts
    html = render_template(
        "staff/two_factor.html",
        form=form,
        enabled=user.totp_enabled,
        secret=None if user.totp_enabled else user.totp_secret,
        qr=None if user.totp_enabled else _qr_svg(accounts.totp_uri(user, f"Samen alert {current_profile().name}")),
        open_sessions=sessions.open_sessions(user),
        idle_minutes=round(sessions.idle_timeout().total_seconds() / 60),
        limit_hours=round(sessions.absolute_limit().total_seconds() / 3600),
        this_session=current_session(),
        everywhere_form=EmptyForm(),
    )
    return _form_response(html, form, retry_after)
