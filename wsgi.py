"""Entry point for WSGI servers and the flask CLI (FLASK_APP=wsgi)."""

from meldpunt import create_app

app = create_app()
