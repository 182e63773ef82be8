"""Finding a place without the map. An adapter: the offline gazetteer of the profile's towns serves the demo and
the tests; PDOK Locatieserver (the Dutch government's geocoder) serves production and is never called in tests."""

import csv
import json
import unicodedata
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from meldpunt.profiles import DATA_DIR, Profile


@dataclass(frozen=True)
class Place:
    label: str
    lat: float
    lon: float
    # "address": exact enough to store as the report's location; "place": centres the map, the reporter must
    # still tap the spot or describe it.
    precision: str


class GeocoderUnavailable(RuntimeError):
    pass


class Geocoder(Protocol):
    def search(self, query: str, limit: int = 8) -> list[Place]: ...


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("-", " ").strip()


class GazetteerGeocoder:
    """Towns and villages of the profile's municipality from plaatsen-drenthe.csv (approximate centres)."""

    def __init__(self, profile: Profile, csv_path: Path = DATA_DIR / "plaatsen-drenthe.csv"):
        with open(csv_path, encoding="utf-8", newline="") as handle:
            self.places = [
                Place(f"{row['plaats']}, {row['gemeente']}", float(row["lat"]), float(row["lon"]), "place")
                for row in csv.DictReader(handle)
                if row["gemeente_code"] == profile.cbs_code
            ]

    def search(self, query: str, limit: int = 8) -> list[Place]:
        wanted = _fold(query)
        if len(wanted) < 2:
            return []
        scored = []
        for place in self.places:
            name = _fold(place.label.split(",")[0])
            if name.startswith(wanted):
                scored.append((0, place.label, place))
            elif wanted in name:
                scored.append((1, place.label, place))
        return [place for _, _, place in sorted(scored)[:limit]]


class PdokGeocoder:
    """PDOK Locatieserver v3.1 `free` search, limited to the profile's municipality."""

    def __init__(self, profile: Profile, base_url: str, timeout_s: float = 4.0):
        self.base_url = base_url.rstrip("/")
        self.municipality_code = profile.cbs_code.removeprefix("GM")
        self.timeout_s = timeout_s

    def search(self, query: str, limit: int = 8) -> list[Place]:
        if len(query.strip()) < 2:
            return []
        params = urllib.parse.urlencode(
            {
                "q": query,
                "fq": f"gemeentecode:{self.municipality_code}",
                "fl": "weergavenaam,centroide_ll,type",
                "rows": limit,
            }
        )
        try:
            with urllib.request.urlopen(f"{self.base_url}/free?{params}", timeout=self.timeout_s) as response:
                payload = json.load(response)
        except (OSError, ValueError) as exc:
            raise GeocoderUnavailable(str(exc)) from exc
        places = []
        for doc in payload.get("response", {}).get("docs", []):
            wkt = doc.get("centroide_ll", "")
            if not wkt.startswith("POINT(") or not wkt.endswith(")"):
                continue
            lon, lat = (float(v) for v in wkt[len("POINT(") : -1].split())
            precision = "address" if doc.get("type") == "adres" else "place"
            places.append(Place(doc.get("weergavenaam", ""), lat, lon, precision))
        return places


def geocoder_for(config: dict, profile: Profile) -> Geocoder:
    if config.get("GEOCODER") == "pdok":
        return PdokGeocoder(profile, config["PDOK_LOCATIESERVER_URL"])
    return GazetteerGeocoder(profile)
