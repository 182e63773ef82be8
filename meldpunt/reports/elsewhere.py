"""Reports that belong elsewhere (DESIGN §2). The site says where to go instead of accepting a report that will
go nowhere."""

from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Elsewhere:
    code: str
    question: str  # how the person would describe their situation
    where: str  # where to go instead
    phone: str | None = None
    url: str | None = None
    profile_url: str | None = None  # name of a Profile attribute holding the link
    shown_with_kinds: tuple[str, ...] = ()


ELSEWHERE: dict[str, Elsewhere] = {
    e.code: e
    for e in (
        Elsewhere(
            "anoniem_misdrijf",
            _l("I want to report a crime anonymously"),
            _l("Meld Misdaad Anoniem takes anonymous tips about crime. They never ask who you are."),
            phone="0800-7000",
            url="https://www.meldmisdaadanoniem.nl",
            shown_with_kinds=("verdachte_situatie",),
        ),
        Elsewhere(
            "huiselijk_geweld",
            _l("Domestic violence or child abuse"),
            _l("Veilig Thuis Drenthe gives advice and takes reports, day and night, also anonymously."),
            phone="0800-2000",
            url="https://www.veiligthuisdrenthe.nl",
            shown_with_kinds=("overlast",),
        ),
        Elsewhere(
            "stalking",
            _l("Someone I know keeps following or harassing me"),
            _l("That is stalking. File a police report (aangifte) or get advice from Veilig Thuis Drenthe."),
            phone="0900-8844",
            url="https://www.politie.nl/aangifte-of-melding-doen",
            shown_with_kinds=("straatintimidatie",),
        ),
        Elsewhere(
            "politie",
            _l("Something for the police that is not urgent"),
            _l("Call the police on the non-emergency number."),
            phone="0900-8844",
            url="https://www.politie.nl",
        ),
        Elsewhere(
            "online_fraude",
            _l("Online fraud or scams"),
            _l("File a police report online or call the police."),
            phone="0900-8844",
            url="https://www.politie.nl/aangifte-of-melding-doen",
        ),
        Elsewhere(
            "openbare_ruimte",
            _l("Litter, broken street furniture, a fallen tree"),
            _l("Report it to the municipality's ordinary service for public space."),
            profile_url="public_space_url",
            shown_with_kinds=("overlast", "onveilige_plek"),
        ),
    )
}


def for_profile(item: Elsewhere, profile) -> Elsewhere:
    """The situation with the numbers of this municipality: its own number where the profile names one
    (`Profile.help_numbers`), else the national one; a link held by the profile filled in."""
    local = profile.help_numbers.get(item.code)
    url = getattr(profile, item.profile_url) if item.profile_url else item.url
    if local is None:
        return replace(item, url=url, profile_url=None)
    return replace(item, phone=local.phone or item.phone, url=local.url or url, profile_url=None)


def elsewhere_for(profile) -> list[Elsewhere]:
    return [for_profile(e, profile) for e in ELSEWHERE.values()]


def elsewhere_for_kind(kind: str, profile) -> list[Elsewhere]:
    return [for_profile(e, profile) for e in ELSEWHERE.values() if kind in e.shown_with_kinds]
