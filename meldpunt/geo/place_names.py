"""A position in words, for people: "Hoofdstraat 12, 7811 EP Emmen" or "near Klazienaveen, Emmen".

    describe_location(LatLon(52.726, 6.993)) -> "near Klazienaveen, Emmen"   (None when nothing can be said)

With GEOCODER = "pdok" the nearest address comes from PDOK Locatieserver's reverse lookup
(<PDOK_LOCATIESERVER_URL>/reverse); otherwise, or when PDOK does not answer, the nearest place of the profile's
offline gazetteer (plaatsen-drenthe.csv), found by the database. The text is in the current locale. Used by the
reporter's review and by field mode ("where, in words"); needs an app context."""

import json
import urllib.parse
import urllib.request

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.geo.geocoder import GazetteerGeocoder, GeocoderUnavailable
from meldpunt.geo.spatial import planar_distance, point, to_rd
from meldpunt.profiles import Profile, current_profile

# An address further away than this is "near" it rather than at it.
AT_ADDRESS_M = 25


def describe_location(position: LatLon) -> str | None:
    """The nearest address (PDOK, when configured) or place (gazetteer) to `position`, in words; None when
    there is none."""
    config, profile = current_app.config, current_profile()
    if config.get("GEOCODER") == "pdok":
        try:
            if (address := pdok_reverse(position, config["PDOK_LOCATIESERVER_URL"])) is not None:
                return address
        except GeocoderUnavailable:
            current_app.logger.warning("PDOK reverse lookup unavailable; the gazetteer names the place")
    return near_place(nearest_gazetteer_place(position, profile))


def nearest_gazetteer_place(position: LatLon, profile: Profile) -> str | None:
    """The label of the profile's gazetteer place nearest to `position` (distance in RD metres, by the database)."""
    candidates = _gazetteer_places(profile)
    if candidates is None:
        return None
    nearest = (
        sa.select(candidates.c.label)
        .order_by(planar_distance(candidates.c.rd, to_rd(point(position))), candidates.c.label)
        .limit(1)
    )
    return place_label(db.session.scalar(nearest))


def nearest_place_labels(points: sa.Select, profile: Profile) -> dict:
    """For `points`, a select of (key, rd) rows with RD points, the raw label ("Klazienaveen, Emmen") of the gazetteer
    place nearest to each, by key: one statement for a whole page (a window, not a correlated subquery, which
    SQLite does not allow into a UNION)."""
    candidates = _gazetteer_places(profile)
    if candidates is None:
        return {}
    points = points.subquery()
    rank = sa.func.row_number().over(
        partition_by=points.c.key, order_by=(planar_distance(candidates.c.rd, points.c.rd), candidates.c.label)
    )
    ranked = sa.select(points.c.key, candidates.c.label, rank.label("rank")).join_from(points, candidates, sa.true())
    ranked = ranked.subquery()
    return dict(db.session.execute(sa.select(ranked.c.key, ranked.c.label).where(ranked.c.rank == 1)).all())


def _gazetteer_places(profile: Profile):
    """The profile's gazetteer places as rows (label, rd) for the database to measure; None when there are none."""
    places = GazetteerGeocoder(profile).places
    if not places:
        return None
    return sa.union_all(
        *(
            sa.select(sa.literal(place.label).label("label"), to_rd(point(LatLon(place.lat, place.lon))).label("rd"))
            for place in places
        )
    ).subquery()


def place_label(label: str | None) -> str | None:
    """A gazetteer label as people say it: "Emmen", not "Emmen, Emmen"."""
    if label is None:
        return None
    place, _comma, municipality = label.partition(", ")
    return place if place == municipality else label


def near_place(label: str | None) -> str | None:
    """ "near Klazienaveen, Emmen": a place, never an address."""
    return None if label is None else _("near %(place)s", place=place_label(label))


def pdok_reverse(position: LatLon, base_url: str, timeout_s: float = 3.0) -> str | None:
    """PDOK Locatieserver v3.1 `reverse`: the nearest address's display name, "near ..." beyond AT_ADDRESS_M."""
    params = urllib.parse.urlencode(
        {"lat": position.lat, "lon": position.lon, "type": "adres", "rows": 1, "fl": "weergavenaam,afstand"}
    )
    try:
        with urllib.request.urlopen(f"{base_url.rstrip('/')}/reverse?{params}", timeout=timeout_s) as response:
            payload = json.load(response)
    except (OSError, ValueError) as exc:
        raise GeocoderUnavailable(str(exc)) from exc
    docs = payload.get("response", {}).get("docs", [])
    if not docs or not docs[0].get("weergavenaam"):
        return None
    name, distance = docs[0]["weergavenaam"], docs[0].get("afstand")
    if isinstance(distance, (int, float)) and distance > AT_ADDRESS_M:
        return _("near %(place)s", place=name)
    return name
