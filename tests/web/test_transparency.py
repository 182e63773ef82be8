"""The public figures page: only counts of at least five, never a single report, never a restricted one. Tested by
scanning everything it serves."""

import json
from datetime import timedelta

import pytest

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.reports.submission import submit_report
from tests.analysis.test_hotspots import CENTRE, PARK, STATION, offset

SECRET = "Jan de Vries riep dit"


@pytest.fixture
def reports(app, new_report):
    now = utcnow()
    # Six straatintimidatie reports at the station: one cell of at least five.
    for i in range(6):
        lat, lon = offset(STATION, -i * 5, 0)
        submit_report(new_report(lat=lat, lon=lon, description=SECRET, email="a@example.org", email_consent=True,
                                 incident_at=now - timedelta(days=3)), now=now - timedelta(days=2))  # fmt: skip
    # Four in the centre (too few to show) and one alone in the park.
    for i in range(4):
        lat, lon = offset(CENTRE, -i * 5, 0)
        submit_report(new_report(lat=lat, lon=lon, incident_at=now - timedelta(days=3)), now=now - timedelta(days=2))
    lat, lon = PARK
    submit_report(new_report(lat=lat, lon=lon, incident_at=now - timedelta(days=3)), now=now - timedelta(days=2))
    # Restricted reports in the park: five of them would make a cell if they were counted.
    for i in range(5):
        lat, lon = offset(PARK, -i * 5, 0)
        submit_report(new_report(kind="verdachte_situatie", category_code="hennep", lat=lat, lon=lon,
                                 description="Hennepkwekerij"), now=now - timedelta(days=2))  # fmt: skip
    db.session.commit()


def test_the_map_shows_only_cells_of_at_least_five(client, reports):
    cells = json.loads(client.get("/cijfers/cellen.geojson").get_data())
    assert [f["properties"]["count"] for f in cells["features"]] == [6]


def test_the_page_needs_no_sign_in_and_holds_nothing_personal(client, reports):
    page = client.get("/cijfers/")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "geen politieregistraties" in body
    assert "minder dan 5" in body or "minder dan" in body
    for secret in (SECRET, "a@example.org", "Hennepkwekerij", "hennep"):
        assert secret not in body
    cells = client.get("/cijfers/cellen.geojson").get_data(as_text=True)
    for secret in (SECRET, "a@example.org", "hennep"):
        assert secret not in cells
    assert "/cijfers/" in client.get("/").get_data(as_text=True)  # linked from every page's footer
