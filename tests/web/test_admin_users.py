"""The beheerder's user pages: the account policy (no changes to one's own roles or access, four eyes for
restricted access) and password rules, as a beheerder sees them."""

import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.staff.models import AuditEntry, User


def _text(response):
    return response.get_data(as_text=True)


def _edit(client, user, **changes):
    data = {"username": user.username, "name": user.name, "roles": list(user.roles), "active": "y"}
    if user.sees_restricted:
        data["sees_restricted"] = "y"
    data.update(changes)
    return client.post(f"/beheer/gebruikers/{user.id}", data={k: v for k, v in data.items() if v is not None})


def _fresh(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def _actions(action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_a_beheerder_cannot_change_their_own_roles(client, staff, login):
    me = staff["beheerder"]
    login(client, me)
    response = _edit(client, me, roles=["beheerder", "oov"])
    assert response.status_code == 422
    assert "U kunt uw eigen rollen niet wijzigen." in _text(response)
    assert _fresh(me).roles == ["beheerder"]


def test_a_beheerder_cannot_grant_themselves_restricted_access(client, staff, login):
    me = staff["beheerder"]
    login(client, me)
    response = _edit(client, me, sees_restricted="y")
    assert response.status_code == 422
    assert "U kunt uw eigen toegang tot afgeschermde meldingen niet wijzigen." in _text(response)
    assert not _fresh(me).sees_restricted
    assert _actions("restricted_access_requested") == []


def test_restricted_access_takes_a_second_beheerder(app, staff, make_user, login):
    first, second = app.test_client(), app.test_client()
    login(first, staff["beheerder"])
    login(second, make_user("beheer2", "beheerder", name="Berend Beheer"))
    oov = staff["oov"]

    asked = _edit(first, oov, sees_restricted="y")
    assert asked.status_code == 302
    assert not _fresh(oov).sees_restricted  # not yet
    listing = _text(first.get("/beheer/gebruikers"))
    assert "wacht op bevestiging" in listing
    # The one who asked cannot confirm it...
    assert first.post(f"/beheer/gebruikers/{oov.id}/afgeschermd/bevestigen").status_code == 403
    assert not _fresh(oov).sees_restricted
    # ...another beheerder can.
    assert "Bevestigen" in _text(second.get("/beheer/gebruikers"))
    assert second.post(f"/beheer/gebruikers/{oov.id}/afgeschermd/bevestigen").status_code == 302
    assert _fresh(oov).sees_restricted
    assert "wacht op bevestiging" not in _text(first.get("/beheer/gebruikers"))

    [requested] = _actions("restricted_access_requested")
    [granted] = _actions("restricted_access_granted")
    assert requested.user_id == staff["beheerder"].id and granted.user_id != staff["beheerder"].id
    assert "analist" in requested.detail and "analist" in granted.detail


def test_the_person_concerned_cannot_confirm_their_own_request(app, staff, make_user, login):
    other = make_user("beheer2", "beheerder", name="Berend Beheer")
    asker, themselves = app.test_client(), app.test_client()
    login(asker, staff["beheerder"])
    login(themselves, other)
    assert _edit(asker, other, sees_restricted="y").status_code == 302
    assert themselves.post(f"/beheer/gebruikers/{other.id}/afgeschermd/bevestigen").status_code == 403
    assert not _fresh(other).sees_restricted


def test_a_request_can_be_turned_down(app, staff, make_user, login):
    first, second = app.test_client(), app.test_client()
    login(first, staff["beheerder"])
    login(second, make_user("beheer2", "beheerder"))
    oov = staff["oov"]
    _edit(first, oov, sees_restricted="y")
    assert second.post(f"/beheer/gebruikers/{oov.id}/afgeschermd/afwijzen").status_code == 302
    assert not _fresh(oov).sees_restricted
    assert "wacht op bevestiging" not in _text(first.get("/beheer/gebruikers"))
    assert len(_actions("restricted_access_refused")) == 1


def test_revoking_restricted_access_is_immediate_and_audited(client, make_user, staff, login):
    login(client, staff["beheerder"])
    oov = make_user("ingewijd", "oov", sees_restricted=True)
    assert _edit(client, oov, sees_restricted=None).status_code == 302
    assert not _fresh(oov).sees_restricted
    assert len(_actions("restricted_access_revoked")) == 1


def test_a_new_user_with_restricted_access_waits_for_a_second_beheerder(client, staff, login):
    login(client, staff["beheerder"])
    created = client.post("/beheer/gebruikers/nieuw", data={
        "username": "nieuw", "name": "Nina Nieuw", "roles": ["oov"], "sees_restricted": "y",
        "password": "paars nijlpaard danst op het ijs",
    })  # fmt: skip
    assert created.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "nieuw"))
    assert not user.sees_restricted
    assert len(_actions("restricted_access_requested")) == 1


def test_trivial_passwords_are_refused_with_a_reason(client, staff, login):
    login(client, staff["beheerder"])
    for weak in ("aaaaaaaaaaaa", "wachtwoord12345", "Nina Nieuw 2025"):
        response = client.post("/beheer/gebruikers/nieuw", data={
            "username": "nieuw", "name": "Nina Nieuw", "roles": ["oov"], "password": weak,
        })  # fmt: skip
        assert response.status_code == 422, weak
        assert "Dit wachtwoord is te makkelijk te raden." in _text(response), weak
    assert db.session.scalar(sa.select(User).where(User.username == "nieuw")) is None
    oov = staff["oov"]
    before = _fresh(oov).password_hash
    reset = _edit(client, oov, password="analist123456")
    assert reset.status_code == 422 and "te makkelijk te raden" in _text(reset)
    assert _fresh(oov).password_hash == before


def test_an_existing_user_name_is_explained(client, staff, login):
    login(client, staff["beheerder"])
    response = client.post("/beheer/gebruikers/nieuw", data={
        "username": "analist", "name": "Nog een", "roles": ["oov"], "password": "paars nijlpaard danst op het ijs",
    })  # fmt: skip
    assert response.status_code == 422 and "Er bestaat al een gebruiker met deze gebruikersnaam." in _text(response)


def test_a_work_e_mail_address_can_be_given_and_must_be_valid(client, staff, login):
    login(client, staff["beheerder"])
    data = {"username": "olga2", "name": "Olga Twee", "roles": ["oov"], "password": "paars nijlpaard danst op het ijs"}
    refused = client.post("/beheer/gebruikers/nieuw", data=data | {"email": "olga@"})
    assert refused.status_code == 422 and "Dit is geen geldig e-mailadres." in _text(refused)
    assert client.post("/beheer/gebruikers/nieuw", data=data | {"email": "olga@emmen.example"}).status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "olga2"))
    assert user.email == "olga@emmen.example"
    assert _edit(client, user, email="").status_code == 302
    assert _fresh(user).email is None
