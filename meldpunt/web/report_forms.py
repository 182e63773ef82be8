"""The report form, one class per kind (DESIGN §2). Only category, location and description are required: the
threshold stays low; every other question helps but may be skipped. Which parts a kind has (a time, contact data)
follows from its flags in reports/kinds.py; the rules a report must meet are in reports/submission.py."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from meldpunt.reports import questions
from meldpunt.reports.kinds import KINDS, asks_contact
from meldpunt.reports.questions import QUESTIONS, Question
from meldpunt.reports.submission import DESCRIPTION_MAX_LENGTH, LOCATION_DESCRIPTION_MAX_LENGTH

DESCRIPTION_LENGTH = Length(
    max=DESCRIPTION_MAX_LENGTH,
    message=_l("Please keep it shorter: at most %(max)d characters (you typed %(length)d)."),
)


def options(*pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def choice_label(field, value) -> str:
    return next((str(c.label) for c in field.choices if c.value == value), value)


WOON_SUBTYPES = options(*questions.WOON_SUBTYPES)  # the woonoverlast view's filter
SAFETY_FEELING_NOT_SAID = "zeg_ik_liever_niet"


class OptionalRadioField(RadioField):
    """A radio group that may be left unanswered."""

    def pre_validate(self, form):
        if self.data in (None, "", "None"):
            self.data = None
            return
        super().pre_validate(form)


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ReportForm(FlaskForm):
    """What every kind asks."""

    KIND = ""
    # Questions this kind asks, each with the categories it applies to (None: all of the kind).
    # Built from reports/questions.py (the fields too).
    QUESTIONS: tuple[tuple[str, tuple[str, ...] | None], ...] = ()

    submission_key = HiddenField()
    lat = HiddenField()
    lon = HiddenField()
    location_method = HiddenField(default="map")
    location_precision = HiddenField(default="exact")
    place_query = StringField(_l("Search a place"), validators=[Optional(), Length(max=120)])
    location_description = StringField(
        _l("Describe the spot (street, corner, landmark)"),
        validators=[Optional(), Length(max=LOCATION_DESCRIPTION_MAX_LENGTH)],
    )

    when = RadioField(
        _l("When did it happen?"),
        choices=options(("nu", _l("Just now (or it is still happening)")), ("eerder", _l("Earlier"))),
        default="nu",
    )
    when_date = DateField(_l("Date"), validators=[Optional()])
    when_time = TimeField(_l("Time"), validators=[Optional()])

    description = TextAreaField(
        _l("What happened?"),
        description=_l("Describe what people did or said. Please do not describe anyone's origin or looks."),
        validators=[DataRequired(message=_l("Please describe what happened.")), DESCRIPTION_LENGTH],
    )

    photo = FileField(_l("Photo (optional)"))
    photo_token = HiddenField()
    photo_name = HiddenField()
    remove_photo = BooleanField(_l("Remove this photo"))
    # Set when a chosen photo could not be kept (no room): the report goes on only once the reporter has ticked
    # without_photo, or a photo is kept after all.
    photo_not_stored = HiddenField()
    without_photo = BooleanField(_l("Send my report without the photo"))

    # Every kind asks it (issue 10): the seeds track veiligheidsbeleving next to the reports. The choice is checked
    # by check_report, so that a bad value gets the domain's message, not WTForms' own.
    safety_feeling = OptionalRadioField(
        _l("How safe do you feel here?"),
        choices=options(
            ("1", _l("1 - very unsafe")),
            ("2", _l("2 - unsafe")),
            ("3", _l("3 - neither safe nor unsafe")),
            ("4", _l("4 - safe")),
            ("5", _l("5 - very safe")),
            (SAFETY_FEELING_NOT_SAID, _l("I'd rather not say")),
        ),
        description=_l(
            "Optional. The municipality uses the answers, counted together per neighbourhood and never per report, "
            "to see where people feel unsafe."
        ),
        validate_choice=False,
    )

    email = EmailField(
        _l("E-mail address (optional)"),
        description=_l("Only to tell you what happened with your report. Leave it empty to stay anonymous."),
        validators=[Optional(), Email(message=_l("This is not a valid e-mail address.")), Length(max=254)],
    )
    email_consent = BooleanField(_l("Yes, you may e-mail me about this report."))

    def __init__(self, *args, category=None, **kwargs):
        super().__init__(*args, **kwargs)
        kind = KINDS[self.KIND]
        if not kind.is_incident:  # a lasting condition of a place has no time
            del self.when, self.when_date, self.when_time
        if not asks_contact(kind, category):
            del self.email, self.email_consent

    def questions_for(self, category_code: str):
        return [
            getattr(self, name)
            for name, categories in self.QUESTIONS
            if categories is None or category_code in categories
        ]


def question_field(question: Question):
    """The form field of a declared question (reports/questions.py)."""
    if question.multiple:
        return MultiCheckboxField(question.label, choices=options(*question.choices), validators=[Optional()],
                                  description=question.description)  # fmt: skip
    return OptionalRadioField(question.label, choices=options(*question.choices), description=question.description)


def _form_class(name: str, kind: str, doc: str, **fields) -> type:
    """A kind's form: the base form, the kind's questions as fields (in their declared order), and `fields`."""
    attributes = {"__doc__": doc, "KIND": kind,
                  "QUESTIONS": tuple((q.name, q.categories) for q in QUESTIONS[kind])}  # fmt: skip
    attributes |= {q.name: question_field(q) for q in QUESTIONS[kind]}
    return type(name, (ReportForm,), attributes | fields)


StraatintimidatieForm = _form_class("StraatintimidatieForm", "straatintimidatie", "Straatintimidatie.")
OverlastForm = _form_class("OverlastForm", "overlast", "Overlast.")
OnveiligePlekForm = _form_class(
    "OnveiligePlekForm",
    "onveilige_plek",
    "A lasting condition of a place: its own wording for the description.",
    description=TextAreaField(
        _l("What makes this place feel unsafe?"),
        validators=[DataRequired(message=_l("Please describe the place.")), DESCRIPTION_LENGTH],
    ),
)
VerdachteSituatieForm = _form_class(
    "VerdachteSituatieForm", "verdachte_situatie", "Restricted: asks for no contact data (DESIGN §2)."
)
NO_AREA = ""
SpanningenForm = _form_class(
    "SpanningenForm",
    "spanningen",
    "Restricted, and without a spot (kinds.Kind.has_spot): a wijk or dorp, or none, instead of the map. The choices "
    "are the profile's areas (set_area_choices); whether the chosen one exists is checked by check_report.",
    description=TextAreaField(
        _l("What did you see or hear?"),
        description=_l(
            "Say what was said or done, and where: a website, an app, a group chat or a place. Please do not copy "
            "other people's names, photos or personal details."
        ),
        validators=[DataRequired(message=_l("Please describe what happened.")), DESCRIPTION_LENGTH],
    ),
    area_code=SelectField(
        _l("Which neighbourhood or village is it about? (optional)"),
        description=_l("Choose none if it happens online only, or in more places."),
        choices=[],
        validate_choice=False,
        default=NO_AREA,
    ),
)


def set_area_choices(form: ReportForm, areas) -> None:
    """The area select of a kind without a spot: 'none' first, then the given wijken and dorpen."""
    if hasattr(form, "area_code"):
        form.area_code.choices = options(
            (NO_AREA, _l("None, or I'd rather not say")), *((a.code, a.display_name) for a in areas)
        )


FORMS_BY_KIND = {form.KIND: form for form in (StraatintimidatieForm, OverlastForm, OnveiligePlekForm,
                                                VerdachteSituatieForm, SpanningenForm)}  # fmt: skip


def form_for_kind(kind: str, formdata=None, *, category=None) -> ReportForm:
    """`formdata`: values to fill the form with (a report in progress); None: the request's own. `category`: the
    fields follow kinds.asks_contact (a restricted category drops the contact fields, as a restricted kind does)."""
    if formdata is None:
        return FORMS_BY_KIND[kind](category=category)
    return FORMS_BY_KIND[kind](formdata=formdata, category=category)


def safety_feeling_from(form: ReportForm) -> str | None:
    """The raw answer for check_report; "rather not say" is no answer."""
    value = form.safety_feeling.data
    return None if value in (None, "", SAFETY_FEELING_NOT_SAID) else value


def answers_from(form: ReportForm, category_code: str) -> dict:
    answers = {}
    for field in form.questions_for(category_code):
        if field.data not in (None, "", []):
            answers[field.name] = field.data
    return answers


class LinkMailForm(FlaskForm):
    """ "Mail me this link" on the receipt. The address is used for that one mail and not stored with the report."""

    token = HiddenField()
    email = EmailField(
        _l("Your e-mail address"),
        validators=[DataRequired(message=_l("Enter your e-mail address.")),
                    Email(message=_l("This is not a valid e-mail address.")), Length(max=254)],
    )  # fmt: skip


def answer_lines(kind: str, answers: dict) -> list[tuple[str, str]]:
    """The reporter's answers as (question, answer) in the current language, in the form's order; an answer to a
    question the form no longer asks keeps its stored key and value."""
    form_cls = FORMS_BY_KIND.get(kind)
    if form_cls is None:
        return [(key, value if isinstance(value, str) else ", ".join(value)) for key, value in answers.items()]
    form = form_cls(formdata=None, meta={"csrf": False})
    lines, seen = [], set()
    for name, _categories in form_cls.QUESTIONS:
        if name in answers and name not in seen:
            seen.add(name)
            field = getattr(form, name)
            values = answers[name] if isinstance(answers[name], list) else [answers[name]]
            lines.append((str(field.label.text), ", ".join(choice_label(field, v) for v in values)))
    lines += [(key, value if isinstance(value, str) else ", ".join(value)) for key, value in answers.items()
              if key not in seen]  # fmt: skip
    return lines
