"""The analysis pages as OOV uses them, and what they never show: a report's text, contact data, a restricted
report. Exports are pseudonymised and audited."""

import csv
import io
import json
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.models import Queue, Report
from meldpunt.reports.submission import submit_report
from meldpunt.staff.models import AuditEntry
from tests.analysis.test_hotspots import STATION, offset

SECRET_TEXT = "Jan de Vries uit nummer 12 riep dit"
ADDRESS = "melder.analyse@example.org"


@pytest.fixture
def reports(app, new_report):
    now = utcnow()
    for i in range(8):
        lat, lon = offset(STATION, i * 5, 0)
        submit_report(new_report(lat=lat, lon=lon, description=SECRET_TEXT, email=ADDRESS, email_consent=True,
                                 incident_at=now - timedelta(days=2)), now=now - timedelta(days=1))  # fmt: skip
    lat, lon = STATION
    submit_report(new_report(kind="verdachte_situatie", category_code="hennep", lat=lat, lon=lon,
                             description="Hennepkwekerij op zolder"))  # fmt: skip
    db.session.commit()


@pytest.fixture
def oov(client, staff, login, reports):
    login(client, staff["oov"])
    return client


def _scan(body: bytes):
    for secret in (SECRET_TEXT.encode(), ADDRESS.encode(), b"Hennepkwekerij", b"hennep"):
        assert secret not in body, secret


def test_the_overview_shows_hotspots_patterns_and_top_7(oov):
    page = oov.get("/analyse/?cel=100&afstand=50&minimum=5")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Waar en wanneer" in body and 'id="analysis-map"' in body and "js/analysis-map.js" in body
    assert "week-matrix" in body and "Maandag" in body
    assert "Naroepen, nafluiten" in body or "naroepen" in body.lower()
    assert "<td>8</td>" in body  # the cluster of eight, also without the map
    _scan(page.get_data())


def test_the_overview_clusters_once_and_draws_the_same_clusters_on_the_map(oov):
    body = oov.get("/analyse/?afstand=50&minimum=5").get_data(as_text=True)
    assert "data-clusters-url" not in body  # the map does not ask the server to cluster again
    layer = body.split('<script type="application/json" id="analysis-clusters">')[1].split("</script>")[0]
    assert [f["properties"]["count"] for f in json.loads(layer)["features"]] == [8]


def test_the_map_layers_are_geojson_without_single_reports(oov):
    grid = json.loads(oov.get("/analyse/lagen/raster.geojson?cel=250").get_data())
    assert sum(f["properties"]["count"] for f in grid["features"]) == 8
    clusters = json.loads(oov.get("/analyse/lagen/clusters.geojson?afstand=50&minimum=5").get_data())
    assert [f["properties"]["count"] for f in clusters["features"]] == [8]
    heat = oov.get("/analyse/lagen/warmte.json").get_json()
    assert sum(weight for _, _, weight in heat) == 8
    for url in ("/analyse/lagen/raster.geojson", "/analyse/lagen/clusters.geojson", "/analyse/lagen/warmte.json"):
        _scan(oov.get(url).get_data())


def test_trends_and_lead_time_pages(oov):
    trends = oov.get("/analyse/trends")
    assert trends.status_code == 200 and "Doelen" in trends.get_data(as_text=True)
    assert "Geen politieregistraties" in trends.get_data(as_text=True) or "geen politieregistraties" in trends.get_data(
        as_text=True
    )
    assert oov.get("/analyse/doorlooptijden").status_code == 200
    _scan(trends.get_data())


