"""The schouw's forms (web/schouw.py): starting a walk, one spot with the unsafe-place questions, finishing."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from meldpunt.reports.questions import QUESTIONS
from meldpunt.reports.schouw import SCHOUW_KIND, SCHOUW_PARTICIPANTS
from meldpunt.web.report_forms import MultiCheckboxField, question_field


class SchouwStartForm(FlaskForm):
    name = StringField(_l("Name of the walk"), description=_l("For example: Evening schouw Emmerhout."),
                       validators=[DataRequired(message=_l("Give the walk a name.")), Length(max=120)])  # fmt: skip
    area = SelectField(_l("Wijk or dorp (optional)"), validators=[Optional()])
    participants = MultiCheckboxField(
        _l("Who walks along"), choices=[SelectChoice(code, label) for code, label in SCHOUW_PARTICIPANTS.items()]
    )
    other_participants = StringField(_l("Others (organisations, not names)"), validators=[Optional(), Length(max=200)])


class _SpotFormBase(FlaskForm):
    submission_key = HiddenField()
    category = SelectField(_l("What makes this spot unsafe?"), validators=[DataRequired(
        message=_l("Choose what makes the spot unsafe."))])  # fmt: skip
    place_query = StringField(_l("Search a place"), validators=[Optional(), Length(max=120)])
    place = RadioField(_l("Places found"), validate_choice=False, validators=[Optional()])
    lat = StringField(_l("Latitude"), validators=[Optional(), Length(max=30)])
    lon = StringField(_l("Longitude"), validators=[Optional(), Length(max=30)])
    location_description = StringField(_l("Describe the spot (street, corner, landmark)"),
                                       validators=[Optional(), Length(max=300)])  # fmt: skip
    description = TextAreaField(_l("What did the group see?"), validators=[Optional()])
    photo = FileField(_l("Photo (optional)"))
    photo_token = HiddenField()
    photo_name = HiddenField()

    QUESTION_NAMES = tuple(q.name for q in QUESTIONS[SCHOUW_KIND])

    def answers(self, category_code: str) -> dict:
        return {
            q.name: getattr(self, q.name).data
            for q in QUESTIONS[SCHOUW_KIND]
            if q.asked_for(category_code) and getattr(self, q.name).data not in (None, "", [])
        }

    def question_fields(self):
        return [getattr(self, name) for name in self.QUESTION_NAMES]


# The unsafe-place questions as the reporter's form asks them (reports/questions.py), declared once.
SchouwSpotForm = type("SchouwSpotForm", (_SpotFormBase,), {q.name: question_field(q) for q in QUESTIONS[SCHOUW_KIND]})


class SchouwFinishForm(FlaskForm):
    notes = TextAreaField(
        _l("What the walk found and agreed (no names of residents)"),
        validators=[Optional(), Length(max=5000)],
    )
