"""Error pages: translated, friendly, and without losing the person's work where that can be helped."""

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError

from meldpunt.extensions import db

# What the driver raises while the database is restarting, unreachable or dropped the connection mid-request (and
# SQLite's "database is locked"): a moment later the same request works, so the person is asked to try again.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_S = 30
# PostgreSQL's SQLSTATE classes of a passing trouble: connection exception, operator intervention (shutdown,
# cancelled statement), insufficient resources (too many connections) and a transaction rollback (deadlock).
TRANSIENT_SQLSTATE_CLASSES = ("08", "57", "53", "40")
# SQLite's errors that pass: another writer holds the file, or it cannot be opened or read for a moment.
TRANSIENT_SQLITE_ERRORS = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR")


def is_database_outage(error) -> bool:
    """Is this database error the database being away for a moment (try again), or a bug that surfaced as one? A
    missing table is OperationalError on SQLite too, and must not be hidden behind a "try again" page."""
    if isinstance(error, InterfaceError) or getattr(error, "connection_invalidated", False):
        return True
    cause = getattr(error, "orig", error)
    if hasattr(cause, "sqlite_errorname"):  # sqlite3 or pysqlite3: the primary result code names the trouble
        return (cause.sqlite_errorname or "").startswith(TRANSIENT_SQLITE_ERRORS)
    sqlstate = getattr(cause, "sqlstate", None)
    # No SQLSTATE: the server never answered (refused or broken connection).
    return sqlstate is None or sqlstate.startswith(TRANSIENT_SQLSTATE_CLASSES)


def after_database_outage(error) -> None:
    """Log the outage and end the failed transaction, so that nothing of it is used again. A bug that surfaced as a
    database error is raised again: the server-error page, logged as an error."""
    if not is_database_outage(error):
        raise error
    # Name the route, never the path (see MeldpuntFlask.log_exception); the traceback tells a bug from an outage.
    current_app.logger.warning("database unavailable on %s [%s]: %s", request.endpoint, request.method,
                               type(getattr(error, "orig", error)).__name__, exc_info=error)  # fmt: skip
    _end_session(db.session.rollback)


def _end_session(end) -> None:
    try:
        end()
    except DATABASE_UNAVAILABLE as outage:  # the connection is gone, and the transaction with it
        current_app.logger.warning("database connection lost while ending a transaction: %s",
                                   type(getattr(outage, "orig", outage)).__name__)  # fmt: skip
        db.session.registry.clear()


def unavailable(page: str):
    """A 503 that tells browsers and proxies when to come back."""
    return page, 503, {"Retry-After": str(RETRY_AFTER_S)}


def _home() -> str | None:
    """Where a signed-in staff member starts (their queue, field mode, ...), so a refusal is never a dead end."""
    from meldpunt.web.auth import home_for  # the auth blueprint knows each role's start page

    return home_for(current_user) if current_user.is_authenticated else None


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        # A stale form: the public report form handles this itself and keeps what was typed; this page is the
        # fallback for other forms.
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(400)
    def bad_request(error):
        return render_template("errors/400.html", home=_home()), 400

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/403.html", home=_home()), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(413)
    def too_large(error):
        return render_template("errors/413.html"), 413

    @app.errorhandler(429)
    def too_many(error):
        return render_template("errors/429.html"), 429

    def database_unavailable(error):
        # Not _home(): finding the signed-in staff member needs the database.
        after_database_outage(error)
        return unavailable(render_template("errors/503.html"))

    for outage in DATABASE_UNAVAILABLE:
        app.register_error_handler(outage, database_unavailable)

    @app.teardown_appcontext
    def end_session(error):
        # Runs before Flask-SQLAlchemy's own teardown (registered earlier). When the connection died after the page
        # was made, ending the session's transaction fails; the page is right and nothing is left to roll back, so
        # the person gets it rather than a server error.
        _end_session(db.session.remove)

    @app.errorhandler(500)
    def server_error(error):
        # Logged by MeldpuntFlask.log_exception (the route, never the path).
        return render_template("errors/500.html"), 500
