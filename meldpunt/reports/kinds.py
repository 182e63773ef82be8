"""The kinds of report (DESIGN §2). A kind decides the form's extra questions and the default queue."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    summary: str
    is_incident: bool  # an incident has a time; an unsafe place is a lasting condition
    collects_contact: bool = True
    restricted: bool = False
    # False: a signal without a spot (online tensions, polarisation). The reporter names a wijk or dorp, or none;
    # the report's point is only a stand-in the schema needs (Report.location_method 'gebied' or 'gemeente'), so no
    # view may show it as a place (DESIGN §6, issue 10 item 6).
    has_spot: bool = True


def asks_contact(kind: Kind, category) -> bool:
    """Whether the form may ask for contact data: not for a restricted kind, and not for a category that is
    restricted by its data (Category.restricted) inside an ordinary kind either (DESIGN §6). `category` None: not
    known (the database could not be read), so the kind alone decides."""
    return kind.collects_contact and not (category is not None and category.restricted)


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind(
            "straatintimidatie",
            _l("Street harassment"),
            _l("Someone called after you, followed you, made sexual remarks, threatened or insulted you."),
            is_incident=True,
        ),
        Kind(
            "overlast",
            _l("Nuisance"),
            _l("Loitering youths, alcohol, drugs, noise, vandalism, parking, dangerous driving."),
            is_incident=True,
        ),
        Kind(
            "onveilige_plek",
            _l("Unsafe place"),
            _l("A dark spot, broken lighting, dense bushes, a deserted route or a dangerous crossing."),
            is_incident=False,
        ),
        Kind(
            "verdachte_situatie",
            _l("Suspicious situation"),
            _l("Dealing from a house, a cannabis farm, drug waste, a suspicious shed, signs of exploitation."),
            is_incident=True,
            collects_contact=False,
            restricted=True,
        ),
        Kind(
            "spanningen",
            _l("Tensions or polarisation (online too)"),
            _l("Tensions between groups, hostile messages or calls online, signs that people turn against others."),
            is_incident=True,
            collects_contact=False,
            restricted=True,
            has_spot=False,
        ),
    )
}
