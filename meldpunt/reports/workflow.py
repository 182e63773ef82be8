"""The life of a report (DESIGN §4): allowed transitions, enforced here for every caller, each change appended to
the history with who, when and why, and written to the audit log."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.feedback.notifications import queue_closed, queue_taken_up
from meldpunt.feedback.screening import screen_for_personal_data
from meldpunt.feedback.templates import GENERIC_OUTCOMES, template_for
from meldpunt.reports.due import start_term
from meldpunt.reports.history import record_change
from meldpunt.reports.models import OPEN_STATES, Queue, Report, ReporterMessage
from meldpunt.staff.models import User, audit
from meldpunt.staff.roles import (
    BOA,
    can_handle_queue,
    can_read_report,
    can_see_in_field_mode,
    field_label,
    is_active_field_officer,
    is_team_report,
)

TRANSITIONS: dict[str, set[str]] = {
    "nieuw": {"in_behandeling", "geannuleerd"},
    "in_behandeling": {"ingepland", "doorgezet", "afgehandeld", "geannuleerd"},
    "ingepland": {"in_behandeling", "doorgezet", "afgehandeld", "geannuleerd"},
    "doorgezet": {"in_behandeling", "afgehandeld", "geannuleerd"},
    "heropend": {"in_behandeling", "ingepland", "doorgezet", "afgehandeld", "geannuleerd"},
    "afgehandeld": {"heropend"},
    "geannuleerd": {"heropend"},
}
# Events that record something without moving the report to another state.
EVENTS_WITHIN_A_STATE = {"assign", "claim", "reroute", "on_site", "plan", "hand_back"}
STATE_LABELS = {
    "nieuw": _l("New"),
    "in_behandeling": _l("In progress"),
    "ingepland": _l("Planned"),
    "doorgezet": _l("Forwarded"),
    "afgehandeld": _l("Closed"),
    "geannuleerd": _l("Cancelled"),
    "heropend": _l("Reopened"),
}
# Outcomes a field officer records in the street (DESIGN §8); they select the reporter feedback template.
FIELD_OUTCOMES = {
    "aangesproken": _l("Spoke to the people involved"),
    "waarschuwing": _l("Warning given"),
    "bekeuring": _l("Fine issued"),
    "niets_aangetroffen": _l("Nothing found"),
    "politie_ingeschakeld": _l("Police called in"),
    "doorverwezen_zorg": _l("Referred to care"),
    "doorverwezen_buurtbemiddeling": _l("Referred to mediation or youth work"),
}
REFERRALS = {"politie_ingeschakeld", "doorverwezen_zorg", "doorverwezen_buurtbemiddeling"}
DESK_OUTCOMES = {
    "opgelost": _l("Resolved"),
    "bredere_aanpak": _l("Part of a wider approach"),
    "geen_directe_actie": _l("No direct action possible, included in our picture of the area"),
    "doorgezet_partner": _l("Handed over to a partner"),
}
OUTCOMES = FIELD_OUTCOMES | DESK_OUTCOMES


def allowed_outcomes(report: Report, *, in_the_field: bool = False) -> dict:
    """The outcomes staff may record for this report. For a category whose privacy level is "generic" only
    outcomes that say nothing about what was done to whom (DESIGN §5); field outcomes are told to the reporter
    as a general one (see close_in_the_field)."""
    if in_the_field:
        return dict(FIELD_OUTCOMES)
    if report.category.privacy_level == "generic":
        return {k: v for k, v in OUTCOMES.items() if k in GENERIC_OUTCOMES}
    return dict(OUTCOMES)


STALE_MESSAGE = _l(
    "Someone else changed this report in the meantime. Nothing was saved; check the report and try again."
)


class WorkflowError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class PersonalDataInMessage(WorkflowError):
    """The message for the reporter seems to contain personal data: edit it, or confirm it is meant."""

    KIND_LABELS = {
        "email": _l("an e-mail address"),
        "phone": _l("a phone number"),
        "address": _l("a postcode with house number"),
        "licence_plate": _l("a licence plate"),
        "bsn": _l("a citizen service number (BSN)"),
        "iban": _l("a bank account number (IBAN)"),
    }

    def __init__(self, findings):
        listed = ", ".join(f"{self.KIND_LABELS[f.kind]} ({f.text})" for f in findings)
        super().__init__(
            _l(
                "The message seems to contain personal data: %(found)s. Remove it, or tick the box to confirm "
                "that the reporter may read this.",
                found=listed,
            )
        )
        self.findings = findings


class StaleReport(WorkflowError):
    """Someone else changed the report since the form was loaded."""


def _check(report: Report, actor: User, expected_version: int | None, *, field_action: bool = False) -> None:
    if expected_version is not None and report.version != expected_version:
        raise StaleReport(STALE_MESSAGE)
    if field_action and actor.has_role(BOA):
        if can_see_in_field_mode(actor, report):
            return
        if report.state not in OPEN_STATES:
            raise WorkflowError(_l("This report is no longer open."))
    if not can_read_report(actor, report):
        raise PermissionError("report not readable for this user")
    if not can_handle_queue(actor.role_set, report.queue):
        raise PermissionError("this user does not handle this queue")


def _require_transition(report: Report, to_state: str) -> None:
    if to_state not in TRANSITIONS[report.state]:
        raise WorkflowError(
            _l(
                "A report that is '%(current)s' cannot become '%(new)s'.",
                current=STATE_LABELS[report.state],
                new=STATE_LABELS[to_state],
            )
        )


def _move(report: Report, to_state: str, actor: User, *, event: str, reason: str | None, now: datetime) -> None:
    keeps_state = to_state == report.state and event in EVENTS_WITHIN_A_STATE
    if not keeps_state:
        _require_transition(report, to_state)
    from_state = report.state
    record_change(report, event=event, to_state=to_state, actor=actor.name, reason=reason, now=now)
    if from_state == "nieuw" and to_state != from_state and report.first_response_at is None:
        report.first_response_at = now
        if to_state in ("in_behandeling", "ingepland", "doorgezet"):
            goes = report.assigned_to if event in ("claim", "assign") else None
            queue_taken_up(report, field_worker=field_label(goes) if goes is not None else None)
    report.state = to_state
    report.updated_at = now
    audit(actor, f"report_{event}", report, detail=f"{from_state} -> {to_state}")


def take_in_handling(report, actor, *, expected_version=None, now=None):
    _check(report, actor, expected_version)
    _move(report, "in_behandeling", actor, event="state", reason=None, now=now or utcnow())


def assignable_in(queue: Queue) -> bool:
    """Only a field queue's reports are assigned to a field officer (the desk's forms ask this too)."""
    return queue.is_field


def assign_to_boa(report, boa: User, actor, *, expected_version=None, now=None):
    _check(report, actor, expected_version)
    if not is_active_field_officer(boa):
        raise WorkflowError(_l("%(name)s is not a field officer and cannot be assigned.", name=boa.name))
    if not assignable_in(report.queue):
        raise WorkflowError(_l("Only reports in the field queue can be assigned to a field officer."))
    if not is_team_report(boa, report):
        # Each field team works its own queue: a straatcoach's report goes to a straatcoach.
        raise WorkflowError(
            _l("%(name)s is not in the field team of this queue and cannot be assigned.", name=boa.name)
        )
    if report.state not in OPEN_STATES:
        raise WorkflowError(_l("This report is no longer open."))
    report.assigned_to = boa
    target = "in_behandeling" if report.state in ("nieuw", "heropend") else report.state
    _move(report, target, actor, event="assign", reason=f"Toegewezen aan {boa.name}", now=now or utcnow())


def reroute(report, queue: Queue, reason: str, actor, *, expected_version=None, now=None):
    _check(report, actor, expected_version)
    if not reason or not reason.strip():
        raise WorkflowError(_l("Give a reason for moving the report to another queue."))
    if queue.id == report.queue_id:
        raise WorkflowError(_l("The report is already in this queue."))
    if report.state not in OPEN_STATES:
        raise WorkflowError(_l("Only open reports can be moved to another queue."))
    now = now or utcnow()
    old = report.queue.code
    report.queue = queue
    report.assigned_to = None
    start_term(report, now)  # the new team gets a full term
    _move(report, report.state, actor, event="reroute", reason=f"{old} → {queue.code}: {reason.strip()}",
          now=now)  # fmt: skip


def merge_into(report, original: Report, actor, *, expected_version=None, now=None,
               different_category_confirmed=False):  # fmt: skip
    """A duplicate is cancelled and points to its original; its reporter gets the original's feedback. Reports of
    different categories are merged only when staff confirm it (they may be two problems at one spot)."""
    _check(report, actor, expected_version)
    if original.id == report.id or original.merged_into_id == report.id:
        raise WorkflowError(_l("A report cannot be merged into itself."))
    if original.merged_into_id is not None:
        raise WorkflowError(_l("That report was itself merged; merge into its original instead."))
    if original.kind != report.kind:
        raise WorkflowError(_l("Only reports of the same kind can be merged."))
    if original.state not in OPEN_STATES or not can_read_report(actor, original):
        raise WorkflowError(_l("Merge into an open report that you can see."))
    if original.category_id != report.category_id and not different_category_confirmed:
        raise WorkflowError(
            _l(
                "%(ref)s has another category. Confirm that it is the same problem to merge them anyway.",
                ref=report.reference,
            )  # fmt: skip
        )
    # Reports merged into this one follow it to the original, so their reporters still hear the outcome.
    for earlier in db.session.scalars(sa.select(Report).where(Report.merged_into_id == report.id)):
        earlier.merged_into = original
    report.merged_into = original
    report.closed_at = now or utcnow()
    _move(report, "geannuleerd", actor, event="merge", reason=f"Samengevoegd met {original.reference}",
          now=now or utcnow())  # fmt: skip


def plan(report, when: datetime, actor, *, expected_version=None, now=None):
    _check(report, actor, expected_version)
    report.planned_for = when
    _move(report, "ingepland", actor, event="plan", reason=f"Gepland: {when.isoformat(timespec='minutes')}",
          now=now or utcnow())  # fmt: skip


def forward(report, partner: str, note: str | None, actor, *, partners, expected_version=None, now=None):
    _check(report, actor, expected_version)
    if partner not in partners:
        raise WorkflowError(_l("Choose a partner from the list."))
    report.forwarded_to = partner
    reason = partner + (f": {note.strip()}" if note and note.strip() else "")
    _move(report, "doorgezet", actor, event="forward", reason=reason, now=now or utcnow())


def close_with_outcome(report, outcome: str, message: str, actor, *, note=None, expected_version=None,
                       now=None, field_action=False, personal_data_confirmed=False):  # fmt: skip
    """Closing needs an outcome and a message for the reporter (DESIGN §4). A message that seems to hold
    someone's personal data is stopped until staff edit it or confirm it (DESIGN §5)."""
    _check(report, actor, expected_version, field_action=field_action)
    if outcome not in OUTCOMES:
        raise WorkflowError(_l("Choose an outcome."))
    if not message or not message.strip():
        raise WorkflowError(_l("Write a message for the reporter."))
    if outcome not in allowed_outcomes(report, in_the_field=field_action):
        raise WorkflowError(
            _l("For this category only general outcomes may be told to the reporter: choose one of those.")
        )
    findings = screen_for_personal_data(message)
    if findings and not personal_data_confirmed:
        raise PersonalDataInMessage(findings)
    _require_transition(report, "afgehandeld")  # before anything changes: a refused close leaves no trace
    now = now or utcnow()
    report.outcome = outcome
    report.closed_at = now
    reason = outcome + (f": {note.strip()}" if note and note.strip() else "")
    _move(report, "afgehandeld", actor, event="close", reason=reason, now=now)
    # The reporters of merged duplicates hear the original's outcome too (DESIGN §4).
    duplicates = db.session.scalars(sa.select(Report).where(Report.merged_into_id == report.id)).all()
    for each in [report, *duplicates]:
        each.messages.append(ReporterMessage(at=now, author_id=actor.id, body=message.strip()))
        queue_closed(each, message.strip())