@pytest.mark.parametrize("fmt", ["csv", "geojson", "xlsx"])
def test_exports_are_pseudonymised_and_audited(oov, staff, fmt):
    response = oov.get(f"/analyse/export.{fmt}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    elif fmt == "geojson":
        rows = [f["properties"] for f in json.loads(body)["features"]]
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        header, *data = list(sheet.values)
        rows = [dict(zip(header, values, strict=True)) for values in data]
        body = b"".join(str(v).encode() for row in data for v in row)
    assert len(rows) == 8 and {r["soort"] for r in rows} == {"straatintimidatie"}
    assert len({r["melding"] for r in rows}) == 8
    assert all(str(r["cel_x_rd"]).endswith("50") for r in rows)  # the centre of a 100 m cell
    _scan(body)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.user_id == staff["oov"].id and fmt in entry.detail and "8 meldingen" in entry.detail


def test_the_monthly_summary_is_one_workbook(oov):
    month = (utcnow() - timedelta(days=1)).astimezone(LOCAL_TZ).strftime("%Y-%m")  # when the reports came in
    response = oov.get(f"/analyse/maandoverzicht.xlsx?maand={month}")
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Top 7", "Trends", "Doelen", "Doorlooptijden", "Hotspots"]
    assert list(workbook["Hotspots"].values)[1][0] == 8
    _scan(b"".join(str(v).encode() for sheet in workbook for row in sheet.values for v in row))


def test_unsafe_places_and_woonoverlast_pages(oov):
    unsafe = oov.get("/analyse/onveilige-plekken?plek=1-1&maatregel=2026-05-01")
    assert unsafe.status_code == 200 and "Heeft een maatregel geholpen?" in unsafe.get_data(as_text=True)
    woon = oov.get("/analyse/woonoverlast")
    assert woon.status_code == 200 and "Herhaaladressen" in woon.get_data(as_text=True)
    for page in (unsafe, woon):
        _scan(page.get_data())


def test_the_filters_keep_the_map_settings_and_the_compared_spot(oov):
    overview = oov.get("/analyse/?cel=100&afstand=50&minimum=3").get_data(as_text=True)
    for name, value in (("cel", "100"), ("afstand", "50"), ("minimum", "3")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in overview
    unsafe = oov.get("/analyse/onveilige-plekken?plek=1-1&maatregel=2026-05-01").get_data(as_text=True)
    assert '<input type="hidden" name="plek" value="1-1">' in unsafe
    assert '<input type="hidden" name="maatregel" value="2026-05-01">' in unsafe


def _sheet_rows(workbook, name):
    return list(workbook[name].values)


def test_the_monthly_summary_compares_with_the_calendar_month_before_in_the_analysts_words(client, staff, login,
                                                                                          new_report):  # fmt: skip
    # March against February: the 31 days before 1 March would reach back to 29 January and count January's report.
    for day, count in ((date(2026, 1, 30), 2), (date(2026, 2, 10), 1), (date(2026, 3, 5), 4)):
        at = datetime.combine(day, time(12), LOCAL_TZ)
        for _ in range(count):
            submit_report(new_report(lat=STATION[0], lon=STATION[1]), now=at)
    db.session.commit()
    march = db.session.scalars(sa.select(Report).where(Report.created_at >= datetime(2026, 3, 1, tzinfo=LOCAL_TZ)))
    for report in march:
        report.first_response_at = report.created_at + timedelta(hours=2)
    db.session.commit()
    login(client, staff["oov"])

    page = client.get("/analyse/").get_data(as_text=True)
    assert '<select id="summary-month" name="maand">' in page  # the analyst picks the month
    workbook = load_workbook(io.BytesIO(client.get("/analyse/maandoverzicht.xlsx?maand=2026-03").get_data()))
    assert _sheet_rows(workbook, "Top 7")[0][0] == "Maandoverzicht maart 2026"
    header, *rows = _sheet_rows(workbook, "Trends")
    assert header[:3] == ("Categorie", "Deze maand", "Vorige maand")
    naroepen = db.session.scalars(sa.select(Report).limit(1)).one().category.name("nl")
    assert [row[:3] for row in rows] == [(naroepen, 4, 1)]
    _, *lead = _sheet_rows(workbook, "Doorlooptijden")
    queue = db.session.scalars(sa.select(Report).where(Report.first_response_at.is_not(None))).first().queue
    assert [row[:2] for row in lead] == [(queue.name("nl"), naroepen)] and lead[0][2] == pytest.approx(2)
    assert queue.name("nl") != queue.code


def test_the_overdue_list_links_to_the_queues_the_user_may_open(app, client, login, make_user, reports):
    field = db.session.scalars(sa.select(Queue).where(Queue.is_field.is_(True))).first()
    for report in db.session.scalars(sa.select(Report)):
        report.queue_id, report.due_at = field.id, utcnow() - timedelta(days=1)
    db.session.commit()
    link = f'href="/medewerkers/wachtrij/{field.code}?overdue=1'
    # An analyst who also coordinates the field team opens that queue; an analyst alone has no queue to open.
    login(client, make_user("cijfers-tnh", "analist", "tnh-coordinator"))
    assert link in client.get("/analyse/doorlooptijden").get_data(as_text=True)
    analyst = app.test_client()
    login(analyst, make_user("cijfers", "analist"))
    page = analyst.get("/analyse/doorlooptijden").get_data(as_text=True)
    assert field.name("nl") in page and link not in page
