"""Sign-in state and role checks for every staff route. The session itself lives on the server
(meldpunt/staff/sessions.py); the cookie holds only its token, checked on every request."""

from functools import wraps

from flask import Flask, abort, flash, g, jsonify, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_url

from meldpunt.extensions import db
from meldpunt.read_replica import read_from_replica
from meldpunt.staff import sessions
from meldpunt.staff.models import StaffSession

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in.")
login_manager.session_protection = "strong"

SESSION_KEY = "staff_session"  # the token of the signed-in session
PENDING_KEY = "pending_sign_in"  # the token of a session waiting for the second step, and where to go next
# Fetched by a page's script every few seconds: signed out, these answer 401 (the script goes to the sign-in page)
# instead of a sign-in page the script would put into the list.
POLLED_ENDPOINTS = {"field.fragment"}
# Sent by the field service worker when it fetches a page to keep it for offline reading (static/js/field-sw.js):
# not the officer's doing either, and it may run just after a sign-out.
KEEP_HEADER = "X-Field-Keep"


class PollsLeaveTheCookie(SecureCookieSessionInterface):
    """The answer to a poll never writes the session cookie. A poll sent with the cookie of before a new sign-in
    (bad signal, a busy server, another tab) can come back after it: writing its session, refreshed or cleared,
    would replace the new cookie, and the next form would be refused (CSRF) or the officer signed out. A poll has
    nothing to keep in the cookie: the session itself, last seen included, is on the server. The same holds for the
    service worker's fetch of a page to keep: after a sign-out it was redirected to the sign-in page, and that
    page's cookie could land after the one of the sign-in page the officer sees, whose form was then refused."""

    def save_session(self, app, session, response):
        if request.endpoint in POLLED_ENDPOINTS or request.headers.get(KEEP_HEADER):
            return
        super().save_session(app, session, response)


def current_session() -> StaffSession | None:
    """This request's valid staff session (checked once per request), or None."""
    if "staff_session_checked" not in g:
        checked = sessions.check(session.get(SESSION_KEY))
        g.staff_session, g.staff_session_end, g.staff_session_checked = checked.session, checked.reason, True
        if checked.changed:
            db.session.commit()  # last seen, or the end of a session that ran out
    return g.staff_session


@login_manager.user_loader
def load_user(user_id: str):
    row = current_session()
    if row is None or str(row.user_id) != user_id:
        return None
    return row.user


@login_manager.unauthorized_handler
def unauthorized():
    # Field mode's script (the list, or an outcome sent after a lost connection) gets 401, never a sign-in page.
    field_script = request.blueprint == "field" and request.accept_mimetypes.best == "application/json"
    if request.endpoint in POLLED_ENDPOINTS or field_script:
        return polled_unauthorized()
    if not g.get("staff_session_message"):
        flash(login_manager.login_message)
    return redirect(login_url(login_manager.login_view, request.url))


def polled_unauthorized():
    sign_in = url_for("auth.login", next=url_for("field.index"))
    response = jsonify(signed_out=True, sign_in=sign_in)
    response.status_code = 401
    return response


def reads_may_lag() -> None:
    """Before the views of a blueprint that may read from the replica (meldpunt/read_replica.py): who is asking is
    read from the primary first, so a new account or a revoked role counts at once."""
    current_user._get_current_object()
    read_from_replica()


def roles_required(*roles: str):
    """Anonymous: to the sign-in page (a polled endpoint: 401). Signed in without one of these roles: 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def init_access(app: Flask) -> None:
    login_manager.init_app(app)
    app.session_interface = PollsLeaveTheCookie()

    @app.before_request
    def check_staff_session():
        # Every request checks its session afresh (in tests several requests share one app context and `g`).
        for name in (
            "_login_user",
            "staff_session",
            "staff_session_end",
            "staff_session_checked",
            "staff_session_message",
        ):
            g.pop(name, None)
        if SESSION_KEY not in session and "_user_id" not in session:
            return
        row = current_session()
        if row is None:
            reason = g.staff_session_end
            session.clear()
            if reason == sessions.IDLE:
                flash(_("You were signed out after a period of inactivity."))
                g.staff_session_message = True
            elif reason == sessions.EXPIRED:
                hours = round(sessions.absolute_limit().total_seconds() / 3600)
                flash(_("You were signed out because you signed in more than %(hours)d hours ago.", hours=hours))
                g.staff_session_message = True
