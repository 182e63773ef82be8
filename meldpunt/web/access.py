"""Sign-in state and role checks for every staff route."""

from datetime import UTC, datetime, timedelta
from functools import wraps

import sqlalchemy as sa
from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, logout_user

from meldpunt.extensions import db
from meldpunt.staff.models import User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in.")
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str):
    try:
        uid, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.scalar(sa.select(User).where(User.id == uid))
    if user is None or user.session_version != version or not user.active:
        return None
    return user


def roles_required(*roles: str):
    """Anonymous: to the sign-in page. Signed in without one of these roles: 403."""

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
    app.config.setdefault("STAFF_IDLE_TIMEOUT", timedelta(minutes=30))
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=12))
    login_manager.init_app(app)

    @app.before_request
    def expire_idle_staff_sessions():
        if not current_user.is_authenticated:
            return None
        now = datetime.now(UTC).timestamp()
        seen = session.get("seen")
        if seen and now - seen > current_app.config["STAFF_IDLE_TIMEOUT"].total_seconds():
            logout_user()
            session.clear()
            flash(_l("You were signed out after a period of inactivity."))
            return redirect(url_for("auth.login", next=request.path))
        session["seen"] = now
        return None
