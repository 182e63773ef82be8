"""The reporter's pages behind the secret link from the receipt: progress, the data held, withdrawal."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from meldpunt.extensions import db, limiter
from meldpunt.feedback.receipts import PUBLIC_STATE_LABELS, TOKEN_RE, hash_secret, link_only_withdraws, public_state
from meldpunt.feedback.satisfaction import can_answer, record_answer, report_for_answer_token
from meldpunt.privacy.retention import withdraw
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import Report
from meldpunt.reports.workflow import WorkflowError
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


def _withdraw_only(report, token, form, confirm_error=None):
    """A restricted report's link only withdraws it: nothing on the page names its kind or category, for whoever
    else picks up the reporter's phone."""
    return render_template("public/withdraw_only.html", report=report, token=token, form=form,
                           confirm_error=confirm_error)  # fmt: skip


@bp.get("/volg/<token>")
@limiter.limit(_tracking_limit)
def track(token):
    report = _report_for(token)
    if link_only_withdraws(report.category):
        return _withdraw_only(report, token, EmptyForm())
    return _track_page(report, token)


def _track_page(report, token, **extra):
    return render_template(
        "public/track.html", report=report, kind=KINDS[report.kind], public_state=public_state(report.state),
        state_labels=PUBLIC_STATE_LABELS, token=token, can_answer=can_answer(report), form=EmptyForm(), **extra,
    )  # fmt: skip


def _record(report, form_data):
    helped = form_data.get("helped")
    if helped not in ("ja", "nee"):
        return _("Choose yes or no.")
    try:
        record_answer(report, helped == "ja", form_data.get("comment"), form_data.get("reopen") == "ja",
                      share_comment=form_data.get("share_comment") == "ja")  # fmt: skip
    except WorkflowError as error:
        db.session.rollback()
        return str(error.message)
    db.session.commit()
    return None


@bp.post("/volg/<token>/tevredenheid")
@limiter.limit(_tracking_limit)
def answer_on_tracking_page(token):
    report = _report_for(token)
    if link_only_withdraws(report.category):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    error = _record(report, request.form)
    if error:
        return _track_page(report, token, answer_error=error), 422
    return render_template("public/thanks_for_answering.html", reopened=report.state == "heropend")


@bp.route("/tevredenheid/<answer>", methods=["GET", "POST"])
@limiter.limit(_tracking_limit)
def answer_from_mail(answer):
    """The closing mail's link. GET only shows the question (mail scanners follow links); POST answers it."""
    report = report_for_answer_token(answer) or abort(404)
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        error = _record(report, request.form)
        if not error:
            return render_template("public/thanks_for_answering.html", reopened=report.state == "heropend")
        return render_template("public/answer.html", report=report, form=form, error=error,
                               preselect=request.form.get("helped"), open_question=can_answer(report)), 422  # fmt: skip
    return render_template("public/answer.html", report=report, form=form, preselect=request.args.get("antwoord"),
                           open_question=can_answer(report))  # fmt: skip


@bp.get("/volg/<token>/gegevens")
@limiter.limit(_tracking_limit)
def data_held(token):
    report = _report_for(token)
    if link_only_withdraws(report.category):
        return _withdraw_only(report, token, EmptyForm())
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
        if link_only_withdraws(report.category):
            return _withdraw_only(report, token, form, _("Tick the box to confirm.")), 422
        return render_template("public/data_held.html", report=report, kind=KINDS[report.kind], token=token,
                               form=form, confirm_error=_("Tick the box to confirm.")), 422  # fmt: skip
    if report.withdrawn_at is None:
        withdraw(report)
        db.session.commit()
    return render_template("public/withdrawn.html", report=report)
