"""Municipality profiles (DESIGN §1). A deployment serves one profile, chosen by the PROFILE setting;
its queues, categories and routing rules are seeded into that deployment's database by `flask seed`."""

import csv
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from meldpunt.geo import LatLon

DATA_DIR = Path(__file__).parent / "data"
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class QueueSeed:
    code: str
    name_nl: str
    name_en: str
    is_field: bool = False
    # Who acts on this queue and who only reads it (role codes of staff/roles.py): profile data, because the
    # municipalities organise their teams differently. None: the field or policy team, by `is_field`.
    handled_by: tuple[str, ...] | None = None
    read_by: tuple[str, ...] = ()


# Role codes as in staff/roles.py (not imported: staff depends on reports, which depend on profiles).
FIELD_COORDINATOR_ROLE = "tnh-coordinator"
POLICY_ROLE = "oov"


@dataclass(frozen=True)
class RuleSeed:
    description: str
    queue: str
    kinds: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    area_kinds: tuple[str, ...] | None = None
    max_minutes_since_incident: int | None = None
    field_team_on_duty: bool | None = None
    in_risk_zone: bool | None = None


@dataclass(frozen=True)
class ServicePeriod:
    """The field team is on duty on `weekday` (0 = Monday) from `start`; `end` at or before `start` means the
    shift runs past midnight."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class Hotspot:
    """A place demo data clusters around (station, nightlife street, a dark path)."""

    label: str
    lat: float
    lon: float
    spread_m: int
    weight: int
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class DemoEvent:
    """An event for the demo data (meldpunt/events/demo.py): a dorp, or a circle around a point; the latest
    `weekday` (0 = Monday) at least `days_ago` days back, or the latest `on_date` (month, day); from `start` for
    `hours`."""

    name: str
    start: time
    hours: float
    days_ago: int = 0
    weekday: int | None = None
    on_date: tuple[int, int] | None = None
    dorp: str | None = None
    centre: tuple[float, float] | None = None  # lat, lon
    radius_m: int = 500


@dataclass(frozen=True)
class HelpContact:
    """Where a person is sent for help (a service's name, number and page). `assumed` marks a fact not yet
    confirmed by the municipality (README, "Profiles")."""

    name: str
    phone: str | None = None
    url: str | None = None
    assumed: bool = False


@dataclass(frozen=True)
class FieldTeam:
    """A team that works in the street from field mode (DESIGN §1, §8), with its own queue: Emmen's boa's (TNH) and
    straatcoaches (youth nuisance). A field worker belongs to one team (staff_user.field_team) and sees only its
    queue. How its people are named: `label` as the municipality says it (boa, straatcoach, toezichthouder), `title`
    the role as staff read it, `worker` one person (a form's field label)."""

    code: str
    queue: str
    label: str
    title: str
    worker: str


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    cbs_code: str
    queues: tuple[QueueSeed, ...]
    rules: tuple[RuleSeed, ...]
    field_role_label: str
    service_hours: tuple[ServicePeriod, ...]
    partners: tuple[str, ...]
    municipality_phone: str
    public_space_url: str
    map_center: tuple[float, float]  # lat, lon
    map_zoom: int
    brand_colour: str
    reference_prefix: str
    hotspots: tuple[Hotspot, ...] = field(default=())
    demo_events: tuple[DemoEvent, ...] = field(default=())
    # How the field worker is named on staff pages: the role's label, and one person (a form's field label).
    field_role_title: str = _l("Field officer (boa)")
    field_worker: str = _l("Field officer")
    # Roles with the regie: they read every queue (Emmen: OOV, DESIGN §1).
    regie_roles: tuple[str, ...] = (POLICY_ROLE,)
    # The municipality's own numbers for the situations of reports/elsewhere.py, by their code; a code not
    # named here keeps the national number.
    help_numbers: dict[str, HelpContact] = field(default_factory=dict, hash=False)
    # Offered on the form when a reporter answers that they are worried about the person (verward gedrag).
    care_contact: HelpContact | None = None
    # The partner list is not yet confirmed by the municipality (README, "Profiles").
    partners_assumed: bool = False
    # The field teams, the first the default (a field worker without a team is in it). Empty: one team per field
    # queue, named by field_role_label, field_role_title and field_worker.
    field_teams: tuple[FieldTeam, ...] = ()

    def __post_init__(self):
        if not self.field_teams:
            label, title, worker = self.field_role_label, self.field_role_title, self.field_worker
            teams = tuple(FieldTeam(label, q.code, label, title, worker) for q in self.queues if q.is_field)
            object.__setattr__(self, "field_teams", teams)

    def field_team(self, code: str | None) -> FieldTeam | None:
        """The team of that code; an unknown or empty code: the default (first) team. None: no field team."""
        return next((t for t in self.field_teams if t.code == code), self.field_teams[0] if self.field_teams else None)

    def field_team_of_queue(self, queue_code: str) -> FieldTeam | None:
        return next((t for t in self.field_teams if t.queue == queue_code), None)

    def field_worker_of_queue(self, queue_code: str) -> str:
        """One person of the queue's field team (Boa, Straatcoach, Toezichthouder), as a form's field label."""
        team = self.field_team_of_queue(queue_code)
        return str(team.worker if team else self.field_worker)

    def queue_access(self, code: str, is_field: bool) -> tuple[frozenset[str], frozenset[str]]:
        """(roles that read, roles that act) for a queue: the queue's seed in this profile, else by its kind.
        Whoever acts also reads; `regie_roles` read every queue."""
        seed = next((q for q in self.queues if q.code == code), None)
        handlers = seed.handled_by if seed and seed.handled_by is not None else None
        if handlers is None:
            handlers = (FIELD_COORDINATOR_ROLE,) if is_field else (POLICY_ROLE,)
        readers = set(handlers) | set(self.regie_roles) | set(seed.read_by if seed else ())
        return frozenset(readers), frozenset(handlers)

    def queue_name(self, code: str) -> str:
        return next(q.name_nl for q in self.queues if q.code == code)

    def field_team_on_duty(self, moment: datetime) -> bool:
        local = moment.astimezone(LOCAL_TZ)
        for period in self.service_hours:
            start = datetime.combine(local.date(), period.start, LOCAL_TZ)
            # A shift that started yesterday may still run now.
            for day_offset in (0, -1):
                shift_start = start + timedelta(days=day_offset)
                if shift_start.weekday() != period.weekday:
                    continue
                shift_end = datetime.combine(shift_start.date(), period.end, LOCAL_TZ)
                if period.end <= period.start:
                    shift_end += timedelta(days=1)
                if shift_start <= local < shift_end:
                    return True
        return False


def _every_day(start: str, end: str, *, except_days: tuple[int, ...] = ()) -> tuple[ServicePeriod, ...]:
    return tuple(
        ServicePeriod(day, time.fromisoformat(start), time.fromisoformat(end))
        for day in range(7)
        if day not in except_days
    )


FIELD_OVERLAST = (
    "jeugd", "alcohol", "geluid", "vernieling", "wildplassen", "station_uitgaan", "parkeren", "lachgas",
)  # fmt: skip


YOUTH_NUISANCE = ("jeugd",)


# The default routing of DESIGN §3, for a profile with a policy queue and a field queue; `youth_queue`: a field team
# of its own for youth nuisance (Emmen's straatcoaches), else the field queue has it.
def _two_queue_rules(policy: str, field_queue: str, youth_queue: str | None = None) -> tuple[RuleSeed, ...]:
    youth = (RuleSeed("Jeugdoverlast: straatcoaches", youth_queue, categories=YOUTH_NUISANCE),) if youth_queue else ()
    return (
        RuleSeed("Verdachte situatie: casustafel ondermijning", policy, kinds=("verdachte_situatie",)),
        RuleSeed(
            "Straatintimidatie, nu of < 1 uur geleden, boa's in dienst",
            field_queue,
            kinds=("straatintimidatie",),
            max_minutes_since_incident=60,
            field_team_on_duty=True,
        ),
        RuleSeed(
            "Straatintimidatie in een actief risicogebied, boa's in dienst",
            field_queue,
            kinds=("straatintimidatie",),
            field_team_on_duty=True,
            in_risk_zone=True,
        ),
        RuleSeed("Overige straatintimidatie: patroon en hotspots", policy, kinds=("straatintimidatie",)),
        RuleSeed(
            "Overlast openbare ruimte die nu speelt, buiten diensttijd: volgende werkdag",
            policy,
            categories=FIELD_OVERLAST,
            max_minutes_since_incident=60,
            field_team_on_duty=False,
        ),
        *youth,
        RuleSeed("Overlast in de openbare ruimte: toezicht", field_queue, categories=FIELD_OVERLAST),
        RuleSeed("Drugshandel, verward gedrag, woonoverlast, verkeer: procesregie", policy, kinds=("overlast",)),
        RuleSeed("Onveilige plek: in kaart brengen", policy, kinds=("onveilige_plek",)),
        RuleSeed("Al het andere", policy),
    )


# The partners a report can be passed on to (DESIGN §4), per municipality. Emmen's from its plan (woonteam,
# casustafel ondermijning); Coevorden's and Midden-Drenthe's are assumed until they confirm them (README).
EMMEN_PARTNERS = (
    "politie", "veilig_thuis", "zorg_en_veiligheidshuis", "woonteam", "buurtbemiddeling", "jongerenwerk",
    "woningcorporatie", "casustafel_ondermijning", "andere_gemeente",
)  # fmt: skip
COEVORDEN_PARTNERS = (
    "politie", "veilig_thuis", "zorg_en_veiligheidshuis", "sociaal_team", "buurtbemiddeling", "jongerenwerk",
    "woningcorporatie", "riec", "andere_gemeente",
)  # fmt: skip
# No casustafel: Midden-Drenthe plans its own meldpunt ondermijning; until then the regional RIEC.
MIDDEN_DRENTHE_PARTNERS = (
    "politie", "veilig_thuis", "zorg_en_veiligheidshuis", "sociaal_team", "buurtbemiddeling", "jongerenwerk",
    "woningcorporatie", "riec", "andere_gemeente",
)  # fmt: skip

PROFILES: dict[str, Profile] = {
    p.code: p
    for p in (
        Profile(
            code="emmen",
            name="Emmen",
            cbs_code="GM0114",
            queues=(
                QueueSeed("OOV", "Openbare Orde en Veiligheid", "Public Order and Safety"),
                QueueSeed("TNH", "Toezicht en Handhaving", "Supervision and Enforcement", is_field=True),
                QueueSeed("STRAATCOACH", "Straatcoaches", "Street coaches", is_field=True),
            ),
            rules=_two_queue_rules("OOV", "TNH", youth_queue="STRAATCOACH"),
            field_role_label="boa",
            # Two field teams: the boa's supervise public space, the straatcoaches take youth nuisance.
            field_teams=(
                FieldTeam("boa", "TNH", "boa", _l("Field officer (boa)"), _l("Field officer")),
                FieldTeam(
                    "straatcoach", "STRAATCOACH", "straatcoach", _l("Street coach (straatcoach)"), _l("Street coach")
                ),
            ),  # fmt: skip
            # Assumed until Emmen confirms its rosters: late shifts on Friday and Saturday for the nightlife area.
            service_hours=_every_day("08:00", "23:00", except_days=(4, 5))
            + (ServicePeriod(4, time(8), time(3)), ServicePeriod(5, time(8), time(3))),
            partners=EMMEN_PARTNERS,
            municipality_phone="14 0591",
            public_space_url="https://gemeente.emmen.nl/melding-openbare-ruimte",  # assumed: to confirm
            map_center=(52.7858, 6.8975),
            map_zoom=14,
            brand_colour="#00652e",
            reference_prefix="EMN",
            help_numbers={
                "openbare_ruimte": HelpContact(
                    "Gemeente Emmen", "14 0591", "https://gemeente.emmen.nl/melding-openbare-ruimte", assumed=True
                ),
            },
            care_contact=HelpContact(
                "Meldpunt zorg en overlast Emmen", "14 0591", "https://gemeente.emmen.nl/zorg-en-overlast", assumed=True
            ),
            hotspots=(
                Hotspot("Station Emmen", 52.7870, 6.8990, 150, 5, ("straatintimidatie", "overlast")),
                Hotspot("Uitgaansgebied Marktplein", 52.7838, 6.8960, 120, 6, ("straatintimidatie", "overlast")),
                Hotspot("Raadhuisplein", 52.7858, 6.8975, 150, 3, ("overlast", "straatintimidatie")),
                Hotspot("Pad langs de Emmerdennen", 52.7905, 6.9160, 250, 3, ("onveilige_plek",)),
                Hotspot("Emmerhout", 52.7730, 6.9300, 400, 2, ("overlast", "onveilige_plek")),
                Hotspot("Angelslo", 52.7740, 6.9080, 400, 2, ("overlast", "onveilige_plek")),
            ),
            # Approximate places and dates, for the demo only.
            demo_events=(
                DemoEvent("Koningsdag", time(9), 15, on_date=(4, 27), dorp="Emmen"),
                DemoEvent(
                    "TT-weekend: feest in het centrum",
                    time(18),
                    54,
                    days_ago=30,
                    weekday=4,
                    centre=(52.7840, 6.8965),
                    radius_m=600,
                ),
                DemoEvent(
                    "FC Emmen thuiswedstrijd",
                    time(18, 30),
                    5,
                    days_ago=7,
                    weekday=4,
                    centre=(52.7830, 6.9060),
                    radius_m=1200,
                ),
                DemoEvent(
                    "FC Emmen thuiswedstrijd",
                    time(18, 30),
                    5,
                    days_ago=21,
                    weekday=4,
                    centre=(52.7830, 6.9060),
                    radius_m=1200,
                ),
            ),  # fmt: skip
        ),
        Profile(
            code="coevorden",
            name="Coevorden",
            cbs_code="GM0109",
            queues=(
                QueueSeed("OOV", "Openbare Orde en Veiligheid", "Public Order and Safety"),
                QueueSeed("TNH", "Toezichthouders en boa's", "Enforcement officers", is_field=True),
            ),
            rules=_two_queue_rules("OOV", "TNH"),
            field_role_label="toezichthouder",
            field_role_title=_l("Enforcement officer (toezichthouder or boa)"),
            field_worker=_l("Enforcement officer"),
            service_hours=_every_day("08:00", "22:00"),
            partners=COEVORDEN_PARTNERS,
            partners_assumed=True,
            municipality_phone="14 0524",
            public_space_url="https://www.coevorden.nl/melding-openbare-ruimte",  # assumed: to confirm
            map_center=(52.661, 6.742),
            map_zoom=14,
            brand_colour="#005a9c",
            reference_prefix="COE",
            help_numbers={
                "openbare_ruimte": HelpContact(
                    "Gemeente Coevorden", "14 0524", "https://www.coevorden.nl/melding-openbare-ruimte", assumed=True
                ),
            },
            care_contact=HelpContact(
                "Sociaal Team Coevorden", "14 0524", "https://www.coevorden.nl/sociaal-team", assumed=True
            ),
            hotspots=(
                Hotspot("Station Coevorden", 52.6585, 6.7420, 150, 4, ("straatintimidatie", "overlast")),
                Hotspot("Centrum Coevorden", 52.6610, 6.7420, 150, 4, ("overlast", "straatintimidatie")),
                Hotspot("Dalen", 52.6990, 6.7570, 300, 2, ("overlast", "onveilige_plek")),
            ),
        ),
        Profile(
            code="midden-drenthe",
            name="Midden-Drenthe",
            cbs_code="GM1731",
            # One team that both acts (desk and field) and analyses: its coordinators and its policy officers
            # both handle the one queue.
            queues=(
                QueueSeed(
                    "VEILIGHEID",
                    "Team Veiligheid",
                    "Safety team",
                    is_field=True,
                    handled_by=(FIELD_COORDINATOR_ROLE, POLICY_ROLE),
                ),
            ),  # fmt: skip
            rules=(RuleSeed("Alle meldingen: Team Veiligheid", "VEILIGHEID"),),
            field_role_label="boa",
            service_hours=_every_day("08:00", "17:00", except_days=(5, 6)),
            partners=MIDDEN_DRENTHE_PARTNERS,
            partners_assumed=True,
            municipality_phone="0593 539 222",
            public_space_url="https://www.middendrenthe.nl/melding-openbare-ruimte",  # assumed: to confirm
            map_center=(52.862, 6.513),
            map_zoom=14,
            brand_colour="#7a1f5c",
            reference_prefix="MDR",
            help_numbers={
                "openbare_ruimte": HelpContact(
                    "Gemeente Midden-Drenthe",
                    "0593 539 222",
                    "https://www.middendrenthe.nl/melding-openbare-ruimte",
                    assumed=True,
                ),
            },
            care_contact=HelpContact(
                "Meldpunt zorgwekkend gedrag", "0800-1205", "https://www.meldpuntzorgwekkendgedrag.nl", assumed=True
            ),
            hotspots=(
                Hotspot("Station Beilen", 52.8600, 6.5140, 150, 4, ("straatintimidatie", "overlast")),
                Hotspot("Centrum Beilen", 52.8620, 6.5130, 150, 3, ("overlast",)),
                Hotspot("Westerbork", 52.8500, 6.6080, 300, 2, ("overlast", "onveilige_plek")),
            ),
        ),
    )
}

PARTNER_LABELS = {
    "politie": _l("Police"),
    "veilig_thuis": _l("Veilig Thuis Drenthe"),
    "zorg_en_veiligheidshuis": _l("Zorg- en Veiligheidshuis"),
    "woonteam": _l("Housing team"),
    "buurtbemiddeling": _l("Neighbourhood mediation"),
    "jongerenwerk": _l("Youth work"),
    "woningcorporatie": _l("Housing association"),
    "casustafel_ondermijning": _l("Casustafel ondermijning"),
    "sociaal_team": _l("Social team"),
    "riec": _l("RIEC Noord-Nederland (undermining)"),
    "andere_gemeente": _l("Another municipality"),
}


def get_profile(code: str) -> Profile:
    try:
        return PROFILES[code]
    except KeyError:
        raise KeyError(f"unknown profile {code!r}; choose one of {', '.join(PROFILES)}") from None


def current_profile() -> Profile:
    return get_profile(current_app.config["PROFILE"])


def village_centres(cbs_code: str) -> list[tuple[str, LatLon]]:
    """The towns and villages of a municipality with their approximate centres (plaatsen-drenthe.csv)."""
    with open(DATA_DIR / "plaatsen-drenthe.csv", encoding="utf-8", newline="") as handle:
        return [
            (row["plaats"], LatLon(float(row["lat"]), float(row["lon"])))
            for row in csv.DictReader(handle)
            if row["gemeente_code"] == cbs_code
        ]
