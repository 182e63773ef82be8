"""The pages polled or opened all day read a fixed number of SQL statements, however many reports they show: the
boa's field list (every phone polls it every 10 seconds) and a report's page with its nearby and merged reports.
Each report on them carries a different category, area, claimant or original, so a lazy load per row would show."""

from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
from flask import g

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.reports.models import Category, Queue, Report
from meldpunt.reports.submission import submit_report

EMMEN = (52.7858, 6.8975)
OVERLAST = ("jeugd", "alcohol", "drugs", "geluid", "verward", "woonoverlast", "vernieling", "wildplassen",
            "station_uitgaan", "lachgas", "parkeren", "verkeer", "overlast_anders")  # fmt: skip


@contextmanager
def counted_statements():
    """The SQL statements sent while the block runs. The session starts empty and the signed-in user is read
    again, as for every request in production (the tests share one app context)."""
    db.session.remove()
    g.pop("_login_user", None)
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def _file(new_report, n: int, *, lat: float, lon: float, queue: Queue | None = None) -> Report:
    """Report n: an overlast category of its own (cycling through them), at the given place."""
    now = utcnow() - timedelta(minutes=n)
    new = new_report(kind="overlast", category_code=OVERLAST[n % len(OVERLAST)], lat=lat, lon=lon,
                     incident_at=now - timedelta(hours=1))  # fmt: skip
    report = db.session.get(Report, submit_report(new, now=now).report_id)
    if queue is not None:
        report.queue_id = queue.id
    db.session.commit()
    return report


def _field_queue() -> Queue:
    return db.session.scalar(sa.select(Queue).where(Queue.is_field.is_(True)))


def _spread(new_report, first: int, count: int, boa_ids: list[int]) -> None:
    """Field reports over the town (different buurten), every third one claimed by one of the other boa's."""
    field = _field_queue()
    for n in range(first, first + count):
        report = _file(new_report, n, lat=EMMEN[0] + 0.004 * (n % 5 - 2), lon=EMMEN[1] + 0.006 * (n // 5 - 2),
                       queue=field)  # fmt: skip
        if n % 3 == 0:
            report.assigned_to_id = boa_ids[n % len(boa_ids)]
            report.state = "in_behandeling"
    db.session.commit()


def _poll(client) -> tuple[int, str]:
    with counted_statements() as statements:
        response = client.get("/veld/lijst", headers={"X-Position": f"{EMMEN[0]},{EMMEN[1]}"})
        assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_the_field_poll_reads_the_same_few_statements_for_2_or_20_reports(client, make_user, login, new_report):
    me = make_user("boa1", "boa", name="Bram Boa")
    others = [make_user(f"boa{n}", "boa", name=f"Boa {n}").id for n in range(2, 6)]
    login(client, me)
    _spread(new_report, 0, 2, others)
    few, _page = _poll(client)
    _spread(new_report, 2, 18, others)
    many, page = _poll(client)
    assert page.count('class="field-item') == 20  # all of them shown
    assert sum(f"opgepakt door Boa {n}" in page for n in range(2, 6)) >= 3
    assert many == few, f"{few} statements for 2 reports, {many} for 20"
    assert many <= 10


def _detail(client, report_id: int) -> tuple[int, str]:
    with counted_statements() as statements:
        response = client.get(f"/medewerkers/meldingen/{report_id}")
        assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def _add_around(new_report, report_id: int, first: int, count: int) -> list[str]:
    """`count` reports within 50 m of the report, each of its own category; the even ones merged into an original
    of their own elsewhere (shown on the list as "merged into ..."); as many again merged into the report. Returns
    the references of those originals."""
    field = _field_queue()
    originals = []
    for n in range(first, first + count):
        near = _file(new_report, n, lat=EMMEN[0] + 0.00003 * n, lon=EMMEN[1], queue=field)
        if n % 2 == 0:
            elsewhere = _file(new_report, n + 1, lat=EMMEN[0] + 0.01 + 0.001 * n, lon=EMMEN[1], queue=field)
            near.merged_into_id, near.state = elsewhere.id, "geannuleerd"
            originals.append(elsewhere.reference)
        merged_here = _file(new_report, n + 2, lat=EMMEN[0] - 0.01, lon=EMMEN[1] + 0.001 * n, queue=field)
        merged_here.merged_into_id, merged_here.state = report_id, "geannuleerd"
    db.session.commit()
    return originals


def test_a_report_page_reads_the_same_few_statements_for_few_or_many_nearby_and_merged(client, staff, login,
                                                                                      new_report):  # fmt: skip
    report_id = _file(new_report, 0, lat=EMMEN[0], lon=EMMEN[1], queue=_field_queue()).id
    login(client, staff["tnh"])
    _add_around(new_report, report_id, 1, 1)
    few, _page = _detail(client, report_id)
    originals = _add_around(new_report, report_id, 2, 10)
    many, page = _detail(client, report_id)
    assert all(f"samengevoegd met {reference}" in page for reference in originals) and len(originals) == 5
    merged_here = page.split('<ul class="merged">')[1].split("</ul>")[0]
    assert merged_here.count("<li>") == 11
    assert many == few, f"{few} statements with 1 nearby report, {many} with 11"
    assert many <= 25, many  # the page itself (session, user, history, action forms): none per listed report


def test_the_categories_on_the_field_list_are_those_of_the_reports(client, staff, login, new_report):
    """Eager loading must not mix up whose category is whose."""
    field = _field_queue()
    reports = [
        (r.id, r.category_id)
        for r in (
            _file(new_report, 0, lat=EMMEN[0], lon=EMMEN[1], queue=field),
            _file(new_report, 2, lat=EMMEN[0] + 0.001, lon=EMMEN[1], queue=field),
        )
    ]
    login(client, staff["boa"])
    _count, page = _poll(client)
    for report_id, category_id in reports:
        card = page.split(f'data-id="{report_id}"')[1].split("</li>")[0]
        assert db.session.get(Category, category_id).name("nl") in card


def _queue_page(client, query: str = "") -> tuple[int, str]:
    with counted_statements() as statements:
        response = client.get("/medewerkers/wachtrij/TNH" + query)
        assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_a_queue_page_reads_the_same_few_statements_for_2_or_25_reports(client, staff, make_user, login, new_report):
    """The desk reloads its queue all day: the counts are one read of queue_count, the page's rows (with their
    category, area and assignee) one statement."""
    others = [make_user(f"qboa{n}", "boa", name=f"Boa {n}").id for n in range(2, 6)]
    login(client, staff["tnh"])
    _spread(new_report, 0, 2, others)
    few, _page = _queue_page(client)
    _spread(new_report, 2, 28, others)
    many, page = _queue_page(client)
    assert page.count("data-report-row") == 25  # a full page
    assert sum(f"<td>Boa {n}</td>" in page for n in range(2, 6)) >= 3
    assert many == few, f"{few} statements for 2 reports, {many} for 25"
    assert many <= 10, many  # session with its user, queues, counts, rows, the filters' and bulk form's choices
    paged, _page = _queue_page(client, "?last=1")
    assert paged <= many + 1  # the last page asks once more whether a page follows
