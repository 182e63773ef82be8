"""A beheerder issues a key under a name (shown once), sees the list, revokes it; the API then refuses it."""

import re

import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.open311.keys import ApiKey
from meldpunt.staff.models import AuditEntry
from tests.fixtures.reports import EMMEN_CENTRE


def _issue(client, name):
    return client.post("/beheer/api-sleutels", data={"name": name})


def test_a_key_is_shown_once_stored_hashed_and_revoked(app, staff, login):
    client = app.test_client()
    login(client, staff["beheerder"])
    page = _issue(client, "Wijkapp politie")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    key = re.search(r'id="new-api-key">(sa_[A-Za-z0-9_-]+)<', page.get_data(as_text=True)).group(1)
    record = db.session.scalar(sa.select(ApiKey))
    assert record.name == "Wijkapp politie" and key not in (record.key_hash, record.hint) and len(key) > 40
    listing = client.get("/beheer/api-sleutels").get_data(as_text=True)
    assert key not in listing and "Wijkapp politie" in listing and record.hint in listing

    data = {"api_key": key, "service_code": "verlichting", "lat": EMMEN_CENTRE[0], "long": EMMEN_CENTRE[1],
            "description": "Lamp kapot."}  # fmt: skip
    assert app.test_client().post("/open311/v2/requests.json", data=data).status_code == 201

    assert client.post(f"/beheer/api-sleutels/{record.id}/intrekken").status_code == 302
    db.session.expire_all()
    assert record.revoked_at is not None
    assert "ingetrokken op" in client.get("/beheer/api-sleutels").get_data(as_text=True)
    assert app.test_client().post("/open311/v2/requests.json", data=data).status_code == 403
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("api_key%"))).all()
    assert actions == ["api_key_issued", "api_key_used", "api_key_revoked"]


def test_a_second_key_with_the_same_name_is_refused_and_the_name_kept(app, staff, login):
    client = app.test_client()
    login(client, staff["beheerder"])
    _issue(client, "Datalab")
    again = _issue(client, "Datalab")
    assert again.status_code == 422
    html = again.get_data(as_text=True)
    assert "Er is al een sleutel met deze naam" in html and 'value="Datalab"' in html and "new-api-key" not in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiKey)) == 1
