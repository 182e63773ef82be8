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
    if (place := nearest_gazetteer_place(position, profile)) is None:
        return None
    return _("near %(place)s", place=place)


def nearest_gazetteer_place(position: LatLon, profile: Profile) -> str | None:
    """The label of the profile's gazetteer place nearest to `position` (distance in RD metres, by the database)."""
    places = GazetteerGeocoder(profile).places
    if not places:
        return None
    candidates = sa.union_all(
        *(
            sa.select(sa.literal(place.label).label("label"), to_rd(point(LatLon(place.lat, place.lon))).label("rd"))
            for place in places
        )
    ).subquery()
    nearest = (
        sa.select(candidates.c.label)
        .order_by(planar_distance(candidates.c.rd, to_rd(point(position))), candidates.c.label)
        .limit(1)
    )
    label = db.session.scalar(nearest)
    place, _comma, municipality = label.partition(", ")
    return place if place == municipality else label  # "Emmen", not "Emmen, Emmen"


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