def reopen_at_reporters_request(report, *, now=None):
    """The reporter answered "not helped" and asked us to look again: the report lands in its queue."""
    if report.state != "afgehandeld":
        raise WorkflowError(_l("Only a closed report can be reopened."))
    now = now or utcnow()
    record_change(report, event="reopen", to_state="heropend", actor="melder", reason="Melder vraagt om heropenen",
                  now=now)  # fmt: skip
    report.state = "heropend"
    report.closed_at = None
    report.updated_at = now
    start_term(report, now)


def cancel(report, reason: str, actor, *, expected_version=None, now=None):
    _check(report, actor, expected_version)
    if not reason or not reason.strip():
        raise WorkflowError(_l("Give a reason for cancelling."))
    _require_transition(report, "geannuleerd")
    report.closed_at = now or utcnow()
    _move(report, "geannuleerd", actor, event="cancel", reason=reason.strip(), now=now or utcnow())


def reopen(report, reason: str, actor, *, expected_version=None, now=None):
    _check(report, actor, expected_version)
    if not reason or not reason.strip():
        raise WorkflowError(_l("Give a reason for reopening."))
    if report.withdrawn_at is not None:
        raise WorkflowError(_l("The reporter withdrew this report; it cannot be reopened."))
    now = now or utcnow()
    report.closed_at = None
    report.outcome = None
    report.merged_into = None
    start_term(report, now)
    _move(report, "heropend", actor, event="reopen", reason=reason.strip(), now=now)


