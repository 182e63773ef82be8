"""Mails to reporters (and to OOV and the areas' contacts), rendered when they are queued (in the reader's
language) and written to the outbox in the same transaction as the change that causes them. Subjects and sender
are discreet: no category words."""

from flask import render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from meldpunt.extensions import db
from meldpunt.feedback.links import answer_url, area_summary_url, public_url, tracking_url
from meldpunt.outbox.models import OutboxMessage
from meldpunt.profiles import current_profile


def _queue(report, kind: str, template: str, **context) -> OutboxMessage | None:
    if not (report.email and report.email_consent) or report.category.restricted:
        return None
    with force_locale(report.locale or "nl"):
        context.update(report=report, profile=current_profile(), category=report.category.name(report.locale))
        subject = _("Your report %(reference)s", reference=report.reference)
        body_text = render_template(f"email/{template}.txt", **context)
        body_html = render_template(f"email/{template}.html", **context)
    message = OutboxMessage(
        kind=kind, report=report, recipient=report.email, subject=subject,
        body_text=body_text, body_html=body_html, locale=report.locale,
    )  # fmt: skip
    db.session.add(message)
    return message


def queue_confirmation(report, tracking_token: str):
    return _queue(report, "confirmation", "confirmation", tracking_url=tracking_url(tracking_token))


def queue_tracking_link(report, tracking_token: str, recipient: str) -> OutboxMessage | None:
    """ "Mail me this link" on the receipt: one mail to an address given for it alone. The address is not stored
    on the report; the outbox forgets it once the mail is sent (outbox/models.py ONE_OFF_KINDS)."""
    if report.category.restricted:
        return None
    with force_locale(report.locale or "nl"):
        context = dict(report=report, profile=current_profile(), tracking_url=tracking_url(tracking_token))
        subject = _("Your report %(reference)s", reference=report.reference)
        body_text = render_template("email/tracking_link.txt", **context)
        body_html = render_template("email/tracking_link.html", **context)
    message = OutboxMessage(kind="tracking_link", report=report, recipient=recipient, subject=subject,
                            body_text=body_text, body_html=body_html, locale=report.locale)  # fmt: skip
    db.session.add(message)
    return message


def queue_taken_up(report, field_worker: str | None = None):
    """`field_worker`: how the municipality names the field worker who goes there (boa, straatcoach,
    toezichthouder), when one does."""
    return _queue(report, "taken_up", "taken_up", field_worker=field_worker)


def queue_closed(report, message: str):
    return _queue(report, "closed", "closed", message=message, answer_url=answer_url(report.id))


def _mail_in_dutch(kind: str, recipient: str, template: str, subject, **context) -> OutboxMessage:
    """A mail to staff or to an area's contacts: in Dutch, about no one report. `subject(context)` is called in
    Dutch too."""
    with force_locale("nl"):
        context["profile"] = current_profile()
        message = OutboxMessage(
            kind=kind, recipient=recipient, subject=subject(context), locale="nl",
            body_text=render_template(f"email/{template}.txt", **context),
            body_html=render_template(f"email/{template}.html", **context),
        )  # fmt: skip
    db.session.add(message)
    return message


def queue_signal_mail(user, signal) -> OutboxMessage:
    """One mail to an OOV colleague about a new early-warning signal. Staff work in Dutch."""
    return _mail_in_dutch(
        "signal", user.email, "signal",
        lambda c: _("Early warning: %(count)s reports close together", count=c["signal"].report_count),
        signal=signal, rule=signal.rule.name("nl"), signals_url=public_url("/analyse/signalen"),
    )  # fmt: skip


def queue_area_summary_mail(contact, summary) -> OutboxMessage:
    """The month's "u meldde — wij deden" summary to one of the area's contacts (feedback/area_summary.py)."""
    return _mail_in_dutch(
        "area_summary", contact.email, "area_summary",
        lambda c: _("You reported, we acted: %(area)s, %(month)s", area=summary.area.name, month=c["month"]),
        summary=summary, contact=contact, page_url=area_summary_url(summary.area.code, summary.month),
        month=_month_name(summary.month),
    )  # fmt: skip


def _month_name(month) -> str:
    with force_locale("nl"):
        return format_date(month, "LLLL yyyy")
