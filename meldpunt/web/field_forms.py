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


class HandBackForm(ReportActionForm):
    # The choices come from workflow.HAND_BACK_REASONS.
    reason = RadioField(_l("Why do you hand it back?"), validate_choice=False,
                        validators=[InputRequired(message=_l("Choose a reason."))])  # fmt: skip
    explanation = TextAreaField(_l("Explanation"), validators=[Optional(), Length(max=500)])
