"""Forms for the staff workspace. Every action form carries the report's version (optimistic locking)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional


class ReportActionForm(FlaskForm):
    version = IntegerField(widget=widgets.HiddenInput(), validators=[InputRequired()])


class ReasonForm(ReportActionForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=_l("Give a reason.")), Length(max=1000)])


class AssignForm(ReportActionForm):
    boa = SelectField(_l("Field officer"), coerce=int, validate_choice=False)


class RerouteForm(ReasonForm):
    queue = SelectField(_l("To queue"), validate_choice=False)


class MergeForm(ReportActionForm):
    original = StringField(_l("Reference of the original report"), validators=[DataRequired(), Length(max=16)])
    different_category_confirmed = BooleanField(_l("If the categories differ: it is the same problem"))


class BulkForm(FlaskForm):
    """One action on the selected reports of a queue page (the selected ids are read from the request)."""

    action = SelectField(_l("Action"), validators=[DataRequired(message=_l("Choose an action."))])
    boa = SelectField(_l("Field officer"), validate_choice=False)
    queue = SelectField(_l("To queue"), validate_choice=False)
    reason = StringField(_l("Reason for moving (one for all)"), validators=[Optional(), Length(max=1000)])
    outcome = SelectField(_l("Close with the template of"), validate_choice=False)


class SaveFilterForm(FlaskForm):
    name = StringField(_l("Name for these filters"), validators=[DataRequired(), Length(max=80)])
    query = HiddenField()


class PlanForm(ReportActionForm):
    when = DateTimeLocalField(_l("Planned for"), validators=[DataRequired()], format="%Y-%m-%dT%H:%M")


class ForwardForm(ReportActionForm):
    partner = SelectField(_l("Partner"), validate_choice=False)
    note = TextAreaField(_l("Note (internal)"), validators=[Optional(), Length(max=1000)])


class CloseForm(ReportActionForm):
    outcome = SelectField(_l("Outcome"), validate_choice=False)
    message = TextAreaField(
        _l("Message for the reporter"),
        description=_l("The reporter reads this. Never say what was done to another person."),
        validators=[DataRequired(message=_l("Write a message for the reporter.")), Length(max=2000)],
    )
    personal_data_confirmed = BooleanField(_l("I have checked: the reporter may read everything in this message"))


class EmptyForm(FlaskForm):
    """A button that only needs CSRF protection."""

    version = HiddenField()


class UserForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Work e-mail address (optional)"),
        description=_l("For early warnings to OOV. Reporters never see it."),
        validators=[Optional(), Email(message=_l("This is not a valid e-mail address.")), Length(max=254)],
    )
    roles = SelectMultipleField(_l("Roles"), widget=widgets.ListWidget(prefix_label=False),
                                option_widget=widgets.CheckboxInput(), validate_choice=False)  # fmt: skip
    sees_restricted = BooleanField(_l("May see restricted reports (verdachte situatie)"))
    # Shown only where the profile has more than one field team (Emmen: boa's and straatcoaches).
    field_team = SelectField(_l("Field team"), description=_l("For the field role: whose reports they see in field "
                             "mode."), validate_choice=False)  # fmt: skip
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(
        _l("New password (at least 12 characters)"), validators=[Optional(), Length(min=12, max=200)]
    )
    reset_totp = BooleanField(_l("Reset two-step verification"))


class AcknowledgeForm(FlaskForm):
    note = TextAreaField(_l("Note (what OOV does with it)"), validators=[Optional(), Length(max=2000)])


class VasteBoaForm(FlaskForm):
    """The vaste boa of one wijk or dorp; the empty choice: nobody."""

    boa = SelectField(_l("Field officer"), validate_choice=False)


class ApiKeyForm(FlaskForm):
    name = StringField(
        _l("Name of the partner or app"),
        description=_l("For example: Wijkapp politie, Datalab Drenthe. Each use of the key is logged under it."),
        validators=[DataRequired(), Length(max=80)],
    )


class AreaContactForm(FlaskForm):
    """Who receives an area's monthly summary: an organisation and its address."""

    area = SelectField(_l("Wijk or dorp"), validators=[InputRequired()])
    organisation = StringField(
        _l("Organisation"),
        description=_l("For example the wijkplatform, the dorpsbelang or the ondernemersvereniging."),
        validators=[DataRequired(message=_l("Name the organisation.")), Length(max=120)],
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Give the address the summary goes to.")),
            Email(message=_l("This is not a valid e-mail address.")),
            Length(max=254),
        ],
    )


