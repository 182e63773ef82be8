"""Error pages: translated, friendly, and without losing the person's work where that can be helped."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        # A stale form: the public report form handles this itself and keeps what was typed; this page is the
        # fallback for other forms.
        return render_template("errors/csrf.html"), 400

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
