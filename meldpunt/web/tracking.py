"""The reporter's tracking page behind the secret link from the receipt."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template

from meldpunt.extensions import db, limiter
from meldpunt.feedback.receipts import TOKEN_RE, hash_secret, public_state
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import Report

bp = Blueprint("tracking", __name__)


def _tracking_limit():
    return current_app.config["RATELIMIT_TRACKING"]


@bp.get("/volg/<token>")
@limiter.limit(_tracking_limit)
def track(token):
    # Hash first, whatever the input, so that a malformed token costs the same as a wrong one.
    token_hash = hash_secret(token)
    report = db.session.scalar(sa.select(Report).where(Report.tracking_token_hash == token_hash))
    if report is None or not TOKEN_RE.match(token):
        abort(404)
    return render_template(
        "public/track.html",
        report=report,
        kind=KINDS[report.kind],
        public_state=public_state(report.state),
    )