class IntakeForm(FlaskForm):
    """A report filed for a resident (reports/intake.py). The choices are set by the view."""

    submission_key = HiddenField()
    channel = RadioField(
        _l("How did the resident reach us?"),
        validators=[InputRequired(message=_l("Choose how the resident reached us."))],
    )
    group = SelectField(_l("Which buurtpreventie group?"), validators=[Optional()])
    category = SelectField(
        _l("What does the resident report?"),
        validators=[InputRequired(message=_l("Choose what the resident wants to report."))],
    )
    place_query = StringField(_l("Search a place"), validators=[Optional(), Length(max=120)])
    place = RadioField(_l("Places found"), validate_choice=False, validators=[Optional()])
    lat = StringField(_l("Latitude"), validators=[Optional(), Length(max=30)])
    lon = StringField(_l("Longitude"), validators=[Optional(), Length(max=30)])
    location_description = StringField(_l("Describe the spot (street, corner, landmark)"),
                                       validators=[Optional(), Length(max=300)])  # fmt: skip
    when = RadioField(
        _l("When did it happen?"),
        default="nu",
        choices=[SelectChoice("nu", _l("Now, or just now")), SelectChoice("eerder", _l("Earlier"))],
    )
    incident_at = DateTimeLocalField(_l("Date and time"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    description = TextAreaField(_l("What happened, in the resident's words"), validators=[Optional()])
    email = EmailField(_l("The resident's e-mail address (optional)"), validators=[Optional(), Length(max=254)])
    email_consent = BooleanField(_l("The resident agrees that we e-mail them about this report"))
    locale = SelectField(_l("Language for the e-mail"), default="nl")


class ReportingGroupForm(FlaskForm):
    """A buurtpreventie group registered as a channel (reports/channels.py)."""

    name = StringField(_l("Name of the group"), validators=[DataRequired(message=_l("Name the group.")),
                                                           Length(max=120)])  # fmt: skip
    area = SelectField(_l("Wijk or dorp (optional)"), validators=[Optional()])


OUTLINE_HINT = _l(
    'Draw the outline on the map (tap its corners in turn), or paste GeoJSON, or type one "latitude, longitude" '
    "per line (at least three points), for example 52.7858, 6.8975."
)


class OutlineFields(FlaskForm):
    """Where an event or risk zone is: an area, or an outline drawn or pasted (meldpunt/geo/outlines.py)."""

    area = SelectField(_l("Area"), validate_choice=False)
    outline = TextAreaField(_l("Or its own outline"), description=OUTLINE_HINT, validators=[Optional()])


class EventForm(OutlineFields):
    name = StringField(
        _l("Name of the event"),
        description=_l("For example: Koningsdag, FC Emmen - Cambuur, TT-weekend."),
        validators=[DataRequired(message=_l("Give the event a name.")), Length(max=120)],
    )
    starts = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M",
                                validators=[DataRequired(message=_l("Enter the date and time."))])  # fmt: skip
    ends = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M",
                              validators=[DataRequired(message=_l("Enter the date and time."))])  # fmt: skip


class RiskZoneForm(OutlineFields):
    name = StringField(
        _l("Name of the risk zone"),
        description=_l("For example: Stationsplein, Marktplein."),
        validators=[DataRequired(message=_l("Give the risk zone a name.")), Length(max=120)],
    )
    starts_on = DateField(_l("From"), validators=[DataRequired(message=_l("Enter a date."))])
    ends_on = DateField(_l("Until (included)"), validators=[DataRequired(message=_l("Enter a date."))])
