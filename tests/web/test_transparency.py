"""The public figures page: only counts of at least five, never a single report, never a restricted one. Tested by
scanning everything it serves."""

import json
from datetime import timedelta

import pytest

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.reports import workflow
from meldpunt.reports.models import Report
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


def _closed_after(new_report, staff, days: float, *, kind: str, category_code: str, when):
    """A report made at `when` and closed `days` days later (by a user who handles both queues)."""
    receipt = submit_report(new_report(kind=kind, category_code=category_code, incident_at=when - timedelta(hours=1)),
                            now=when)  # fmt: skip
    report = db.session.get(Report, receipt.report_id)
    workflow.take_in_handling(report, staff, now=when + timedelta(hours=1))
    workflow.close_with_outcome(report, "opgelost", "Gedaan.", staff, now=when + timedelta(days=days))


def test_median_lead_times_only_from_five_closed_reports(client, make_user, new_report):
    handler = make_user("behandelaar", "oov", "tnh-coordinator")
    made = utcnow() - timedelta(days=60)
    # Five closed unsafe-place reports: the median is the middle one (4 days), not the mean (11.4 days).
    for days in (1, 2, 4, 20, 30):
        _closed_after(new_report, handler, days, kind="onveilige_plek", category_code="donker", when=made)
    submit_report(new_report(kind="onveilige_plek", category_code="donker"), now=made)  # open: no lead time
    # Four closed nuisance reports: too few to show a median.
    for days in (1, 1, 1, 1):
        _closed_after(new_report, handler, days, kind="overlast", category_code="vernieling", when=made)
    db.session.commit()
    body = client.get("/cijfers/").get_data(as_text=True)
    assert "Onveilige plek: de helft van de meldingen was binnen 4 dagen afgehandeld" in body
    assert "Overlast: de helft" not in body
    assert "Nog niet genoeg afgehandelde meldingen." not in body


def test_without_five_closed_reports_no_median_is_shown(client, make_user, new_report):
    handler = make_user("behandelaar", "oov", "tnh-coordinator")
    made = utcnow() - timedelta(days=60)
    for days in (1, 2, 3, 4):
        _closed_after(new_report, handler, days, kind="onveilige_plek", category_code="donker", when=made)
    db.session.commit()
    body = client.get("/cijfers/").get_data(as_text=True)
    assert "de helft van de meldingen" not in body
    assert "Nog niet genoeg afgehandelde meldingen." in body


def test_the_figures_are_made_once_a_day(client, reports, new_report, monkeypatch):
    from meldpunt.web import transparency

    def counts():
        return [
            f["properties"]["count"] for f in json.loads(client.get("/cijfers/cellen.geojson").get_data())["features"]
        ]

    assert counts() == [6]
    now = utcnow()
    for i in range(5):  # the centre's four become nine: a cell of its own, but only in tomorrow's figures
        lat, lon = offset(CENTRE, -i * 5 - 2, 0)
        submit_report(new_report(lat=lat, lon=lon, incident_at=now - timedelta(hours=3)), now=now - timedelta(hours=2))
    db.session.commit()
    assert counts() == [6] and "Emmen" in client.get("/cijfers/").get_data(as_text=True)
    tomorrow = transparency._today() + timedelta(days=1)
    monkeypatch.setattr(transparency, "_today", lambda: tomorrow)
    assert counts() == [9, 6]


def test_the_public_figures_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", RATELIMIT_PUBLIC_FIGURES="2 per minute")
    client = app.test_client()
    assert [client.get("/cijfers/").status_code for _ in range(3)] == [200, 200, 429]
