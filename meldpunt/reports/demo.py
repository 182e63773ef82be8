"""Synthetic reports for demos and benchmarks.

Clusters around the profile's hotspots (station, nightlife, dark paths); evenings and weekends are busier.
`make_demo_reports` files them through the same code path as real submissions; `make_bulk_demo_reports` draws them
the same way, gives them a life (taken up, closed with an outcome, some cancelled, a few left open too long) and
stores them in bulk (meldpunt/reports/bulk.py), for a million reports in minutes."""

import dataclasses
import functools
import itertools
import math
import random
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.feedback.receipts import REFERENCE_ALPHABET, REFERENCE_LENGTH
from meldpunt.feedback.templates import GENERIC_OUTCOMES
from meldpunt.geo import WGS84, LatLon
from meldpunt.profiles import LOCAL_TZ, Hotspot, Profile, current_profile
from meldpunt.reports.bulk import ReportRow, insert_reports
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import Category, Queue, Report, RoutingRule
from meldpunt.reports.routing import RoutingContext, rule_matches
from meldpunt.reports.submission import NewReport, submit_report
from meldpunt.reports.workflow import DESK_OUTCOMES, FIELD_OUTCOMES

DESCRIPTIONS = {
    "straatintimidatie": [
        "Een groep jongens riep mij na en floot toen ik langsliep.",
        "Een man liep een paar minuten achter mij aan en bleef opmerkingen maken.",
        "Ik werd uitgescholden bij de ingang van het station.",
        "Iemand maakte seksuele opmerkingen en gebaren naar mij en mijn vriendin.",
    ],
    "overlast": [
        "Groep jongeren met harde muziek bij de bankjes, ook na middernacht.",
        "Lachgaspatronen op straat en auto's die hard heen en weer rijden.",
        "Vernielde fietsen bij het fietsenrek, al de derde keer deze maand.",
        "Mensen die na het uitgaan wildplassen tegen de gevel.",
    ],
    "onveilige_plek": [
        "Het fietspad is 's avonds helemaal donker, twee lantaarnpalen doen het niet.",
        "Hoge struiken langs het pad, je ziet niet wie er staat.",
        "Verlaten tunneltje zonder verlichting, ik fiets liever om.",
    ],
}
# Relative weight of each local hour (0-23) and weekday (0 = Monday): evenings and weekends are busier.
HOUR_WEIGHTS = [3, 2, 2, 1, 1, 1, 1, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 6, 7, 8, 9, 9, 8, 5]
WEEKDAY_WEIGHTS = [4, 4, 4, 5, 7, 9, 6]
# The same weights as random.choices works them out, once (a million draws for --bulk).
_HOURS = range(24)
_HOUR_CUMULATIVE = list(itertools.accumulate(HOUR_WEIGHTS))
_WEEKDAY_CHANCE = [w / max(WEEKDAY_WEIGHTS) for w in WEEKDAY_WEIGHTS]


def _offset(lat: float, lon: float, metres: float, rng: random.Random) -> tuple[float, float]:
    angle = rng.uniform(0, 2 * math.pi)
    distance = abs(rng.gauss(0, metres / 2))
    dlat = distance * math.cos(angle) / 111_320
    dlon = distance * math.sin(angle) / (111_320 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def _moment(rng: random.Random, now: datetime, days_back: int) -> datetime:
    day = now.astimezone(LOCAL_TZ).date() - timedelta(days=rng.randrange(days_back))
    for _ in range(14):  # nudge towards busy weekdays
        if rng.random() < _WEEKDAY_CHANCE[day.weekday()]:
            break
        day -= timedelta(days=1)
    hour = rng.choices(_HOURS, cum_weights=_HOUR_CUMULATIVE)[0]
    local = datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=LOCAL_TZ)
    return min(local, now - timedelta(minutes=1))


