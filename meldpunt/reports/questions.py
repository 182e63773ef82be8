"""The extra questions per kind (DESIGN §2), declared once: the web form (web/report_forms.py) builds its fields from
them and Open311 (open311/georeport.py) publishes them as service attributes and checks the answers. Every question
may be left unanswered: only category, location and description are required."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Question:
    name: str  # the key in Report.answers, the form field's name and the Open311 attribute code
    label: object  # lazy string
    choices: tuple[tuple[str, object], ...]
    multiple: bool = False  # several answers (check boxes)
    description: object | None = None
    categories: tuple[str, ...] | None = None  # None: every category of the kind

    def asked_for(self, category_code: str) -> bool:
        return self.categories is None or category_code in self.categories

    def label_of(self, value: str) -> str:
        return next((str(label) for code, label in self.choices if code == value), value)


YES_NO = (("ja", _l("Yes")), ("nee", _l("No")))
YES_NO_UNKNOWN = (*YES_NO, ("weet_niet", _l("I don't know")))
HOW_MANY = (("een", _l("One person")), ("twee_tot_vijf", _l("2 to 5 people")), ("groep", _l("More than 5")))
WOON_SUBTYPES = (
    ("burenruzie", _l("A dispute between neighbours")),
    ("geluid", _l("Noise")),
    ("agressie", _l("Aggression or intimidation")),
    ("vervuiling", _l("A neglected or polluted home")),
)
FREQUENCIES = (
    ("eerste_keer", _l("This is the first time")),
    ("soms", _l("Sometimes")),
    ("wekelijks", _l("Every week")),
    ("dagelijks", _l("(Almost) every day")),
)


def _weapon(categories=None) -> Question:
    return Question("weapon", _l("Was there a weapon or violence?"), YES_NO,
                    description=_l("If there is danger now: call 112."), categories=categories)  # fmt: skip


def _frequency() -> Question:
    return Question("frequency", _l("Does this happen more often?"), FREQUENCIES)


QUESTIONS: dict[str, tuple[Question, ...]] = {
    "straatintimidatie": (
        Question("people_involved", _l("How many people did it?"), HOW_MANY),
        Question(
            "directed_at",
            _l("Was it aimed at you?"),
            (("mij", _l("Yes, at me")), ("getuige", _l("No, I saw it happen to someone else"))),
        ),
        _weapon(),
    ),  # fmt: skip
    "overlast": (
        _frequency(),
        Question("minors", _l("Are there minors involved?"), YES_NO_UNKNOWN, categories=("jeugd",)),
        Question(
            "group_size",
            _l("How many people are involved?"),
            HOW_MANY,
            categories=("jeugd", "alcohol", "station_uitgaan", "lachgas"),
        ),
        _weapon(("jeugd", "alcohol", "drugs", "station_uitgaan", "vernieling", "overlast_anders")),
        Question(
            "danger",
            _l("Is anyone in immediate danger?"),
            YES_NO,
            description=_l("If so: call 112 now."),
            categories=("verward",),
        ),
        Question("worried", _l("Are you worried about this person?"), YES_NO, categories=("verward",)),
        Question("woon_subtype", _l("What kind of nuisance?"), WOON_SUBTYPES, categories=("woonoverlast",)),
        Question(
            "spoken_to_neighbours",
            _l("Have you talked to the neighbours about it?"),
            YES_NO,
            categories=("woonoverlast",),
        ),
    ),  # fmt: skip
    "onveilige_plek": (
        Question(
            "unsafe_times",
            _l("When does it feel unsafe?"),
            (("dag", _l("During the day")), ("avond", _l("In the evening")), ("nacht", _l("At night"))),
            multiple=True,
        ),
        Question(
            "lighting",
            _l("How is the lighting?"),
            (("goed", _l("Good")), ("matig", _l("Poor")), ("geen", _l("No lighting or broken"))),
        ),
        Question(
            "visibility",
            _l("Can you see around you and be seen?"),
            (("goed", _l("Yes, open view")), ("beperkt", _l("Partly")), ("slecht", _l("No, hidden"))),
        ),
        Question(
            "people_around",
            _l("Are there usually people around?"),
            (("vaak", _l("Often")), ("soms", _l("Sometimes")), ("zelden", _l("Rarely or never"))),
        ),
        Question("alternative_route", _l("Is there another route you can take?"), YES_NO_UNKNOWN),
        Question(
            "unsafe_score",
            _l("How unsafe does it feel? (1 = a little, 5 = very)"),
            tuple((str(i), str(i)) for i in range(1, 6)),
        ),
    ),  # fmt: skip
    "verdachte_situatie": (_frequency(),),
    "spanningen": (
        Question(
            "seen_where",
            _l("Where did you see or hear it?"),
            (("online", _l("Online")), ("in_de_buurt", _l("In the neighbourhood")), ("beide", _l("Both"))),
        ),
        _frequency(),
    ),
}


def questions_for(kind: str, category_code: str) -> list[Question]:
    return [q for q in QUESTIONS.get(kind, ()) if q.asked_for(category_code)]


def question_named(kind: str, name: str) -> Question | None:
    return next((q for q in QUESTIONS.get(kind, ()) if q.name == name), None)
