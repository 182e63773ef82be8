"""Each report stores when its handling term ends (Report.due_at), set when it is made and again when it is
re-routed or reopened; the queue's overdue filter reads that column."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.reports import workflow
from meldpunt.reports.models import Queue, Report
from meldpunt.reports.queries import QueueFilters, queue_page
from meldpunt.reports.submission import submit_report


def _submit(new_report, now, kind="overlast", category="vernieling"):
    receipt = submit_report(new_report(kind=kind, category_code=category), now=now)
    db.session.commit()
    return db.session.get(Report, receipt.report_id)


def _overdue(queue_code, viewer, now) -> set[str]:
    queue = db.session.scalar(sa.select(Queue).where(Queue.code == queue_code))
    page = queue_page(queue, QueueFilters(overdue=True), viewer, now=now)
    return {r.reference for r in page.items}


def test_a_new_report_is_due_at_the_end_of_its_terms_last_working_day(app, new_report, at):
    # vernieling: 10 working days. Friday evening → Monday 23 Nov … Friday 4 Dec.
    report = _submit(new_report, at(2026, 11, 20, 21, 30))
    assert report.due_at == datetime(2026, 12, 4, 23, 0, tzinfo=UTC)  # midnight after Friday 4 December, CET
    donker = _submit(new_report, at(2026, 11, 20, 21, 30), kind="onveilige_plek", category="donker")  # 30 days
    assert donker.due_at == datetime(2027, 1, 5, 23, 0, tzinfo=UTC)  # without Christmas Day and New Year's Day


def test_a_category_without_a_term_is_never_due(app, new_report, at):
    receipt = submit_report(new_report(kind="verdachte_situatie", category_code="hennep"), now=at(2026, 1, 5, 10, 0))
    db.session.commit()
    assert db.session.get(Report, receipt.report_id).due_at is None


def test_the_overdue_filter_follows_working_days(app, new_report, staff, at):
    report = _submit(new_report, at(2026, 11, 20, 21, 30))  # due at the end of Friday 4 December
    late_on_friday = at(2026, 12, 4, 23, 59)
    assert _overdue("TNH", staff["tnh"], late_on_friday) == set()
    saturday = at(2026, 12, 5, 0, 1)
    assert _overdue("TNH", staff["tnh"], saturday) == {report.reference}
    # 14 calendar days after the report (the old rule would call it late after 10 calendar days).
    assert _overdue("TNH", staff["tnh"], at(2026, 12, 2, 12, 0)) == set()


def test_a_closed_report_is_not_overdue(app, new_report, staff, at):
    report = _submit(new_report, at(2026, 11, 2, 9, 0))
    workflow.take_in_handling(report, staff["tnh"], now=at(2026, 11, 3, 9, 0))
    workflow.close_with_outcome(report, "opgelost", "Er is een boa langs geweest.", staff["tnh"],
                                now=at(2026, 11, 4, 9, 0))  # fmt: skip
    db.session.commit()
    assert _overdue("TNH", staff["tnh"], at(2026, 11, 30, 12, 0)) == set()


def test_rerouting_gives_the_new_team_a_full_term(app, new_report, staff, at):
    report = _submit(new_report, at(2026, 11, 2, 9, 0))  # Monday; 10 working days: due at the end of 16 Nov
    assert _overdue("TNH", staff["tnh"], at(2026, 11, 18, 9, 0)) == {report.reference}
    oov = db.session.scalar(sa.select(Queue).where(Queue.code == "OOV"))
    workflow.reroute(report, oov, "Hoort bij OOV", staff["tnh"], now=at(2026, 11, 18, 9, 0))  # Wednesday
    db.session.commit()
    assert report.due_at == datetime(2026, 12, 2, 23, 0, tzinfo=UTC)  # Thursday 19 Nov … Wednesday 2 Dec
    assert _overdue("OOV", staff["oov"], at(2026, 11, 30, 12, 0)) == set()


@pytest.mark.parametrize("by", ["staff", "reporter"])
def test_reopening_starts_a_new_term(app, new_report, staff, at, by):
    report = _submit(new_report, at(2026, 10, 1, 9, 0))
    workflow.take_in_handling(report, staff["tnh"], now=at(2026, 10, 2, 9, 0))
    workflow.close_with_outcome(report, "opgelost", "Er is een boa langs geweest.", staff["tnh"],
                                now=at(2026, 10, 5, 9, 0))  # fmt: skip
    db.session.commit()
    reopened_at = at(2026, 11, 20, 21, 30)  # Friday evening
    if by == "staff":
        workflow.reopen(report, "Het gaat door", staff["tnh"], now=reopened_at)
    else:
        workflow.reopen_at_reporters_request(report, now=reopened_at)
    db.session.commit()
    assert report.due_at == datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
    assert _overdue("TNH", staff["tnh"], at(2026, 11, 30, 12, 0)) == set()
    assert _overdue("TNH", staff["tnh"], at(2026, 12, 7, 9, 0)) == {report.reference}


def test_recompute_due_sets_what_the_live_code_would_have_set(app, runner, new_report, staff, at):
    """After the upgrade every report lacks a due moment until `flask reports recompute-due` runs."""
    plain = _submit(new_report, at(2026, 11, 20, 21, 30))
    moved = _submit(new_report, at(2026, 11, 2, 9, 0))
    oov = db.session.scalar(sa.select(Queue).where(Queue.code == "OOV"))
    workflow.reroute(moved, oov, "Hoort bij OOV", staff["tnh"], now=at(2026, 11, 18, 9, 0))
    hidden = submit_report(new_report(kind="verdachte_situatie", category_code="hennep"), now=at(2026, 11, 3, 9, 0))
    db.session.commit()
    expected = dict(db.session.execute(sa.select(Report.id, Report.due_at)).all())
    versions = dict(db.session.execute(sa.select(Report.id, Report.version)).all())
    assert expected[moved.id] == datetime(2026, 12, 2, 23, 0, tzinfo=UTC) and expected[hidden.report_id] is None
    db.session.execute(sa.update(Report.__table__).values(due_at=None))
    db.session.commit()

    result = runner.invoke(args=["reports", "recompute-due"])
    assert result.exit_code == 0, result.output
    assert "2 reports" in result.output
    db.session.expire_all()
    assert dict(db.session.execute(sa.select(Report.id, Report.due_at)).all()) == expected
    assert dict(db.session.execute(sa.select(Report.id, Report.version)).all()) == versions  # open forms stay valid
    assert _overdue("TNH", staff["tnh"], at(2026, 12, 7, 9, 0)) == {plain.reference}
    again = runner.invoke(args=["reports", "recompute-due"])
    assert "0 reports" in again.output
