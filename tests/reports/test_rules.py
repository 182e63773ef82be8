"""Facts that live in one place (issue 9, house rules 1 and 3): the safety flag, the outcomes staff may record, a
position, and the municipality check of a new report's point. Each page and command asks these; none restates them."""

import math
import re

import pytest
import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.reports import submission, workflow
from meldpunt.reports.models import Report
from meldpunt.reports.safety import mentions_danger
from meldpunt.reports.submission import submit_report


@pytest.mark.parametrize(
    "answers, flagged",
    [
        ({"weapon": "ja"}, True),
        ({"danger": "ja"}, True),
        ({"people_involved": "groep"}, True),
        ({"group_size": "groep"}, True),
        ({"weapon": "nee", "people_involved": "een"}, False),
        ({}, False),
    ],
)
def test_the_safety_flag_comes_from_the_answers_that_mention_danger(answers, flagged):
    assert mentions_danger(answers) is flagged


def test_the_stored_report_carries_the_flag_its_answers_give(app, new_report):
    flagged = submit_report(new_report(kind="overlast", category_code="jeugd", answers={"group_size": "groep"}))
    calm = submit_report(new_report(kind="overlast", category_code="jeugd", answers={}))
    assert (flagged.safety_flag, calm.safety_flag) == (True, False)


@pytest.mark.parametrize("lat, lon", [(math.nan, 6.9), (52.7, math.inf), (91, 6.9), (52.7, -181)])
def test_a_position_that_is_not_on_earth_cannot_be_made(lat, lon):
    with pytest.raises(ValueError):
        LatLon(lat, lon)
    assert LatLon.parse(lat, lon) is None


def test_a_position_is_named_so_its_order_cannot_flip():
    position = LatLon.parse("52.7858", "6.8975")
    assert (position.lat, position.lon) == (52.7858, 6.8975)
    assert LatLon.parse("52,78", "6.89") is None and LatLon.parse(None, "6.89") is None


def test_the_desk_offers_exactly_the_outcomes_the_workflow_allows(client, staff, login, new_report):
    """A category whose feedback is generic (verward) offers only outcomes that say nothing about what was done to
    whom: the close form's options are workflow.allowed_outcomes, not a list of the page's own."""
    receipt = submit_report(new_report(kind="overlast", category_code="verward"))
    report = db.session.get(Report, receipt.report_id)
    allowed = workflow.allowed_outcomes(report)
    assert set(allowed) < set(workflow.OUTCOMES)
    handler = staff["oov"] if receipt.queue_code == "OOV" else staff["tnh"]  # whoever handles its queue
    workflow.take_in_handling(report, handler)  # a new report is taken up before it can be closed
    db.session.commit()
    login(client, handler)
    page = client.get(f"/medewerkers/meldingen/{report.id}").get_data(as_text=True)
    close_form = page.split('name="outcome"', 1)[1].split("</select>", 1)[0]
    offered = [value for value in re.findall(r'<option[^>]*value="([^"]*)"', close_form) if value]
    assert offered == list(allowed)


def test_a_send_checks_the_point_against_the_municipality_once(app, new_report, monkeypatch):
    """check_report and submit_report share one check of the point (it was made twice per send)."""
    calls = []
    real = submission.check_point_in_municipality

    def counted(position, cbs_code):
        calls.append(position)
        return real(position, cbs_code)

    monkeypatch.setattr(submission, "check_point_in_municipality", counted)
    submit_report(new_report())
    assert len(calls) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 1


def test_only_a_field_queues_reports_are_offered_for_assignment(client, staff, login, new_report):
    """workflow.assignable_in: the report page's assign form, the bulk action and the workflow give one answer."""
    from datetime import timedelta

    from meldpunt.db_types import utcnow

    earlier = utcnow() - timedelta(days=1)
    field = submit_report(new_report(kind="overlast", category_code="vernieling", incident_at=earlier))
    desk = submit_report(new_report(kind="onveilige_plek", category_code="donker"))
    db.session.commit()
    assert (field.queue_code, desk.queue_code) == ("TNH", "OOV")
    with pytest.raises(workflow.WorkflowError):
        workflow.assign_to_boa(db.session.get(Report, desk.report_id), staff["boa"], staff["oov"])
    db.session.rollback()
    for handler, receipt, offered in ((staff["tnh"], field, True), (staff["oov"], desk, False)):
        client = client.application.test_client()
        login(client, handler)
        page = client.get(f"/medewerkers/meldingen/{receipt.report_id}").get_data(as_text=True)
        queue = client.get(f"/medewerkers/wachtrij/{receipt.queue_code}").get_data(as_text=True)
        assert ('id="action-assign"' in page) is offered
        assert ('<option value="assign"' in queue) is offered
