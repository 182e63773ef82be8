"""The queue's filters, its map data (every filtered report, bounded) and stepping through it."""

from datetime import timedelta

import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.reports import workflow
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import Queue, Report
from meldpunt.reports.queries import QueueFilters, queue_map_data, queue_neighbours, queue_page
from meldpunt.reports.submission import submit_report


def _tnh():
    return db.session.scalar(sa.select(Queue).where(Queue.code == "TNH"))


def _reports(new_report, n, **extra):
    values = dict(kind="overlast", category_code="vernieling", incident_at=utcnow() - timedelta(days=1))
    values.update(extra)
    out = []
    for i in range(n):
        receipt = submit_report(new_report(lat=52.78 + i * 0.001, lon=6.89, **values))
        out.append(db.session.get(Report, receipt.report_id))
    db.session.commit()
    return out


def test_the_default_view_is_the_open_reports_and_alle_means_every_state(app, new_report, staff):
    reports = _reports(new_report, 3)
    workflow.cancel(reports[0], "Test", staff["tnh"])
    db.session.commit()
    default = QueueFilters.from_args({}, kinds=KINDS)
    assert default.state == "open"
    assert queue_page(_tnh(), default, staff["tnh"]).total == 2
    assert queue_page(_tnh(), QueueFilters.from_args({"state": "alle"}, kinds=KINDS), staff["tnh"]).total == 3
    assert QueueFilters.from_args({"state": "nonsense", "assignee": "x", "sort": "drop table"}).as_args() == {
        "state": "open"
    }


def test_assignee_and_safety_filters(app, new_report, staff):
    a, b, c = _reports(new_report, 3)
    workflow.assign_to_boa(a, staff["boa"], staff["tnh"])
    c.safety_flag = True
    db.session.commit()

    def refs(**args):
        page = queue_page(_tnh(), QueueFilters.from_args(args, kinds=KINDS), staff["tnh"])
        return {r.reference for r in page.items}

    assert refs(assignee=str(staff["boa"].id)) == {a.reference}
    assert refs(assignee="geen") == {b.reference, c.reference}
    assert refs(safety="1") == {c.reference}


def test_map_data_has_every_filtered_report_not_only_the_page(app, new_report, staff):
    _reports(new_report, 30)
    data = queue_map_data(_tnh(), QueueFilters(state="open"), staff["tnh"])
    assert data["grouped"] is False and len(data["features"]) == 30
    lon, lat = data["features"][0]["geometry"]["coordinates"]
    assert 52.7 < lat < 52.9 and 6.8 < lon < 7.0  # GeoJSON order


def test_map_data_beyond_the_limit_is_grouped_by_the_database(app, new_report, staff):
    _reports(new_report, 12)
    data = queue_map_data(_tnh(), QueueFilters(state="open"), staff["tnh"], limit=5)
    assert data["grouped"] is True
    assert sum(f["properties"]["count"] for f in data["features"]) == 12
    assert len(data["features"]) < 12  # 100 m apart: several reports share a 250 m cell


def test_previous_and_next_follow_the_filtered_list(app, new_report, staff):
    first, second, third = _reports(new_report, 3)
    newest_first = QueueFilters(state="open")
    assert queue_neighbours(_tnh(), newest_first, staff["tnh"], second) == (third.id, first.id)
    assert queue_neighbours(_tnh(), newest_first, staff["tnh"], third) == (None, second.id)
    oldest_first = QueueFilters(state="open", sort="oldest")
    assert queue_neighbours(_tnh(), oldest_first, staff["tnh"], second) == (first.id, third.id)
