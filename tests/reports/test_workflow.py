"""The life of a report (DESIGN §4), enforced in the domain layer."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.reports import workflow
from meldpunt.reports.models import Queue, Report, StateChange
from meldpunt.reports.submission import submit_report
from meldpunt.staff.models import AuditEntry


@pytest.fixture
def tnh_report(app, new_report, at):
    """A field report in the TNH queue (vernieling, two days ago)."""
    receipt = submit_report(
        new_report(kind="overlast", category_code="vernieling", incident_at=utcnow() - timedelta(days=2))
    )
    db.session.commit()
    return db.session.get(Report, receipt.report_id)


@pytest.fixture
def oov_report(app, new_report):
    receipt = submit_report(new_report(kind="onveilige_plek", category_code="donker"))
    db.session.commit()
    return db.session.get(Report, receipt.report_id)


def test_take_assign_plan_close_reopen_is_recorded(tnh_report, staff):
    tnh, boa = staff["tnh"], staff["boa"]
    workflow.take_in_handling(tnh_report, tnh)
    workflow.assign_to_boa(tnh_report, boa, tnh)
    workflow.plan(tnh_report, utcnow() + timedelta(hours=3), tnh)
    workflow.close_with_outcome(tnh_report, "opgelost", "Er is een boa langs geweest.", tnh)
    workflow.reopen(tnh_report, "Melder zegt dat het doorgaat", tnh)
    db.session.commit()
    events = [(h.event, h.to_state, h.actor) for h in tnh_report.history]
    assert events == [
        ("created", "nieuw", "melder"),
        ("state", "in_behandeling", tnh.name),
        ("assign", "in_behandeling", tnh.name),
        ("plan", "ingepland", tnh.name),
        ("close", "afgehandeld", tnh.name),
        ("reopen", "heropend", tnh.name),
    ]
    assert tnh_report.messages[0].body == "Er is een boa langs geweest."
    assert tnh_report.first_response_at is not None
    actions = set(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.report_id == tnh_report.id)))
    assert {"report_state", "report_assign", "report_close", "report_reopen"} <= actions


@pytest.mark.parametrize(
    "path, forbidden",
    [
        ([], "afgehandeld"),  # nieuw -> afgehandeld skips handling
        ([], "heropend"),
        ([], "ingepland"),
        (["in_behandeling", "afgehandeld"], "in_behandeling"),
        (["geannuleerd"], "afgehandeld"),
        (["in_behandeling", "doorgezet"], "ingepland"),
    ],
)
def test_transitions_the_workflow_does_not_allow(tnh_report, staff, path, forbidden):
    tnh = staff["tnh"]
    moves = {
        "in_behandeling": lambda: workflow.take_in_handling(tnh_report, tnh),
        "afgehandeld": lambda: workflow.close_with_outcome(tnh_report, "opgelost", "Klaar.", tnh),
        "geannuleerd": lambda: workflow.cancel(tnh_report, "test", tnh),
        "doorgezet": lambda: workflow.forward(tnh_report, "politie", None, tnh, partners=("politie",)),
        "heropend": lambda: workflow.reopen(tnh_report, "opnieuw", tnh),
        "ingepland": lambda: workflow.plan(tnh_report, utcnow(), tnh),
    }
    for step in path:
        moves[step]()
    state_before = tnh_report.state
    with pytest.raises(workflow.WorkflowError):
        moves[forbidden]()
    assert tnh_report.state == state_before


def test_closing_needs_an_outcome_and_a_message(tnh_report, staff):
    workflow.take_in_handling(tnh_report, staff["tnh"])
    with pytest.raises(workflow.WorkflowError):
        workflow.close_with_outcome(tnh_report, "", "Bericht", staff["tnh"])
    with pytest.raises(workflow.WorkflowError):
        workflow.close_with_outcome(tnh_report, "opgelost", "  ", staff["tnh"])
    assert tnh_report.state == "in_behandeling"


def test_assigning_to_someone_without_the_boa_role_is_refused(tnh_report, staff):
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.assign_to_boa(tnh_report, staff["oov"], staff["tnh"])
    assert staff["oov"].name in str(error.value)
    assert tnh_report.assigned_to is None


def test_reroute_needs_a_reason_and_keeps_it(tnh_report, staff):
    oov_queue = db.session.scalar(sa.select(Queue).where(Queue.code == "OOV"))
    with pytest.raises(workflow.WorkflowError):
        workflow.reroute(tnh_report, oov_queue, "", staff["tnh"])
    workflow.reroute(tnh_report, oov_queue, "Woonoverlast, geen straatzaak", staff["tnh"])
    db.session.commit()
    assert tnh_report.queue.code == "OOV"
    assert "TNH → OOV: Woonoverlast, geen straatzaak" in tnh_report.history[-1].reason


def test_a_coordinator_cannot_act_on_the_oov_queue_and_a_boa_not_at_the_desk(oov_report, tnh_report, staff):
    with pytest.raises(PermissionError):
        workflow.take_in_handling(oov_report, staff["tnh"])
    with pytest.raises(PermissionError):
        workflow.take_in_handling(tnh_report, staff["boa"])
    with pytest.raises(PermissionError):
        workflow.claim(oov_report, staff["boa"])  # a boa never works the OOV queue


def test_merge_into_an_original(tnh_report, staff, new_report):
    original = db.session.get(
        Report,
        submit_report(
            new_report(kind="overlast", category_code="vernieling", incident_at=utcnow() - timedelta(days=2))
        ).report_id,
    )
    workflow.merge_into(tnh_report, original, staff["tnh"])
    db.session.commit()
    assert tnh_report.state == "geannuleerd" and tnh_report.merged_into == original
    with pytest.raises(workflow.WorkflowError):
        workflow.merge_into(original, original, staff["tnh"])


def test_a_stale_version_overwrites_nothing(tnh_report, staff):
    seen_version = tnh_report.version
    workflow.take_in_handling(tnh_report, staff["tnh"])
    db.session.commit()
    with pytest.raises(workflow.StaleReport):
        workflow.cancel(tnh_report, "spam", staff["tnh"], expected_version=seen_version)
    assert tnh_report.state == "in_behandeling"


def test_history_is_append_only(tnh_report):
    line = tnh_report.history[0]
    line.reason = "rewritten"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(StateChange, line.id))
    with pytest.raises(PermissionError):
        db.session.flush()


def test_field_claim_on_site_and_close(tnh_report, staff):
    boa = staff["boa"]
    workflow.claim(tnh_report, boa)
    with pytest.raises(workflow.WorkflowError):
        workflow.claim(tnh_report, staff["boa2"])  # already claimed
    workflow.mark_on_site(tnh_report, boa)
    workflow.close_in_the_field(tnh_report, boa, "aangesproken", "Groep aangesproken, vertrokken")
    db.session.commit()
    assert tnh_report.state == "afgehandeld" and tnh_report.outcome == "aangesproken"
    assert [h.event for h in tnh_report.history][-3:] == ["claim", "on_site", "close"]
    # The reporter hears a neutral message chosen by the outcome, never the officer's internal note.
    assert tnh_report.messages[0].body == str(workflow.FIELD_MESSAGES["aangesproken"])
    assert "vertrokken" not in tnh_report.messages[0].body
    with pytest.raises(workflow.WorkflowError):
        workflow.close_in_the_field(tnh_report, boa, "niets_aangetroffen", None)


def test_the_field_outcome_selects_the_categorys_template(app, staff, make_user, new_report):
    from meldpunt.feedback.templates import template_for

    receipt = submit_report(new_report(kind="overlast", category_code="jeugd", locale="en",
                                       incident_at=utcnow() - timedelta(days=1)))  # fmt: skip
    report = db.session.get(Report, receipt.report_id)
    coach = make_user("coach", "boa", name="Sam Straatcoach", field_team="straatcoach")  # youth: the straatcoaches
    workflow.claim(report, coach)
    workflow.close_in_the_field(report, coach, "aangesproken", "Vijf jongens, rustig vertrokken")
    assert report.messages[0].body == template_for("jeugd", "aangesproken", "en").body
    assert "Young people may meet in public space" in report.messages[0].body


def test_a_sensitive_category_closed_in_the_field_tells_only_a_general_outcome(app, staff, new_report):
    from meldpunt.feedback.templates import template_for

    receipt = submit_report(new_report(kind="overlast", category_code="verward"))
    report = db.session.get(Report, receipt.report_id)
    tnh = db.session.scalar(sa.select(Queue).where(Queue.code == "TNH"))
    workflow.reroute(report, tnh, "Veld", staff["oov"])
    workflow.claim(report, staff["boa"])
    workflow.close_in_the_field(report, staff["boa"], "politie_ingeschakeld", None)
    assert report.messages[0].body == template_for("verward", "doorgezet_partner", "nl").body
    assert "politie" not in report.messages[0].body.lower()


def test_merging_a_report_that_has_duplicates_moves_them_along(tnh_report, staff, new_report):
    def another():
        incident = utcnow() - timedelta(days=2)
        receipt = submit_report(new_report(kind="overlast", category_code="vernieling", incident_at=incident))
        return db.session.get(Report, receipt.report_id)

    original, duplicate = another(), another()
    workflow.merge_into(duplicate, tnh_report, staff["tnh"])
    workflow.merge_into(tnh_report, original, staff["tnh"])
    db.session.commit()
    assert duplicate.merged_into == original
    workflow.take_in_handling(original, staff["tnh"])
    workflow.close_with_outcome(original, "opgelost", "Klaar.", staff["tnh"])
    assert [m.body for m in duplicate.messages] == ["Klaar."]
    with pytest.raises(workflow.WorkflowError):
        workflow.merge_into(another(), original, staff["tnh"])  # the original is closed now


def test_a_forwarded_duplicate_can_be_cancelled_and_a_plan_changed(tnh_report, staff):
    workflow.take_in_handling(tnh_report, staff["tnh"])
    workflow.plan(tnh_report, utcnow() + timedelta(hours=1), staff["tnh"])
    workflow.plan(tnh_report, utcnow() + timedelta(hours=5), staff["tnh"])
    workflow.forward(tnh_report, "politie", None, staff["tnh"], partners=("politie",))
    workflow.cancel(tnh_report, "Dubbel", staff["tnh"])
    assert tnh_report.state == "geannuleerd"


def test_a_withdrawn_report_cannot_be_reopened(tnh_report, staff):
    from meldpunt.privacy.retention import withdraw

    withdraw(tnh_report)
    with pytest.raises(workflow.WorkflowError):
        workflow.reopen(tnh_report, "toch", staff["tnh"])


@pytest.fixture
def safety_report(app, new_report):
    """A field report whose reporter mentioned a weapon: the safety flag."""
    receipt = submit_report(new_report(kind="overlast", category_code="vernieling", answers={"weapon": "ja"},
                                       incident_at=utcnow() - timedelta(days=1)))  # fmt: skip
    db.session.commit()
    report = db.session.get(Report, receipt.report_id)
    assert report.safety_flag
    return report


def test_claiming_a_safety_report_needs_a_deliberate_step_written_in_the_history(safety_report, staff):
    boa = staff["boa"]
    for step in (None, "", "alleen"):
        with pytest.raises(workflow.WorkflowError, match="niet alleen"):
            workflow.claim(safety_report, boa, safety_step=step)
    assert safety_report.assigned_to_id is None
    workflow.claim(safety_report, boa, safety_step="wacht_op_collega")
    db.session.commit()
    claim_line = safety_report.history[-1]
    assert claim_line.event == "claim" and claim_line.actor == "Bram Boa"
    assert claim_line.reason == "Ik wacht op een collega en ga dan"
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "report_claim")).all()
    assert len(audit) == 1


def test_handing_back_puts_the_report_in_the_queue_unassigned_with_the_reason(tnh_report, staff):
    boa = staff["boa"]
    workflow.claim(tnh_report, boa)
    workflow.mark_on_site(tnh_report, boa)
    assert workflow.may_hand_back(tnh_report, boa) and not workflow.may_hand_back(tnh_report, staff["boa2"])
    with pytest.raises(workflow.WorkflowError):
        workflow.hand_back(tnh_report, staff["boa2"], "einde_dienst")  # not theirs
    with pytest.raises(workflow.WorkflowError):
        workflow.hand_back(tnh_report, boa, "geen_zin")  # not one of the reasons
    with pytest.raises(workflow.WorkflowError):
        workflow.hand_back(tnh_report, boa, "anders", "  ")  # "other" needs its explanation
    workflow.hand_back(tnh_report, boa, "einde_dienst")
    db.session.commit()
    assert tnh_report.assigned_to_id is None and tnh_report.on_site_at is None
    assert tnh_report.state == "in_behandeling"
    line = tnh_report.history[-1]
    assert (line.event, line.reason, line.actor) == ("hand_back", "Teruggegeven: Einde dienst", "Bram Boa")
    assert not workflow.may_hand_back(tnh_report, boa)
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "report_hand_back")) is not None
    workflow.claim(tnh_report, staff["boa2"])  # a colleague can take it now
    assert tnh_report.assigned_to == staff["boa2"]
