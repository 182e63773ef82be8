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
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from meldpunt.reports.kinds import KINDS
from meldpunt.reports.submission import DESCRIPTION_MAX_LENGTH, LOCATION_DESCRIPTION_MAX_LENGTH

DESCRIPTION_LENGTH = Length(
    max=DESCRIPTION_MAX_LENGTH,
    message=_l("Please keep it shorter: at most %(max)d characters (you typed %(length)d)."),
)


def options(*pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def choice_label(field, value) -> str:
    return next((str(c.label) for c in field.choices if c.value == value), value)


SAFETY_FEELING_NOT_SAID = "zeg_ik_liever_niet"
YES_NO = options(("ja", _l("Yes")), ("nee", _l("No")))
YES_NO_UNKNOWN = YES_NO + options(("weet_niet", _l("I don't know")))
HOW_MANY = options(("een", _l("One person")), ("twee_tot_vijf", _l("2 to 5 people")), ("groep", _l("More than 5")))


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = KINDS[self.KIND]
        if not kind.is_incident:  # a lasting condition of a place has no time
            del self.when, self.when_date, self.when_time
        if not kind.collects_contact:
            del self.email, self.email_consent

    def questions_for(self, category_code: str):
        return [
            getattr(self, name)
            for name, categories in self.QUESTIONS
            if categories is None or category_code in categories
        ]


WEAPON_QUESTION = OptionalRadioField(
    _l("Was there a weapon or violence?"), choices=YES_NO, description=_l("If there is danger now: call 112.")
)
WOON_SUBTYPES = options(
    ("burenruzie", _l("A dispute between neighbours")),
    ("geluid", _l("Noise")),
    ("agressie", _l("Aggression or intimidation")),
    ("vervuiling", _l("A neglected or polluted home")),
)
FREQUENCY_QUESTION = OptionalRadioField(
    _l("Does this happen more often?"),
    choices=options(
        ("eerste_keer", _l("This is the first time")),
        ("soms", _l("Sometimes")),
        ("wekelijks", _l("Every week")),
        ("dagelijks", _l("(Almost) every day")),
    ),
)


class StraatintimidatieForm(ReportForm):
    KIND = "straatintimidatie"
    QUESTIONS = (("people_involved", None), ("directed_at", None), ("weapon", None))

    people_involved = OptionalRadioField(
        _l("How many people did it?"),
        choices=HOW_MANY,
    )
    directed_at = OptionalRadioField(
        _l("Was it aimed at you?"),
        choices=options(("mij", _l("Yes, at me")), ("getuige", _l("No, I saw it happen to someone else"))),
    )
    weapon = WEAPON_QUESTION


class OverlastForm(ReportForm):
    KIND = "overlast"
    QUESTIONS = (
        ("frequency", None),
        ("minors", ("jeugd",)),
        ("group_size", ("jeugd", "alcohol", "station_uitgaan", "lachgas")),
        ("weapon", ("jeugd", "alcohol", "drugs", "station_uitgaan", "vernieling", "overlast_anders")),
        ("danger", ("verward",)),
        ("worried", ("verward",)),
        ("woon_subtype", ("woonoverlast",)),
        ("spoken_to_neighbours", ("woonoverlast",)),
    )

    frequency = FREQUENCY_QUESTION
    minors = OptionalRadioField(_l("Are there minors involved?"), choices=YES_NO_UNKNOWN)
    group_size = OptionalRadioField(
        _l("How many people are involved?"),
        choices=HOW_MANY,
    )
    weapon = WEAPON_QUESTION
    danger = OptionalRadioField(
        _l("Is anyone in immediate danger?"), choices=YES_NO, description=_l("If so: call 112 now.")
    )
    worried = OptionalRadioField(_l("Are you worried about this person?"), choices=YES_NO)
    woon_subtype = OptionalRadioField(_l("What kind of nuisance?"), choices=WOON_SUBTYPES)
    spoken_to_neighbours = OptionalRadioField(_l("Have you talked to the neighbours about it?"), choices=YES_NO)


class OnveiligePlekForm(ReportForm):
    KIND = "onveilige_plek"
    QUESTIONS = (
        ("unsafe_times", None),
        ("lighting", None),
        ("visibility", None),
        ("people_around", None),
        ("alternative_route", None),
        ("unsafe_score", None),
    )

    description = TextAreaField(
        _l("What makes this place feel unsafe?"),
        validators=[DataRequired(message=_l("Please describe the place.")), DESCRIPTION_LENGTH],
    )
    unsafe_times = MultiCheckboxField(
        _l("When does it feel unsafe?"),
        choices=options(("dag", _l("During the day")), ("avond", _l("In the evening")), ("nacht", _l("At night"))),
        validators=[Optional()],
    )
    lighting = OptionalRadioField(
        _l("How is the lighting?"),
        choices=options(("goed", _l("Good")), ("matig", _l("Poor")), ("geen", _l("No lighting or broken"))),
    )
    visibility = OptionalRadioField(
        _l("Can you see around you and be seen?"),
        choices=options(("goed", _l("Yes, open view")), ("beperkt", _l("Partly")), ("slecht", _l("No, hidden"))),
    )
    people_around = OptionalRadioField(
        _l("Are there usually people around?"),
        choices=options(("vaak", _l("Often")), ("soms", _l("Sometimes")), ("zelden", _l("Rarely or never"))),
    )
    alternative_route = OptionalRadioField(_l("Is there another route you can take?"), choices=YES_NO_UNKNOWN)
    unsafe_score = OptionalRadioField(
        _l("How unsafe does it feel? (1 = a little, 5 = very)"),
        choices=options(*((str(i), str(i)) for i in range(1, 6))),
    )


class VerdachteSituatieForm(ReportForm):
    """Restricted: asks for no contact data (DESIGN §2)."""

    KIND = "verdachte_situatie"
    QUESTIONS = (("frequency", None),)

    frequency = FREQUENCY_QUESTION


FORMS_BY_KIND = {form.KIND: form for form in (StraatintimidatieForm, OverlastForm, OnveiligePlekForm,
                                                VerdachteSituatieForm)}  # fmt: skip


def form_for_kind(kind: str, formdata=None) -> ReportForm:
    """`formdata`: values to fill the form with (a report in progress); None: the request's own."""
    if formdata is None:
        return FORMS_BY_KIND[kind]()
    return FORMS_BY_KIND[kind](formdata=formdata)


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
