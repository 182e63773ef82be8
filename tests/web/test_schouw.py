"""The schouw (issue 10, item 4): a walk of three unsafe spots is one schouw with the organisations that walked
along; each spot is a report of an unsafe place with its answers and photo (channel "schouw"); afterwards the
report of the walk lists them with what the walk found."""

import io
import re

import sqlalchemy as sa
from PIL import Image

from meldpunt.extensions import db
from meldpunt.reports.models import Report
from meldpunt.reports.photos import photo_store
from meldpunt.reports.schouw import Schouw
from meldpunt.staff.models import AuditEntry
from tests.fixtures.reports import EMMEN_CENTRE, form_fields, jpeg_with_gps

URL = "/medewerkers/schouw/"


def _start(client, **values):
    token = form_fields(client.get(URL).get_data(as_text=True))["csrf_token"]
    return client.post(URL, data={"csrf_token": token} | values, follow_redirects=True)


def _spot(client, schouw_id, **values):
    fields = form_fields(client.get(f"{URL}{schouw_id}").get_data(as_text=True))
    fields = {k: v for k, v in fields.items() if not k.startswith("notes")}
    return client.post(f"{URL}{schouw_id}/plek", data=fields | {"action": "opslaan"} | values,
                       content_type="multipart/form-data", follow_redirects=True)  # fmt: skip


def test_a_walk_of_three_spots_is_one_schouw_with_its_report(app, staff, login):
    oov = app.test_client()
    login(oov, staff["oov"])
    page = _start(oov, name="Avondschouw Emmen-Centrum", participants=["wijkplatform", "politie"],
                  other_participants="Jongerenwerk").get_data(as_text=True)  # fmt: skip
    schouw = db.session.scalar(sa.select(Schouw))
    assert "Avondschouw Emmen-Centrum" in page and "Wijkplatform, Politie, Jongerenwerk" in page

    lat, lon = EMMEN_CENTRE
    first = _spot(oov, schouw.id, category="donker", lat=str(lat), lon=str(lon), lighting="geen", unsafe_score="4",
                  description="Drie lantaarnpalen kapot.",
                  photo=(io.BytesIO(jpeg_with_gps()), "plek.jpg"))  # fmt: skip
    assert "Plek 1 vastgelegd" in first.get_data(as_text=True)
    _spot(oov, schouw.id, category="donker", lat=str(lat + 0.001), lon=str(lon), visibility="slecht",
          unsafe_score="5", description="Hoge struiken langs het pad.")  # fmt: skip
    _spot(oov, schouw.id, category="donker", lat=str(lat), lon=str(lon + 0.001), unsafe_score="2",
          description="Tunneltje, wel verlicht.")  # fmt: skip

    reports = db.session.scalars(sa.select(Report).order_by(Report.id)).all()
    assert len(reports) == 3
    assert {r.channel for r in reports} == {"schouw"} and {r.kind for r in reports} == {"onveilige_plek"}
    assert reports[0].answers["lighting"] == "geen" and reports[0].queue.code == "OOV"
    [photo] = reports[0].photos
    with Image.open(photo_store().path_of(photo.storage_key)) as stored:
        assert not stored.getexif()  # the GPS position in the photo is gone

    token = form_fields(oov.get(f"{URL}{schouw.id}").get_data(as_text=True))["csrf_token"]
    notes = "Verlichting melden bij de gemeente.\nStruiken snoeien."
    report_page = oov.post(f"{URL}{schouw.id}/afronden", data={"csrf_token": token, "notes": notes},
                           follow_redirects=True)  # fmt: skip
    text = report_page.get_data(as_text=True)
    assert "Verslag van de schouw: Avondschouw Emmen-Centrum" in text
    assert text.count("<section") == 3 and "Drie lantaarnpalen kapot." in text and "Struiken snoeien." in text
    assert "Geen verlichting of kapot" in text  # the answers in words
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("schouw%"))).all()
    assert sorted(actions) == ["schouw_finished", "schouw_spot", "schouw_spot", "schouw_spot", "schouw_started"]

    refused = _spot(oov, schouw.id, category="donker", lat=str(lat), lon=str(lon), description="Nog een plek.")
    assert "Deze schouw is afgerond" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 3


def test_a_refused_spot_keeps_its_answers_and_photo(app, staff, login):
    boa = app.test_client()
    login(boa, staff["boa"])
    _start(boa, name="Schouw Angelslo")
    schouw = db.session.scalar(sa.select(Schouw))
    response = _spot(
        boa,
        schouw.id,
        category="donker",
        lighting="matig",
        description="Donker hoekje.",
        photo=(io.BytesIO(jpeg_with_gps()), "hoekje.jpg"),
    )  # fmt: skip — no place: refused
    assert response.status_code == 422  # no place
    page = response.get_data(as_text=True)
    assert "Donker hoekje.</textarea>" in page
    assert re.search(r'<input[^>]*checked[^>]*value="matig"|<input[^>]*value="matig"[^>]*checked', page)
    assert "hoekje.jpg" in page  # the photo waits for the next try
    kept = form_fields(page)
    lat, lon = EMMEN_CENTRE
    saved = boa.post(f"{URL}{schouw.id}/plek", data=kept | {"action": "opslaan", "category": "donker",
                     "lighting": "matig", "description": "Donker hoekje.", "lat": str(lat), "lon": str(lon)},
                     follow_redirects=True)  # fmt: skip
    assert saved.status_code == 200
    assert len(db.session.scalar(sa.select(Report)).photos) == 1
