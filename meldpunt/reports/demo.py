"""Synthetic reports for demos and benchmarks, filed through the same code path as real submissions.

Clusters around the profile's hotspots (station, nightlife, dark paths); evenings and weekends are busier."""

import math
import random
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.profiles import LOCAL_TZ, Profile
from meldpunt.reports.models import Category
from meldpunt.reports.submission import NewReport, submit_report

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


def _offset(lat: float, lon: float, metres: float, rng: random.Random) -> tuple[float, float]:
    angle = rng.uniform(0, 2 * math.pi)
    distance = abs(rng.gauss(0, metres / 2))
    dlat = distance * math.cos(angle) / 111_320
    dlon = distance * math.sin(angle) / (111_320 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def _moment(rng: random.Random, now: datetime, days_back: int) -> datetime:
    day = now.astimezone(LOCAL_TZ).date() - timedelta(days=rng.randrange(days_back))
    for _ in range(14):  # nudge towards busy weekdays
        if rng.random() < WEEKDAY_WEIGHTS[day.weekday()] / max(WEEKDAY_WEIGHTS):
            break
        day -= timedelta(days=1)
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    local = datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=LOCAL_TZ)
    return min(local, now - timedelta(minutes=1))


def make_demo_reports(profile: Profile, count: int, *, days_back: int = 120, seed: int | None = None) -> int:
    rng = random.Random(seed)
    now = utcnow()
    categories: dict[str, list[str]] = {}
    for code, kind in db.session.execute(
        sa.select(Category.code, Category.kind).where(Category.active.is_(True), Category.restricted.is_(False))
    ):
        categories.setdefault(kind, []).append(code)
    hotspots = list(profile.hotspots)
    made = 0
    for _ in range(count):
        spot = rng.choices(hotspots, weights=[h.weight for h in hotspots])[0]
        kind = rng.choice(spot.kinds)
        lat, lon = _offset(spot.lat, spot.lon, spot.spread_m, rng)
        reported_at = _moment(rng, now, days_back)
        delay = timedelta(minutes=rng.choice([0, 0, 5, 20, 90, 600]))
        incident_at = reported_at - delay
        submit_report(
            NewReport(
                kind=kind,
                category_code=rng.choice(categories[kind]),
                description=rng.choice(DESCRIPTIONS[kind]),
                position=LatLon(lat, lon),
                location_method=rng.choice(["gps", "map", "map"]),
                incident_is_now=delay.total_seconds() < 600,
                incident_at=incident_at,
                answers={},
                locale="nl",
                submission_key=secrets.token_urlsafe(24),
            ),
            now=reported_at,
        )
        made += 1
    db.session.flush()
    return made


DEMO_STAFF = (
    ("demo-oov", "Olga (OOV)", ["oov"]),
    ("demo-tnh", "Tess (TNH-coördinator)", ["tnh-coordinator"]),
    ("demo-boa", "Bram (boa)", ["boa"]),
    ("demo-beheer", "Bas (beheerder)", ["beheerder"]),
)


def make_demo_staff(password: str) -> list[str]:
    """One account per role for trying the staff side locally. Never on a real deployment."""
    from meldpunt.staff.accounts import create_user
    from meldpunt.staff.models import User

    made = []
    for username, name, roles in DEMO_STAFF:
        if db.session.scalar(sa.select(User.id).where(User.username == username)) is None:
            create_user(username, name, roles, password)
            made.append(username)
    db.session.flush()
    return made