@functools.cache
def _cumulative_weights(hotspots: tuple[Hotspot, ...]) -> list[int]:
    return list(itertools.accumulate(h.weight for h in hotspots))


@dataclass(frozen=True)
class DemoReport:
    """One synthetic report as a resident would file it."""

    kind: str
    category_code: str
    description: str
    position: LatLon
    location_method: str
    reported_at: datetime
    incident_at: datetime  # ignored for a lasting condition (onveilige plek), as in a real submission
    incident_is_now: bool


def _demo_categories() -> dict[str, list[str]]:
    categories: dict[str, list[str]] = {}
    for code, kind in db.session.execute(
        sa.select(Category.code, Category.kind).where(Category.active.is_(True), Category.restricted.is_(False))
    ):
        categories.setdefault(kind, []).append(code)
    return categories


def _draw(rng: random.Random, hotspots: tuple[Hotspot, ...], categories: dict[str, list[str]], now: datetime,
          days_back: int) -> DemoReport:  # fmt: skip
    """One report: around a hotspot, at a busy hour and weekday, of a kind that happens there."""
    spot = rng.choices(hotspots, cum_weights=_cumulative_weights(hotspots))[0]
    kind = rng.choice(spot.kinds)
    lat, lon = _offset(spot.lat, spot.lon, spot.spread_m, rng)
    reported_at = _moment(rng, now, days_back)
    delay = timedelta(minutes=rng.choice([0, 0, 5, 20, 90, 600]))
    return DemoReport(
        kind=kind,
        category_code=rng.choice(categories[kind]),
        description=rng.choice(DESCRIPTIONS[kind]),
        position=LatLon(lat, lon),
        location_method=rng.choice(["gps", "map", "map"]),
        reported_at=reported_at,
        incident_at=reported_at - delay,
        incident_is_now=delay.total_seconds() < 600,
    )


def make_demo_reports(profile: Profile, count: int, *, days_back: int = 120, seed: int | None = None) -> int:
    rng = random.Random(seed)
    now = utcnow()
    categories = _demo_categories()
    hotspots = tuple(profile.hotspots)
    made = 0
    for _ in range(count):
        demo = _draw(rng, hotspots, categories, now, days_back)
        submit_report(
            NewReport(
                kind=demo.kind,
                category_code=demo.category_code,
                description=demo.description,
                position=demo.position,
                location_method=demo.location_method,
                incident_is_now=demo.incident_is_now,
                incident_at=demo.incident_at,
                answers={},
                locale="nl",
                submission_key=secrets.token_urlsafe(24),
            ),
            now=demo.reported_at,
        )
        made += 1
    db.session.flush()
    return made


# Bulk demo reports: how a report's life goes (medians; the spread is log-normal, so some take much longer).
FIRST_RESPONSE_HOURS = {True: 3.0, False: 30.0}  # by queue: the field queue is quick, the policy queue a day or so
CLOSING_SHARE_OF_TERM = 0.5  # half of the category's handling term, after the first response
CANCELLED_SHARE = 0.08  # spam, tests, duplicates
LEFT_OPEN_SHARE = 0.03  # forgotten: they show up on the overdue list
FIELD_OUTCOME_WEIGHTS = {
    "aangesproken": 30, "waarschuwing": 15, "bekeuring": 5, "niets_aangetroffen": 35, "politie_ingeschakeld": 5,
    "doorverwezen_zorg": 5, "doorverwezen_buurtbemiddeling": 5,
}  # fmt: skip
DESK_OUTCOME_WEIGHTS = {"opgelost": 35, "bredere_aanpak": 30, "geen_directe_actie": 25, "doorgezet_partner": 10}
OPEN_STATE_WEIGHTS = {"in_behandeling": 70, "ingepland": 15, "doorgezet": 15}
assert set(FIELD_OUTCOME_WEIGHTS) == set(FIELD_OUTCOMES) and set(DESK_OUTCOME_WEIGHTS) == set(DESK_OUTCOMES)


