"""Several field teams per profile (issue 10, item 1): Emmen's boa's work the TNH queue, its straatcoaches the
youth-nuisance reports in a STRAATCOACH queue; each field worker belongs to one team and sees only its queue in
field mode. How each profile names its field workers, in pages and in a mail to the reporter."""

import html
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.outbox.models import OutboxMessage
from meldpunt.profiles import current_profile
from meldpunt.reports import workflow
from meldpunt.reports.models import Queue, Report, RoutingRule
from meldpunt.reports.submission import submit_report
from meldpunt.seed import seed_reference_data
from meldpunt.staff.models import User


def _report(new_report, category_code, **extra) -> Report:
    values = dict(kind="overlast", category_code=category_code, incident_at=utcnow() - timedelta(days=1))
    values.update(extra)
    return db.session.get(Report, submit_report(new_report(**values)).report_id)


@pytest.fixture
def coach(make_user):
    return make_user("coach1", "boa", name="Sam Straatcoach", field_team="straatcoach")


@pytest.fixture
def two_teams(app, staff, coach, new_report):
    youth = _report(new_report, "jeugd", description="Jongeren bij het winkelcentrum.")
    damage = _report(new_report, "vernieling", description="Een bushokje ingegooid.")
    db.session.commit()
    return youth, damage


def test_a_youth_report_goes_to_the_straatcoaches(app, two_teams):
    youth, damage = two_teams
    assert youth.queue.code == "STRAATCOACH" and youth.queue.is_field
    assert damage.queue.code == "TNH"


def test_a_straatcoach_sees_the_youth_reports_and_not_the_boas(app, two_teams, coach, login):
    youth, damage = two_teams
    client = app.test_client()
    login(client, coach)
    for page in ("/veld/", "/veld/lijst"):
        body = client.get(page).get_data(as_text=True)
        assert youth.reference in body
        assert damage.reference not in body
    assert client.get(f"/veld/meldingen/{youth.id}").status_code == 200
    assert client.get(f"/veld/meldingen/{damage.id}").status_code == 403
    refused = client.post(f"/veld/meldingen/{damage.id}/claim", data={"version": damage.version})
    assert refused.status_code == 403
    assert db.session.get(Report, damage.id).assigned_to_id is None


def test_a_boa_does_not_see_the_straatcoach_queue(app, two_teams, staff, login):
    youth, damage = two_teams
    client = app.test_client()
    login(client, staff["boa"])
    for page in ("/veld/", "/veld/lijst"):
        body = client.get(page).get_data(as_text=True)
        assert damage.reference in body
        assert youth.reference not in body
    assert client.get(f"/veld/meldingen/{youth.id}").status_code == 403
    assert client.post(f"/veld/meldingen/{youth.id}/claim", data={"version": youth.version}).status_code == 403
    # Closed in the meantime: still refused, not "closed" (which would say it exists in their field mode).
    workflow.cancel(youth, "Dubbel", staff["tnh"])
    db.session.commit()
    assert client.get(f"/veld/meldingen/{youth.id}").status_code == 403


def test_the_photos_of_another_teams_report_are_refused(app, two_teams, staff, coach, login):
    from meldpunt.reports.models import ReportPhoto
    from meldpunt.reports.photos import CleanPhoto, photo_store
    from tests.fixtures.reports import jpeg_with_gps

    youth, damage = two_teams
    photos = {}
    for report in (youth, damage):
        token = photo_store().save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
        kept = photo_store().adopt_pending(token, db.session())
        photo = ReportPhoto(report=report, storage_key=kept.key, content_type="image/jpeg", width=64, height=48,
                            size_bytes=kept.size)  # fmt: skip
        db.session.add(photo)
        db.session.flush()
        photos[report.id] = photo.id
    db.session.commit()
    for person, own, other in ((coach, youth, damage), (staff["boa"], damage, youth)):
        client = app.test_client()
        login(client, person)
        response = client.get(f"/medewerkers/fotos/{photos[own.id]}")
        assert response.status_code == 200
        response.close()
        assert client.get(f"/medewerkers/fotos/{photos[other.id]}").status_code == 403


def test_a_coordinator_assigns_each_queue_to_its_own_team(app, two_teams, staff, coach, login):
    youth, damage = two_teams
    client = app.test_client()
    login(client, staff["tnh"])
    page = html.unescape(client.get(f"/medewerkers/meldingen/{youth.id}").get_data(as_text=True))
    assert "Sam Straatcoach" in page and "Bram Boa" not in page
    assert '<label for="boa">Straatcoach</label>' in page
    page = html.unescape(client.get(f"/medewerkers/meldingen/{damage.id}").get_data(as_text=True))
    assert "Bram Boa" in page and "Sam Straatcoach" not in page
    refused = client.post(f"/medewerkers/meldingen/{youth.id}/assign", data={"version": youth.version,
                                                                            "boa": staff["boa"].id})  # fmt: skip
    assert refused.status_code == 422
    assert "niet in het veldteam" in html.unescape(refused.get_data(as_text=True))
    done = client.post(f"/medewerkers/meldingen/{youth.id}/assign", data={"version": youth.version, "boa": coach.id})
    assert done.status_code == 302
    assert db.session.get(Report, youth.id).assigned_to_id == coach.id