def _assignee_id(report) -> int | None:
    """The assigned officer, also before the assignment is flushed."""
    return report.assigned_to.id if report.assigned_to is not None else None


# Claiming a report that mentions a weapon, violence or a group is a deliberate choice, not one tick box
# (DESIGN §8): how the officer goes is written in the history, in the words the team uses.
SAFETY_STEPS = {
    "met_collega": _l("I go, together with a colleague"),
    "wacht_op_collega": _l("I wait for a colleague before I go"),
    "politie": _l("I call the police and go with them"),
}
SAFETY_STEP_HISTORY = {
    "met_collega": "Ik ga erheen met een collega",
    "wacht_op_collega": "Ik wacht op een collega en ga dan",
    "politie": "Ik bel de politie en ga met de politie",
}


def claim(report, boa: User, *, expected_version=None, now=None, safety_step: str | None = None):
    """A field officer: "ik ga erheen". A report that mentions a weapon, violence or a group is claimed only with
    one of SAFETY_STEPS (DESIGN §8); the history says which."""
    _check(report, boa, None, field_action=True)
    if report.state not in OPEN_STATES:
        raise WorkflowError(_l("This report is no longer open."))
    # Claimed by a colleague in the meantime: say who, rather than that something changed.
    if _assignee_id(report) not in (None, boa.id):
        raise WorkflowError(_l("%(name)s has already claimed this report.", name=report.assigned_to.name))
    _check(report, boa, expected_version, field_action=True)
    if report.safety_flag and safety_step not in SAFETY_STEPS:
        raise WorkflowError(_l("The reporter mentioned a weapon, violence or a group. Choose how you go: not alone."))
    report.assigned_to = boa
    target = "in_behandeling" if report.state in ("nieuw", "heropend") else report.state
    reason = SAFETY_STEP_HISTORY[safety_step] if report.safety_flag else "Ik ga erheen"
    _move(report, target, boa, event="claim", reason=reason, now=now or utcnow())