@dataclass(frozen=True)
class _Life:
    state: str
    first_response_at: datetime | None
    closed_at: datetime | None
    outcome: str | None


def _life(rng: random.Random, reported_at: datetime, *, field_queue: bool, handling_days: int, generic: bool,
          now: datetime) -> _Life:  # fmt: skip
    """Taken up after a while, closed within (usually) the handling term; what has not happened yet by `now` has
    not happened."""
    first = reported_at + timedelta(hours=FIRST_RESPONSE_HOURS[field_queue] * rng.lognormvariate(0, 1.0))
    if first > now:
        return _Life("nieuw", None, None, None)
    if rng.random() < CANCELLED_SHARE:
        return _Life("geannuleerd", first, first, None)
    median_days = max(handling_days, 1) * CLOSING_SHARE_OF_TERM
    closed = first + timedelta(days=median_days * rng.lognormvariate(0, 0.9))
    if closed > now or rng.random() < LEFT_OPEN_SHARE:
        return _Life(_weighted(rng, OPEN_STATE_WEIGHTS), first, None, None)
    if generic:
        outcome = rng.choice(GENERIC_OUTCOMES)
    else:
        outcome = _weighted(rng, FIELD_OUTCOME_WEIGHTS if field_queue else DESK_OUTCOME_WEIGHTS)
    return _Life("afgehandeld", first, closed, outcome)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass(frozen=True)
class _Rule:
    """A routing rule's conditions as plain values (routing.rule_matches reads these attributes)."""

    id: int
    queue_id: int
    kinds: list | None
    category_codes: list | None
    area_kinds: list | None
    area_codes: list | None
    max_minutes_since_incident: int | None
    field_team_on_duty: bool | None
    in_risk_zone: bool | None


_RULE_FIELDS = [f.name for f in dataclasses.fields(_Rule)]


def _router(profile: Profile) -> Callable[[RoutingContext], tuple[int, int | None, bool]]:
    """The routing rules in the database, evaluated in memory by routing.rule_matches: queue id, rule id and
    whether the reporter was told to call 112 because the field team was off duty."""
    active = sa.select(RoutingRule).where(RoutingRule.active.is_(True)).order_by(RoutingRule.position)
    rules = [_Rule(**{name: getattr(r, name) for name in _RULE_FIELDS}) for r in db.session.scalars(active)]
    fallback = db.session.scalars(sa.select(Queue).order_by(Queue.is_field, Queue.id)).first()
    if fallback is None:
        raise LookupError("no queues configured: run `flask seed`")

    def route(ctx: RoutingContext) -> tuple[int, int | None, bool]:
        rule = next((r for r in rules if rule_matches(r, ctx)), None)
        urgent_off_duty = ctx.is_recent and not ctx.field_team_on_duty and ctx.kind != "onveilige_plek"
        return (rule.queue_id if rule else fallback.id), (rule.id if rule else None), urgent_off_duty

    return route


def _on_duty_by_local_minute(profile: Profile) -> Callable[[datetime], bool]:
    """profile.field_team_on_duty, remembered per weekday and local time of day (what it depends on)."""
    known: dict[tuple[int, int, int], bool] = {}

    def on_duty(moment: datetime) -> bool:
        local = moment.astimezone(LOCAL_TZ)
        key = (local.weekday(), local.hour, local.minute)
        if key not in known:
            known[key] = profile.field_team_on_duty(moment)
        return known[key]

    return on_duty


def _references(rng: random.Random, prefix: str) -> Iterator[str]:
    """References as live reports have them, none drawn twice and none already in use."""
    used = set(db.session.scalars(sa.select(Report.reference)))
    while True:
        reference = f"{prefix}-" + "".join(rng.choices(REFERENCE_ALPHABET, k=REFERENCE_LENGTH))
        if reference not in used:
            used.add(reference)
            yield reference


