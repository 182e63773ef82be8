"""Error pages: translated, friendly, and without losing the person's work where that can be helped."""

from flask import Flask, render_template
from flask_login import current_user
from flask_wtf.csrf import CSRFError


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

    @app.errorhandler(500)
    def server_error(error):
        # Logged by MeldpuntFlask.log_exception (the route, never the path).
        return render_template("errors/500.html"), 500
