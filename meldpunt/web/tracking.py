"""The reporter's pages behind the secret link from the receipt: progress, the data held, withdrawal."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from meldpunt.extensions import db, limiter
from meldpunt.feedback.receipts import TOKEN_RE, hash_secret, public_state
from meldpunt.privacy.retention import withdraw
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import Report
from meldpunt.web.staff_forms import EmptyForm

bp = Blueprint("tracking", __name__)


def _tracking_limit():
    return current_app.config["RATELIMIT_TRACKING"]


def _report_for(token: str) -> Report:
    # Hash first, whatever the input, so that a malformed token costs the same as a wrong one.
    token_hash = hash_secret(token)
    report = db.session.scalar(sa.select(Report).where(Report.tracking_token_hash == token_hash))
    if report is None or not TOKEN_RE.match(token):
        abort(404)
    return report


@bp.get("/volg/<token>")
@limiter.limit(_tracking_limit)
def track(token):
    report = _report_for(token)
    return render_template(
        "public/track.html", report=report, kind=KINDS[report.kind], public_state=public_state(report.state),
        token=token,
    )  # fmt: skip


@bp.get("/volg/<token>/gegevens")
@limiter.limit(_tracking_limit)
def data_held(token):
    report = _report_for(token)
    return render_template("public/data_held.html", report=report, kind=KINDS[report.kind], token=token,
                           form=EmptyForm())  # fmt: skip


@bp.post("/volg/<token>/intrekken")
@limiter.limit(_tracking_limit)
def withdraw_report(token):
    report = _report_for(token)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "ja":
        return render_template("public/data_held.html", report=report, kind=KINDS[report.kind], token=token,
                               form=form, confirm_error=_("Tick the box to confirm.")), 422  # fmt: skip
    if report.withdrawn_at is None:
        withdraw(report)
    return render_template("public/withdrawn.html", report=report)
