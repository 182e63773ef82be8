"""Bulk actions at the desk: every report through the single-action workflow, refusals per reference, nothing
half-done."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.reports import workflow
from meldpunt.reports.bulk_actions import apply_to_many, load_selection
from meldpunt.reports.models import Queue, Report, StateChange
from meldpunt.reports.submission import submit_report
from meldpunt.staff.models import AuditEntry


@pytest.fixture
def field_reports(app, new_report):
    def make(n):
        reports = []
        for _ in range(n):
            receipt = submit_report(new_report(kind="overlast", category_code="vernieling",
                                               incident_at=utcnow() - timedelta(days=1)))  # fmt: skip
            reports.append(db.session.get(Report, receipt.report_id))
        db.session.commit()
        return reports

    return make


def test_ten_reports_assigned_in_one_action_each_with_history_and_audit(field_reports, staff):
    reports = field_reports(10)
    result = apply_to_many("assign", [(r, r.version) for r in reports], staff["tnh"], boa=staff["boa"])
    db.session.commit()
    assert len(result.done) == 10 and result.refused == []
    ids = [r.id for r in reports]
    assert {r.assigned_to_id for r in db.session.scalars(sa.select(Report).where(Report.id.in_(ids)))} == {
        staff["boa"].id
    }
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(StateChange.report_id.in_(ids), StateChange.event == "assign")
        )
        == 10
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(AuditEntry.report_id.in_(ids), AuditEntry.action == "report_assign")
        )
        == 10
    )


def test_a_refused_report_is_named_and_left_as_it_was(field_reports, staff):
    first, closed, stale = field_reports(3)
    workflow.cancel(closed, "Test", staff["tnh"])
    db.session.commit()
    seen_version = stale.version
    workflow.take_in_handling(stale, staff["tnh"])  # a colleague, after the page was loaded
    db.session.commit()
    result = apply_to_many("close", [(first, first.version), (closed, closed.version), (stale, seen_version)],
                           staff["tnh"], outcome="opgelost")  # fmt: skip
    db.session.commit()
    refused = dict(result.refused)
    # "nieuw" cannot be closed directly; the cancelled one neither; the stale one was changed meanwhile.
    assert set(refused) == {first.reference, closed.reference, stale.reference}
    assert "Geannuleerd" in refused[closed.reference] or "Cancelled" in refused[closed.reference]
    db.session.expire_all()
    assert first.outcome is None and first.closed_at is None and first.state == "nieuw"
    assert closed.state == "geannuleerd" and closed.outcome is None


def test_close_with_one_template_in_each_reporters_language(field_reports, staff):
    reports = field_reports(2)
    for r in reports:
        workflow.take_in_handling(r, staff["tnh"])
    reports[1].locale = "en"
    db.session.commit()
    result = apply_to_many("close", [(r, r.version) for r in reports], staff["tnh"], outcome="geen_directe_actie")
    db.session.commit()
    assert len(result.done) == 2
    assert reports[0].messages[-1].body.startswith("Bedankt voor uw melding.")
    assert reports[1].messages[-1].body.startswith("Thank you for your report.")


def test_move_needs_one_reason_and_a_queue_before_anything_changes(field_reports, staff):
    reports = field_reports(2)
    oov = db.session.scalar(sa.select(Queue).where(Queue.code == "OOV"))
    with pytest.raises(workflow.WorkflowError):
        apply_to_many("reroute", [(r, r.version) for r in reports], staff["tnh"], queue=oov, reason=" ")
    result = apply_to_many("reroute", [(r, r.version) for r in reports], staff["tnh"], queue=oov, reason="Beleid")
    db.session.commit()
    assert len(result.done) == 2 and all(r.queue.code == "OOV" for r in reports)


def test_a_report_of_a_queue_the_actor_does_not_handle_is_refused(app, new_report, staff):
    receipt = submit_report(new_report(kind="onveilige_plek", category_code="donker"))  # the OOV queue
    report = db.session.get(Report, receipt.report_id)
    result = apply_to_many("take", [(report, report.version)], staff["tnh"])
    assert result.done == [] and result.refused[0][0] == report.reference
    assert report.state == "nieuw"


def test_a_selected_report_moved_to_another_queue_meanwhile_is_named_not_done(field_reports, make_user, staff):
    both = make_user("regie", "tnh-coordinator", "oov")
    kept, moved = field_reports(2)
    tnh, oov = (db.session.scalar(sa.select(Queue).where(Queue.code == code)) for code in ("TNH", "OOV"))
    workflow.reroute(moved, oov, "Geen veldwerk", both)
    db.session.commit()
    selection = load_selection(tnh, {kept.id: kept.version, moved.id: moved.version, 10**9: 1}, both)
    assert selection.reports == [(kept, kept.version)] and selection.elsewhere == [moved.reference]
    assert selection.unseen == 1  # an id that is not there
    result = apply_to_many("take", selection.reports, both, elsewhere=selection.elsewhere, unseen=selection.unseen)
    assert result.done == [kept.reference]
    assert result.refused == [(moved.reference, "niet meer in deze wachtrij")]
    assert moved.state == "nieuw"
