"""Partners per profile (issue 10, item 2): the partners a report can be passed on to are the municipality's.
Written out here rather than read from the profile, so a wrong profile fails."""

import html
import re

import pytest
import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.profiles import current_profile
from meldpunt.reports import workflow
from meldpunt.reports.models import Queue, Report
from meldpunt.reports.submission import submit_report
from meldpunt.seed import seed_reference_data

# The partner choices on the desk's "forward" form, in order, as a Dutch desk reads them.
PARTNERS = {
    "emmen": ["Politie", "Veilig Thuis Drenthe", "Zorg- en Veiligheidshuis", "Woonteam", "Buurtbemiddeling",
              "Jongerenwerk", "Woningcorporatie", "Casustafel ondermijning", "Andere gemeente"],
    "coevorden": ["Politie", "Veilig Thuis Drenthe", "Zorg- en Veiligheidshuis", "Sociaal team", "Buurtbemiddeling",
                  "Jongerenwerk", "Woningcorporatie", "RIEC Noord-Nederland (ondermijning)", "Andere gemeente"],
    "midden-drenthe": ["Politie", "Veilig Thuis Drenthe", "Zorg- en Veiligheidshuis", "Sociaal team",
                       "Buurtbemiddeling", "Jongerenwerk", "Woningcorporatie", "RIEC Noord-Nederland (ondermijning)",
                       "Andere gemeente"],
}  # fmt: skip


@pytest.fixture(params=sorted(PARTNERS))
def app_settings(request):
    return {"PROFILE": request.param}


@pytest.fixture
def desk_report(app, staff, new_report):
    """A report in handling in a queue OOV acts on (Midden-Drenthe: Team Veiligheid), at the municipality's
    centre."""
    profile = current_profile()
    seed_reference_data(profile)  # the profile's own queues (the test database was seeded for Emmen)
    db.session.commit()
    code = next(q.code for q in profile.queues if "oov" in profile.queue_access(q.code, q.is_field)[1])
    receipt = submit_report(new_report(kind="onveilige_plek", category_code="donker",
                                       position=LatLon(*profile.map_center)))  # fmt: skip
    report = db.session.get(Report, receipt.report_id)
    report.queue = db.session.scalar(sa.select(Queue).where(Queue.code == code))
    workflow.take_in_handling(report, staff["oov"])  # only a report in handling can be forwarded
    db.session.commit()
    return report


def _partner_choices(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="partner"[^>]*>(.*?)</select>', page, re.S)
    assert select, "no partner choice on the page"
    return [html.unescape(label).strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))]


def test_the_desk_forwards_to_the_profiles_own_partners(app, desk_report, staff, login):
    profile = current_profile()
    client = app.test_client()
    login(client, staff["oov"])
    page = client.get(f"/medewerkers/meldingen/{desk_report.id}").get_data(as_text=True)
    assert _partner_choices(page) == PARTNERS[profile.code]

    url = f"/medewerkers/meldingen/{desk_report.id}/forward"
    if profile.code != "emmen":  # only Emmen has a casustafel ondermijning
        refused = client.post(url, data={"version": desk_report.version, "partner": "casustafel_ondermijning"})
        assert refused.status_code == 422
        assert db.session.get(Report, desk_report.id).forwarded_to is None
    done = client.post(url, data={"version": desk_report.version, "partner": "politie"})
    assert done.status_code == 302
    assert db.session.get(Report, desk_report.id).forwarded_to == "politie"


def test_partner_lists_not_confirmed_are_marked():
    from meldpunt.profiles import PROFILES

    assert {code for code, p in PROFILES.items() if p.partners_assumed} == {"coevorden", "midden-drenthe"}