def make_bulk_demo_reports(profile: Profile, count: int, *, days_back: int = 730, seed: int | None = None,
                           batch_size: int = 50_000, now: datetime | None = None) -> Iterator[int]:  # fmt: skip
    """Synthetic reports over `days_back` days, drawn as make_demo_reports draws them, with states, first
    responses, closing times and outcomes, stored in bulk (never through submit_report, never mailed). Yields the
    number made so far after each batch; the caller commits (per batch, or at the end)."""
    rng = random.Random(seed)
    now = now or utcnow()
    categories = {c.code: c for c in db.session.scalars(sa.select(Category))}
    demo_categories = _demo_categories()
    field_queues = {q.id for q in db.session.scalars(sa.select(Queue).where(Queue.is_field.is_(True)))}
    route = _router(profile)
    on_duty = _on_duty_by_local_minute(profile)
    references = _references(rng, profile.reference_prefix)
    hotspots = tuple(profile.hotspots)
    made = 0
    while made < count:
        rows = []
        for row_no in range(made, min(made + batch_size, count)):
            demo = _draw(rng, hotspots, demo_categories, now, days_back)
            category = categories[demo.category_code]
            is_incident = KINDS[demo.kind].is_incident
            incident_at = (demo.reported_at if demo.incident_is_now else demo.incident_at) if is_incident else None
            minutes = (demo.reported_at - incident_at).total_seconds() / 60 if incident_at else None
            queue_id, rule_id, urgent = route(
                RoutingContext(
                    kind=demo.kind,
                    category_code=category.code,
                    minutes_since_incident=minutes,
                    field_team_on_duty=on_duty(demo.reported_at),
                )
            )
            life = _life(rng, demo.reported_at, field_queue=queue_id in field_queues,
                         handling_days=category.typical_handling_days,
                         generic=category.privacy_level == "generic", now=now)  # fmt: skip
            rows.append(
                ReportRow(
                    row_no=row_no,
                    reference=next(references),
                    kind=demo.kind,
                    category_id=category.id,
                    queue_id=queue_id,
                    x=demo.position.lon,
                    y=demo.position.lat,
                    srid=WGS84,
                    created_at=demo.reported_at,
                    state=life.state,
                    incident_at=incident_at,
                    incident_is_now=demo.incident_is_now and is_incident,
                    first_response_at=life.first_response_at,
                    closed_at=life.closed_at,
                    outcome=life.outcome,
                    channel="web",
                    location_method=demo.location_method,
                    description=demo.description,
                    routing_rule_id=rule_id,
                    routed_outside_service_hours=urgent,
                )
            )
        insert_reports(rows, actor="systeem", reason="Demodata")
        made += len(rows)
        yield made


# (user name, name, roles, field team): a field team's account only where the profile has that team.
DEMO_STAFF = (
    ("demo-oov", "Olga (OOV)", ["oov"], None),
    ("demo-tnh", "Tess (TNH-coördinator)", ["tnh-coordinator"], None),
    ("demo-boa", "Bram (boa)", ["boa"], None),
    ("demo-straatcoach", "Sam (straatcoach)", ["boa"], "straatcoach"),
    ("demo-beheer", "Bas (beheerder)", ["beheerder"], None),
    ("demo-analist", "Anna (analist)", ["analist"], None),
)


def make_demo_staff(password: str) -> list[str]:
    """One account per role (and per field team) for trying the staff side locally. Never on a real deployment."""
    from meldpunt.staff.accounts import create_user
    from meldpunt.staff.models import User

    teams = {t.code for t in current_profile().field_teams}
    made = []
    for username, name, roles, team in DEMO_STAFF:
        if team is not None and team not in teams:
            continue
        if db.session.scalar(sa.select(User.id).where(User.username == username)) is None:
            create_user(username, name, roles, password, field_team=team)
            made.append(username)
    db.session.flush()
    return made
