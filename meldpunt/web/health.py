"""GET /healthz for monitoring: is the database reachable, with its spatial extension?"""

import sqlalchemy as sa
from flask import Blueprint, jsonify

from meldpunt.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Is the database reachable, with its spatial extension?
    ---
    get:
      tags: [Monitoring]
      responses:
        "200": {description: Healthy, content: {application/json: {schema: {$ref: "#/components/schemas/Health"}}}}
        "503": {description: Unhealthy, content: {application/json: {schema: {$ref: "#/components/schemas/Health"}}}}
    """
    try:
        db.session.execute(sa.text("SELECT ST_AsText(ST_GeomFromText('POINT(0 0)', 4326))")).scalar_one()
        database = "ok"
    except Exception as exc:  # any failure means unhealthy; the detail goes to the log, not the response
        db.session.rollback()
        from flask import current_app

        current_app.logger.error("health check failed: %s", exc)
        database = "error"
    healthy = database == "ok"
    return jsonify({"status": "ok" if healthy else "error", "database": database}), 200 if healthy else 503