# Why an officer hands a report back: the common reasons as one tap each; the history gets the team's words.
HAND_BACK_REASONS = {
    "andere_melding": _l("Another report comes first"),
    "einde_dienst": _l("End of my shift"),
    "niet_alleen": _l("I cannot go alone"),
    "anders": _l("Other reason (explain below)"),
}
HAND_BACK_HISTORY = {
    "andere_melding": "Een andere melding gaat voor",
    "einde_dienst": "Einde dienst",
    "niet_alleen": "Kan niet alleen gaan",
    "anders": "Anders",
}


def may_hand_back(report, boa: User) -> bool:
    """Only the officer who claimed a report hands it back."""
    return _assignee_id(report) == boa.id


def hand_back(report, boa: User, reason: str, explanation: str = "", *, expected_version=None, now=None):
    """The officer cannot go after all: the report goes back to the field queue, unassigned, with the reason (one of
    HAND_BACK_REASONS, and for "anders" an explanation) in the history, so a colleague or the coordinator picks it
    up."""
    _check(report, boa, expected_version, field_action=True)
    if not may_hand_back(report, boa):
        raise WorkflowError(_l("You can only hand back a report you claimed."))
    if reason not in HAND_BACK_REASONS:
        raise WorkflowError(_l("Choose a reason."))
    explanation = (explanation or "").strip()
    if reason == "anders" and not explanation:
        raise WorkflowError(_l("Give a reason for handing the report back."))
    told = f"{HAND_BACK_HISTORY[reason]}: {explanation}" if explanation else HAND_BACK_HISTORY[reason]
    report.assigned_to = None
    report.on_site_at = None
    _move(report, report.state, boa, event="hand_back", reason=f"Teruggegeven: {told}", now=now or utcnow())


