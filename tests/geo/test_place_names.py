"""A position in words (geo/place_names.py): the nearest address from PDOK's reverse lookup when configured, else
the nearest place of the offline gazetteer, found by the database."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_babel import force_locale

from meldpunt.geo import LatLon
from meldpunt.geo.place_names import describe_location
from tests.fixtures.browser import free_port

KLAZIENAVEEN = LatLon(52.7260, 6.9930)  # a little off the gazetteer's centre of Klazienaveen
EMMEN_MARKET = LatLon(52.7840, 6.8955)


class _ReversePdok(BaseHTTPRequestHandler):
    """Answers like PDOK Locatieserver v3.1's /reverse (response shape as published)."""

    queries: list = []
    distance = 8.4

    def do_GET(self):  # noqa: N802
        _ReversePdok.queries.append((urlsplit(self.path).path, parse_qs(urlsplit(self.path).query)))
        body = {"response": {"numFound": 1, "docs": [
            {"weergavenaam": "Marktplein 3, 7811AN Emmen", "type": "adres", "afstand": _ReversePdok.distance},
        ]}}  # fmt: skip
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def reverse_pdok():
    port = free_port()
    server = HTTPServer(("127.0.0.1", port), _ReversePdok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/bzk/locatieserver/search/v3_1"
    server.shutdown()
    server.server_close()


def test_without_pdok_the_nearest_gazetteer_place_is_named(app):
    with force_locale("nl"):
        assert describe_location(KLAZIENAVEEN) == "bij Klazienaveen, Emmen"
        assert describe_location(EMMEN_MARKET) == "bij Emmen"
    with force_locale("en"):
        assert describe_location(KLAZIENAVEEN) == "near Klazienaveen, Emmen"


def test_with_pdok_the_nearest_address_is_named(make_app, reverse_pdok):
    app = make_app(GEOCODER="pdok", PDOK_LOCATIESERVER_URL=reverse_pdok)
    with app.app_context(), force_locale("nl"):
        _ReversePdok.distance = 8.4
        assert describe_location(EMMEN_MARKET) == "Marktplein 3, 7811AN Emmen"
        path, query = _ReversePdok.queries[-1]
        assert path.endswith("/reverse")
        assert (float(query["lat"][0]), float(query["lon"][0])) == (EMMEN_MARKET.lat, EMMEN_MARKET.lon)
        _ReversePdok.distance = 140.0  # the nearest address is a street away: "near" it
        assert describe_location(EMMEN_MARKET) == "bij Marktplein 3, 7811AN Emmen"


def test_when_pdok_does_not_answer_the_gazetteer_names_the_place(make_app):
    app = make_app(GEOCODER="pdok", PDOK_LOCATIESERVER_URL=f"http://127.0.0.1:{free_port()}")  # nothing listens
    with app.app_context(), force_locale("nl"):
        assert describe_location(KLAZIENAVEEN) == "bij Klazienaveen, Emmen"
