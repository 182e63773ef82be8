"""Finding a place without the map."""

import csv
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from meldpunt.geo.geocoder import GazetteerGeocoder, GeocoderUnavailable, PdokGeocoder
from meldpunt.profiles import PROFILES
from tests.conftest import SHARED_DATA
from tests.fixtures.browser import free_port


def _shared_places(code):
    path = SHARED_DATA / "plaatsen-drenthe.csv"
    if not path.exists():
        pytest.skip("shared/data is not beside this checkout")
    with open(path, encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["gemeente_code"] == code]


@pytest.mark.parametrize("profile_code", ["emmen", "coevorden", "midden-drenthe"])
def test_every_place_of_the_profile_can_be_found_by_name(profile_code):
    profile = PROFILES[profile_code]
    geocoder = GazetteerGeocoder(profile)
    for row in _shared_places(profile.cbs_code):
        labels = [p.label for p in geocoder.search(row["plaats"])]
        assert f"{row['plaats']}, {row['gemeente']}" in labels


def test_search_ignores_case_accents_and_hyphens_and_ranks_prefix_first():
    geocoder = GazetteerGeocoder(PROFILES["emmen"])
    results = geocoder.search("emmer compascuum")
    assert results[0].label == "Emmer-Compascuum, Emmen"
    assert [p.label for p in geocoder.search("EMMEN")][0] == "Emmen, Emmen"
    assert all(p.precision == "place" for p in results)


def test_search_only_finds_places_of_the_own_municipality():
    assert GazetteerGeocoder(PROFILES["emmen"]).search("Coevorden") == []
    assert GazetteerGeocoder(PROFILES["emmen"]).search("e") == []  # too short to mean anything


class _FakePdok(BaseHTTPRequestHandler):
    """Answers like PDOK Locatieserver's /free endpoint (response shape of v3.1)."""

    queries: list = []

    def do_GET(self):  # noqa: N802
        query = parse_qs(urlsplit(self.path).query)
        _FakePdok.queries.append((urlsplit(self.path).path, query))
        body = {
            "response": {
                "numFound": 2,
                "docs": [
                    {"weergavenaam": "Raadhuisplein 1, 7811AP Emmen", "type": "adres",
                     "centroide_ll": "POINT(6.89712 52.78601)"},
                    {"weergavenaam": "Emmerhout, Emmen", "type": "wijk", "centroide_ll": "POINT(6.93 52.773)"},
                ],
            }
        }  # fmt: skip
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_pdok_adapter_parses_addresses_and_limits_to_the_municipality():
    port = free_port()
    server = HTTPServer(("127.0.0.1", port), _FakePdok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        geocoder = PdokGeocoder(PROFILES["emmen"], f"http://127.0.0.1:{port}/bzk/locatieserver/search/v3_1")
        places = geocoder.search("Raadhuisplein 1")
    finally:
        server.shutdown()
        server.server_close()
    assert places[0].label == "Raadhuisplein 1, 7811AP Emmen"
    assert (places[0].lat, places[0].lon) == (52.78601, 6.89712)
    assert places[0].precision == "address"
    assert places[1].precision == "place"
    path, query = _FakePdok.queries[-1]
    assert path.endswith("/free")
    assert query["fq"] == ["gemeentecode:0114"]
    assert query["q"] == ["Raadhuisplein 1"]


def test_pdok_adapter_reports_an_unreachable_service():
    port = free_port()  # nothing listens here
    with pytest.raises(GeocoderUnavailable):
        PdokGeocoder(PROFILES["emmen"], f"http://127.0.0.1:{port}", timeout_s=1).search("Emmen")