def mark_on_site(report, boa: User, *, expected_version=None, now=None):
    _check(report, boa, expected_version, field_action=True)
    if _assignee_id(report) != boa.id:
        raise WorkflowError(_l("Claim the report first."))
    now = now or utcnow()
    report.on_site_at = now
    _move(report, report.state, boa, event="on_site", reason="Ter plaatse", now=now)


def close_in_the_field(report, boa: User, outcome: str, note: str | None, *, expected_version=None, now=None):
    if outcome not in FIELD_OUTCOMES:
        raise WorkflowError(_l("Choose an outcome."))
    if _assignee_id(report) != boa.id:
        raise WorkflowError(_l("Claim the report first."))
    # The outcome selects the reporter's message: the category's template in their language, else a neutral one.
    told = outcome
    if report.category.privacy_level == "generic":
        # Never what was done to whom: a general outcome only (DESIGN §5).
        told = "doorgezet_partner" if outcome in REFERRALS else "bredere_aanpak"
    template = template_for(report.category.code, told, report.locale)
    message = template.body if template else str(FIELD_MESSAGES.get(outcome, DEFAULT_FIELD_MESSAGE))
    close_with_outcome(report, outcome, message, boa, note=note, expected_version=expected_version, now=now,
                       field_action=True)  # fmt: skip


# Until the feedback issue brings templates: a neutral, privacy-safe message per field outcome.
DEFAULT_FIELD_MESSAGE = _l("A field officer went to the location after your report.")
FIELD_MESSAGES = {
    "aangesproken": _l("A field officer went to the location and spoke to the people involved."),
    "waarschuwing": _l("A field officer went to the location and took action."),
    "bekeuring": _l("A field officer went to the location and took action."),
    "niets_aangetroffen": _l(
        "A field officer went to the location but found nothing at that moment. Your report still counts in our "
        "picture of the area."
    ),
    "politie_ingeschakeld": _l("A field officer went to the location and called in the police."),
    "doorverwezen_zorg": _l("A field officer went to the location. We have involved our care partners."),
    "doorverwezen_buurtbemiddeling": _l("A field officer went to the location and involved our partners."),
}
