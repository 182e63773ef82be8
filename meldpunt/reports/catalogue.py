"""The categories every profile starts with (DESIGN §2). They are seeded into the database, where a beheerder
can change them; names are translated through Babel at seed time, one column value per language."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class CategorySeed:
    code: str
    kind: str
    name: str
    typical_handling_days: int = 10
    privacy_level: str = "standard"
    restricted: bool = False


CATEGORIES: tuple[CategorySeed, ...] = (
    # Straatintimidatie
    CategorySeed("naroepen", "straatintimidatie", _l("Calling after or whistling at someone"), 10),
    CategorySeed("volgen", "straatintimidatie", _l("Persistently following someone"), 10),
    CategorySeed(
        "seksuele_intimidatie", "straatintimidatie", _l("Sexual harassment (remarks, gestures, touching)"), 10
    ),
    CategorySeed("schelden_bedreigen", "straatintimidatie", _l("Insulting or threatening"), 10),
    CategorySeed("discriminatie", "straatintimidatie", _l("Discrimination (e.g. LGBTI+, origin, religion)"), 10),
    CategorySeed("intimidatie_anders", "straatintimidatie", _l("Something else"), 10),
    # Overlast
    CategorySeed("jeugd", "overlast", _l("Young people hanging around"), 10),
    CategorySeed("alcohol", "overlast", _l("Alcohol"), 10),
    CategorySeed("drugs", "overlast", _l("Drug use or dealing on the street"), 15),
    CategorySeed("geluid", "overlast", _l("Noise in a public space"), 10),
    CategorySeed("verward", "overlast", _l("Confused or disturbing behaviour"), 15, "generic"),
    CategorySeed("woonoverlast", "overlast", _l("Nuisance from neighbours"), 20, "generic"),
    CategorySeed("vernieling", "overlast", _l("Vandalism"), 10),
    CategorySeed("wildplassen", "overlast", _l("Public urination"), 10),
    CategorySeed("station_uitgaan", "overlast", _l("Nuisance around the station or nightlife area"), 10),
    CategorySeed("lachgas", "overlast", _l("Laughing gas (nitrous oxide)"), 10),
    CategorySeed("parkeren", "overlast", _l("Parking nuisance"), 10),
    CategorySeed("verkeer", "overlast", _l("Speeding or dangerous driving"), 30),
    CategorySeed("overlast_anders", "overlast", _l("Something else"), 10),
    # Onveilige plek
    CategorySeed("verlichting", "onveilige_plek", _l("Poor or broken lighting"), 20),
    CategorySeed("donker", "onveilige_plek", _l("A dark spot"), 30),
    CategorySeed("begroeiing", "onveilige_plek", _l("Dense bushes, no view"), 30),
    CategorySeed("route", "onveilige_plek", _l("A confusing or deserted route"), 30),
    CategorySeed("verkeersonveilig", "onveilige_plek", _l("A dangerous traffic spot (also school routes)"), 30),
    CategorySeed("plek_anders", "onveilige_plek", _l("Something else"), 30),
    # Verdachte situatie (ondermijning): restricted
    CategorySeed("dealen_woning", "verdachte_situatie", _l("Dealing from a house"), 0, restricted=True),
    CategorySeed("hennep", "verdachte_situatie", _l("Cannabis farm"), 0, restricted=True),
    CategorySeed("drugsafval", "verdachte_situatie", _l("Drug waste (do not touch it)"), 0, restricted=True),
    CategorySeed("loods_vakantiepark", "verdachte_situatie", _l("Suspicious shed or holiday park"), 0, restricted=True),
    CategorySeed("uitbuiting", "verdachte_situatie", _l("Signs of exploitation"), 0, restricted=True),
    # Spanningen of polarisatie (also online): restricted like the above, and without a spot (kinds.has_spot).
    CategorySeed(
        "online_spanningen",
        "spanningen",
        _l("Hostile messages or calls online (social media, group chats)"),
        0,
        privacy_level="generic",
        restricted=True,
    ),
    CategorySeed(
        "spanningen_groepen",
        "spanningen",
        _l("Tensions between groups in the neighbourhood"),
        0,
        privacy_level="generic",
        restricted=True,
    ),
    CategorySeed(
        "polarisatie",
        "spanningen",
        _l("Signs that someone turns against society or other people"),
        0,
        privacy_level="generic",
        restricted=True,
    ),
    CategorySeed("spanningen_anders", "spanningen", _l("Something else"), 0, privacy_level="generic", restricted=True),
)

# Help shown with a category: where to find support, how to file a police report.
CATEGORY_HELP: dict[str, str] = {
    "seksuele_intimidatie": _l(
        "You are not to blame. For support, talk to someone you trust or call Slachtofferhulp Nederland "
        "(0900-0101). To file a police report (aangifte), call 0900-8844 or go to a police station."
    ),
    "discriminatie": _l(
        "You can also report discrimination to Discriminatie.nl (0800-0333) or file a police report (0900-8844)."
    ),
    "schelden_bedreigen": _l(
        "A threat can be a criminal offence: you can file a police report (aangifte) via 0900-8844."
    ),
    "volgen": _l(
        "Is it someone you know who keeps following you? That is stalking: file a police report (0900-8844) "
        "or call Veilig Thuis Drenthe (0800-2000)."
    ),
    "woonoverlast": _l(
        "Have you talked to your neighbours? Buurtbemiddeling (neighbourhood mediation) can help you talk "
        "to each other, free of charge."
    ),
    "verward": _l(
        "Is someone in immediate danger? Call 112. Worried about someone but no danger? Call the police on "
        "0900-8844 or the zorgmeldpunt of the municipality."
    ),
    "jeugd": _l("Young people may meet in public space. We act when it causes nuisance, damage or intimidation."),
    "drugsafval": _l("Do not touch drug waste: it can be toxic, flammable or explosive."),
    "online_spanningen": _l(
        "A threat or a call to violence can be a criminal offence: you can also file a police report (0900-8844). "
        "Describe what you saw and where online."
    ),
    "polarisatie": _l(
        "Worried that someone you know is turning against others? Tell us here; we treat it in confidence. "
        "Is someone in danger now? Call 112."
    ),
    "verkeer": _l("Reports about speeding are collected per location and discussed monthly with the police."),
}
