"""queue_count, the queue page's counts per state, is kept by the database's triggers on report: after every way a
report is stored, changed or removed it equals a count of the reports themselves, on both databases."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.privacy.retention import sweep
from meldpunt.profiles import PROFILES
from meldpunt.reports import workflow
from meldpunt.reports.demo import make_bulk_demo_reports
from meldpunt.reports.models import Category, Queue, QueueCount, Report
from meldpunt.reports.queries import QueueFilters, queue_page
from meldpunt.reports.submission import submit_report

KEYS = (Report.queue_id, Report.category_id, Report.kind, Report.state)


def _kept() -> dict[tuple, int]:
    rows = db.session.execute(
        sa.select(QueueCount.queue_id, QueueCount.category_id, QueueCount.kind, QueueCount.state, QueueCount.n)
    )
    return {tuple(key): n for *key, n in rows if n}


def _counted() -> dict[tuple, int]:
    rows = db.session.execute(sa.select(*KEYS, sa.func.count()).group_by(*KEYS))
    return {tuple(key): n for *key, n in rows}


def _assert_kept():
    db.session.expire_all()
    counted = _counted()
    assert counted, "the test needs reports"
    assert _kept() == counted


def _queue(code) -> Queue:
    return db.session.scalar(sa.select(Queue).where(Queue.code == code))


@pytest.fixture
def submitted(app, new_report):
    def submit(**values):
        receipt = submit_report(new_report(**values))
        db.session.commit()
        return db.session.get(Report, receipt.report_id)

    return submit


def test_a_submitted_report_is_counted_in_its_queue_category_and_state(submitted):
    before = _kept()
    report = submitted(kind="overlast", category_code="vernieling", incident_at=utcnow() - timedelta(days=1))
    key = (report.queue_id, report.category_id, "overlast", "nieuw")
    assert _kept() == {**before, key: before.get(key, 0) + 1}
    _assert_kept()


def test_a_bulk_insert_is_counted_and_a_later_one_adds_to_it(app):
    for _made in make_bulk_demo_reports(PROFILES["emmen"], 120, seed=3):
        db.session.commit()
    _assert_kept()
    for _made in make_bulk_demo_reports(PROFILES["emmen"], 40, seed=4):
        db.session.commit()
    _assert_kept()
    assert sum(_kept().values()) == 160


def test_state_changes_rerouting_and_merging_move_the_count(submitted, staff):
    tnh, oov = staff["tnh"], staff["oov"]
    first = submitted(kind="overlast", category_code="vernieling", incident_at=utcnow() - timedelta(days=2))
    second = submitted(kind="overlast", category_code="vernieling", incident_at=utcnow() - timedelta(days=2))
    workflow.take_in_handling(first, tnh)
    db.session.commit()
    _assert_kept()
    workflow.close_with_outcome(first, "opgelost", "Er is een boa langs geweest.", tnh)
    db.session.commit()
    _assert_kept()
    workflow.reopen(first, "Het gaat door", tnh)
    db.session.commit()
    _assert_kept()
    other = _queue("OOV") if second.queue.code != "OOV" else _queue("TNH")
    workflow.reroute(second, other, "Hoort bij het andere team", oov if other.code == "TNH" else tnh)
    db.session.commit()
    assert second.queue_id == other.id
    _assert_kept()
    third = submitted(kind="overlast", category_code="vernieling", incident_at=utcnow() - timedelta(days=2))
    workflow.merge_into(third, first, tnh if third.queue.code == "TNH" else oov)
    db.session.commit()
    assert third.state == "geannuleerd"
    _assert_kept()


def test_a_new_category_moves_the_count_and_other_changes_write_nothing(submitted):
    report = submitted(kind="overlast", category_code="vernieling", incident_at=utcnow() - timedelta(days=2))
    other = db.session.scalar(
        sa.select(Category.id).where(Category.kind == report.kind, Category.id != report.category_id).limit(1)
    )
    db.session.execute(sa.update(Report).where(Report.id == report.id).values(category_id=other))
    db.session.commit()
    _assert_kept()
    before = _kept()
    db.session.execute(sa.update(Report).values(description="Anders beschreven", safety_flag=True))
    db.session.commit()
    assert _kept() == before


def test_the_privacy_sweep_and_deleted_reports_keep_the_counts_right(app, new_report, submitted, staff):
    oov = staff["oov"]
    closed_at = utcnow() - timedelta(days=800)
    receipt = submit_report(
        new_report(kind="onveilige_plek", category_code="donker"), now=closed_at - timedelta(days=2)
    )
    old = db.session.get(Report, receipt.report_id)
    workflow.take_in_handling(old, oov, now=closed_at - timedelta(days=1))
    workflow.close_with_outcome(old, "opgelost", "De lamp is gerepareerd.", oov, now=closed_at)
    db.session.commit()
    submitted(kind="onveilige_plek", category_code="donker")
    sweep(now=utcnow())
    db.session.commit()
    assert db.session.get(Report, old.id).content_erased_at is not None  # the sweep did its work
    _assert_kept()
    # A report removed altogether (with what refers to it) leaves the counts.
    inspector = sa.inspect(db.engine)
    for table in inspector.get_table_names():
        if table != "report" and "report_id" in {c["name"] for c in inspector.get_columns(table)}:
            db.session.execute(sa.text(f"DELETE FROM {table} WHERE report_id = :id"), {"id": old.id})
    db.session.execute(sa.delete(Report).where(Report.id == old.id))
    db.session.commit()
    _assert_kept()


def test_the_queue_page_counts_come_from_the_table(submitted, staff):
    report = submitted(kind="overlast", category_code="vernieling", incident_at=utcnow() - timedelta(days=2))
    # A count row that no report backs shows on the page: the page reads the table, not the reports.
    db.session.execute(
        sa.update(QueueCount)
        .where(QueueCount.queue_id == report.queue_id, QueueCount.state == "nieuw",
               QueueCount.category_id == report.category_id)
        .values(n=QueueCount.n + 1000)
    )  # fmt: skip
    page = queue_page(report.queue, QueueFilters(state="open"), staff["oov"])
    assert page.counts.counts["nieuw"] >= 1001 and not page.counts.capped
    filtered = queue_page(report.queue, QueueFilters(state="open", safety=True), staff["oov"])
    assert filtered.counts.counts.get("nieuw", 0) < 1000