def test_the_reporter_is_told_a_straatcoach_goes_there(app, coach, new_report):
    youth = _report(new_report, "jeugd", email="melder@example.org", email_consent=True)
    workflow.claim(youth, coach)
    db.session.commit()
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "taken_up"))
    assert "Een straatcoach van de gemeente gaat naar de plek." in mail.body_text
    assert "straatcoach" in mail.body_html


def test_the_beheerder_puts_a_field_worker_in_a_team(app, staff, login):
    client = app.test_client()
    login(client, staff["beheerder"])
    form = html.unescape(client.get(f"/beheer/gebruikers/{staff['boa2'].id}").get_data(as_text=True))
    assert "Straatcoach" in form
    url = f"/beheer/gebruikers/{staff['boa2'].id}"
    fields = {"username": "boa2", "name": "Bente Boa", "roles": ["boa"], "active": "y"}
    response = client.post(url, data={**fields, "field_team": "straatcoach"})
    assert response.status_code == 302
    assert db.session.get(User, staff["boa2"].id).field_team == "straatcoach"
    users = html.unescape(client.get("/beheer/gebruikers").get_data(as_text=True))
    assert "Straatcoach" in users and "Boa (handhaver)" in users  # Bente now, Bram still
    refused = client.post(url, data={**fields, "field_team": "brandweer"})
    assert refused.status_code == 422
    assert db.session.get(User, staff["boa2"].id).field_team == "straatcoach"


def test_the_seed_adds_a_new_team_queue_and_its_rule_to_an_existing_database(app, new_report):
    """A database seeded before Emmen had straatcoaches gets their queue and rule, in its place in the order."""
    db.session.execute(sa.delete(RoutingRule).where(RoutingRule.queue.has(Queue.code == "STRAATCOACH")))
    db.session.execute(sa.delete(Queue).where(Queue.code == "STRAATCOACH"))
    db.session.commit()
    assert _report(new_report, "jeugd").queue.code == "TNH"

    counts = seed_reference_data(current_profile())
    db.session.commit()
    assert counts["queues"] == 1 and counts["rules"] == 1
    rules = list(db.session.scalars(sa.select(RoutingRule).order_by(RoutingRule.position)))
    names = [r.description for r in rules]
    assert names.index("Jeugdoverlast: straatcoaches") + 1 == names.index("Overlast in de openbare ruimte: toezicht")
    assert _report(new_report, "jeugd").queue.code == "STRAATCOACH"
    # Again: nothing more.
    assert seed_reference_data(current_profile())["rules"] == 0


def test_the_demo_staff_has_a_straatcoach_in_emmen(app):
    from meldpunt.reports.demo import make_demo_staff

    made = make_demo_staff("een lange demo wachtzin voor iedereen")
    db.session.commit()
    assert "demo-straatcoach" in made
    coach = db.session.scalar(sa.select(User).where(User.username == "demo-straatcoach"))
    assert coach.roles == ["boa"] and coach.field_team == "straatcoach"
    assert db.session.scalar(sa.select(User.field_team).where(User.username == "demo-boa")) is None


# How each profile names its field worker: the navigation, field mode and the reporter's mail (Dutch by default).
LABELS = {"emmen": "boa", "coevorden": "toezichthouder", "midden-drenthe": "boa"}


@pytest.mark.parametrize("app_settings", [{"PROFILE": code} for code in sorted(LABELS)], ids=sorted(LABELS))
def test_each_profile_names_its_field_worker_in_pages_and_a_mail(app, staff, login, new_report):
    profile = current_profile()
    seed_reference_data(profile)  # the profile's own queues (the test database was seeded for Emmen)
    db.session.commit()
    label = LABELS[profile.code]
    assert [t.label for t in profile.field_teams][0] == label
    report = _report(new_report, "vernieling", email="melder@example.org", email_consent=True,
                     position=LatLon(*profile.map_center))  # fmt: skip
    report.queue = db.session.scalar(sa.select(Queue).where(Queue.code == profile.field_teams[0].queue))
    db.session.commit()

    client = app.test_client()
    login(client, staff["boa"])
    page = html.unescape(client.get("/veld/").get_data(as_text=True))
    assert f"Veld: {label}" in page  # the navigation and the page title
    assert report.reference in page
    workflow.claim(report, staff["boa"])
    db.session.commit()
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "taken_up"))
    assert f"Een {label} van de gemeente gaat naar de plek." in mail.body_text
    privacy = html.unescape(app.test_client().get("/privacy").get_data(as_text=True))
    assert f"({', '.join(t.label for t in profile.field_teams)})" in privacy
