"""The analist: signs in to the analysis pages, is made like any other role (command line, beheerder's form)."""

import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.staff.models import User
from tests.fixtures.staff import PASSWORD


def _text(response):
    return response.get_data(as_text=True)


def test_an_analist_lands_on_the_analysis_page(client, make_user, login):
    analist = make_user("cijfers", "analist", name="Anna Analist")
    response = login(client, analist)
    assert response.headers["Location"].endswith("/analyse/")
    page = client.get("/analyse/")
    assert page.status_code == 200
    assert "<h1>Analyse: waar en wanneer</h1>" in _text(page)
    # A second visit to the sign-in page goes to the same place.
    assert client.get("/medewerkers/inloggen").headers["Location"].endswith("/analyse/")


def test_oov_still_lands_on_its_queue_and_may_open_the_analysis(client, staff, login):
    response = login(client, staff["oov"])
    assert response.headers["Location"].endswith("/medewerkers/wachtrij/OOV")
    assert client.get("/analyse/").status_code == 200


def test_create_user_command_makes_an_analist(app, runner):
    result = runner.invoke(args=["create-user", "cijfers", "--name", "Anna Analist", "--role", "analist",
                                 "--password", PASSWORD])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User).where(User.username == "cijfers")).roles == ["analist"]


def test_the_beheerder_gives_the_analist_role(client, staff, login):
    login(client, staff["beheerder"])
    form = _text(client.get("/beheer/gebruikers/nieuw"))
    assert 'value="analist"' in form and "Analist" in form
    created = client.post("/beheer/gebruikers/nieuw", data={
        "username": "cijfers", "name": "Anna Analist", "roles": ["analist"], "password": PASSWORD,
    })  # fmt: skip
    assert created.status_code == 302
    assert db.session.scalar(sa.select(User).where(User.username == "cijfers")).roles == ["analist"]
    assert "Analist" in _text(client.get("/beheer/gebruikers"))
