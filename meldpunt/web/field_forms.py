"""Forms of boa field mode. Every action carries the report's version (optimistic locking); closing also carries a
key made by the page, so an outcome sent again after a lost connection is applied once."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from meldpunt.web.staff_forms import ReportActionForm


class ClaimForm(ReportActionForm):
    # Only for a report with the safety flag; the choices come from workflow.SAFETY_STEPS.
    safety_step = RadioField(_l("How do you go?"), validate_choice=False, validators=[Optional()])


class FieldCloseForm(ReportActionForm):
    outcome = RadioField(_l("Outcome"), validate_choice=False,
                         validators=[InputRequired(message=_l("Choose an outcome."))])  # fmt: skip
    note = TextAreaField(_l("Short note (internal)"), validators=[Optional(), Length(max=500)])
    action_key = HiddenField()


# Why an officer hands a report back: the common reasons as one tap each; the history gets the Dutch text.
HAND_BACK_REASONS = {
    "andere_melding": ("Een andere melding gaat voor", _l("Another report comes first")),
    "einde_dienst": ("Einde dienst", _l("End of my shift")),
    "niet_alleen": ("Kan niet alleen gaan", _l("I cannot go alone")),
    "anders": ("Anders", _l("Other reason (explain below)")),
}


class HandBackForm(ReportActionForm):
    reason = RadioField(_l("Why do you hand it back?"), validate_choice=False,
                        validators=[InputRequired(message=_l("Choose a reason."))])  # fmt: skip
    explanation = TextAreaField(_l("Explanation"), validators=[Optional(), Length(max=500)])

    def reason_text(self) -> str | None:
        """The reason for the history, or None when "other" has no explanation."""
        history_text, _label = HAND_BACK_REASONS.get(self.reason.data, (None, None))
        explanation = (self.explanation.data or "").strip()
        if history_text is None or (self.reason.data == "anders" and not explanation):
            return None
        return f"{history_text}: {explanation}" if explanation else history_text
