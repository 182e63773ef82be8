"""Teams per profile (issue 10, item 1): which roles read and which act on each queue is the municipality's, not
Emmen's. A role x queue matrix for each of the three profiles, written out here rather than derived from the
profile data, so a wrong profile fails."""

import pytest
import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.profiles import PROFILES, current_profile
from meldpunt.reports.models import Queue, Report
from meldpunt.reports.submission import submit_report
from meldpunt.seed import seed_reference_data

# profile -> queue -> (roles that read it, roles that act on it, seen in field mode)
EXPECTED = {
    "emmen": {
        "OOV": ({"oov"}, {"oov"}, False),
        "TNH": ({"oov", "tnh"}, {"tnh"}, True),  # OOV has the regie: reads, does not act
    },
    "coevorden": {
        "OOV": ({"oov"}, {"oov"}, False),
        "TNH": ({"oov", "tnh"}, {"tnh"}, True),
    },
    "midden-drenthe": {
        # One Team Veiligheid that both acts and analyses.
        "VEILIGHEID": ({"oov", "tnh"}, {"oov", "tnh"}, True),
    },
}
ROLES = ("boa", "tnh", "oov", "analist", "beheerder")


@pytest.fixture(params=sorted(EXPECTED))
def app_settings(request):
    return {"PROFILE": request.param}


@pytest.fixture
def team_world(app, staff, make_user, new_report):
    profile = current_profile()
    seed_reference_data(profile)  # the profile's own queues (the test database was seeded for Emmen)
    db.session.commit()
    people = {**staff, "analist": make_user("cijfers", "analist", name="Anna Analist")}
    reports = {}
    for code in EXPECTED[profile.code]:
        receipt = submit_report(
            new_report(kind="overlast", category_code="vernieling", position=LatLon(*profile.map_center))
        )
        report = db.session.get(Report, receipt.report_id)
        report.queue = db.session.scalar(sa.select(Queue).where(Queue.code == code))
        reports[code] = report.id
    db.session.commit()
    return profile, people, reports


@pytest.mark.parametrize("role", ROLES)
def test_each_profile_has_its_own_teams(app, team_world, login, role):
    profile, people, reports = team_world
    client = app.test_client()
    login(client, people[role])
    failures = []
    for code, (readers, actors, in_field_mode) in EXPECTED[profile.code].items():
        checks = [
            ("GET", f"/medewerkers/wachtrij/{code}", role in readers),
            ("GET", f"/medewerkers/meldingen/{reports[code]}", role in readers),
            ("POST", f"/medewerkers/meldingen/{reports[code]}/take", role in actors),
            ("POST", f"/medewerkers/wachtrij/{code}/bulk", role in actors),
            ("GET", f"/veld/meldingen/{reports[code]}", role == "boa" and in_field_mode),
        ]
        for method, url, allowed in checks:
            status = client.open(url, method=method, data={}).status_code
            if allowed != (status not in (401, 403, 404) and status < 500):
                failures.append(f"{profile.code} {role} {method} {url}: {status}")
    assert failures == []


def test_every_queue_access_names_real_roles():
    from meldpunt.staff.roles import ROLES as ROLE_CODES

    for profile in PROFILES.values():
        assert set(profile.regie_roles) <= set(ROLE_CODES)
        for queue in profile.queues:
            assert set(queue.handled_by or ()) | set(queue.read_by) <= set(ROLE_CODES), (profile.code, queue.code)


# How each profile names its field worker on staff pages (the UI is Dutch by default).
FIELD_ROLE_TITLE = {
    "emmen": "Boa (handhaver)",
    "coevorden": "Toezichthouder of boa",
    "midden-drenthe": "Boa (handhaver)",
}
FIELD_WORKER = {"emmen": "Boa", "coevorden": "Toezichthouder", "midden-drenthe": "Boa"}


def test_the_field_worker_is_named_as_the_profile_names_them(app, team_world, login):
    import html
    import re

    profile, people, reports = team_world
    admin = app.test_client()
    login(admin, people["beheerder"])
    users = html.unescape(admin.get("/beheer/gebruikers").get_data(as_text=True))
    assert FIELD_ROLE_TITLE[profile.code] in users
    assert ("Toezichthouder of boa" in users) == (profile.code == "coevorden")

    coordinator = app.test_client()
    login(coordinator, people["tnh"])
    field_queue = next(code for code, (_, _, field) in EXPECTED[profile.code].items() if field)
    page = html.unescape(coordinator.get(f"/medewerkers/meldingen/{reports[field_queue]}").get_data(as_text=True))
    label = re.search(r'<label for="boa"[^>]*>([^<]*)</label>', page)
    assert label and label.group(1).strip() == FIELD_WORKER[profile.code]
