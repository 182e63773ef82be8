"""The vaste boa (issue 10, item 3): the TNH coordinator names a field worker for a dorp; field reports there sit
on top of that worker's field list, marked; every change is audited."""

import re
from datetime import timedelta

import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo.areas import dorp_code
from meldpunt.geo.models import Area
from meldpunt.reports.submission import submit_report
from meldpunt.staff.models import AuditEntry

KLAZIENAVEEN = (52.7242, 6.9903)


def _area(name):
    return db.session.scalar(sa.select(Area).where(Area.code == dorp_code("GM0114", name)))


def _open_ids(page: str) -> list[int]:
    """The report ids of the field page's "open reports" list, top to bottom."""
    section = page.split('id="open-reports-title"', 1)[1]
    return [int(i) for i in re.findall(r'data-id="(\d+)"', section)]


def _name_vaste_boa(client, area, officer_id):
    page = client.get("/medewerkers/vaste-boas").get_data(as_text=True)
    token = re.search(rf'name="a{area.id}-csrf_token"[^>]*value="([^"]+)"', page)
    data = {f"a{area.id}-boa": str(officer_id) if officer_id else ""}
    if token:
        data[f"a{area.id}-csrf_token"] = token.group(1)
    return client.post(f"/medewerkers/vaste-boas/{area.id}", data=data, follow_redirects=True)


def test_reports_in_the_vaste_boas_dorp_sit_on_top_of_their_list(app, staff, login, new_report):
    earlier = utcnow() - timedelta(days=2)  # not "now": routed to the field queue at any hour
    in_emmen = submit_report(new_report(kind="overlast", category_code="vernieling", incident_at=earlier)).report_id
    elsewhere = submit_report(
        new_report(kind="overlast", category_code="vernieling", incident_at=earlier, lat=KLAZIENAVEEN[0],
                   lon=KLAZIENAVEEN[1])
    ).report_id  # fmt: skip
    db.session.commit()
    boa, boa2 = app.test_client(), app.test_client()
    login(boa, staff["boa"])
    login(boa2, staff["boa2"])
    before = boa.get("/veld/").get_data(as_text=True)
    assert _open_ids(before) == [elsewhere, in_emmen]  # newest first without a vaste boa

    coordinator = app.test_client()
    login(coordinator, staff["tnh"])
    emmen = _area("Emmen")
    page = _name_vaste_boa(coordinator, emmen, staff["boa"].id).get_data(as_text=True)
    assert "Bram Boa" in page.split(f'id="area-{emmen.id}"', 1)[1].split("</tr>", 1)[0]

    after = boa.get("/veld/").get_data(as_text=True)
    assert _open_ids(after) == [in_emmen, elsewhere]
    assert "Uw gebied" in after.split(f'data-id="{in_emmen}"', 1)[1].split("</li>", 1)[0]
    assert "Uw gebied" not in after.split(f'data-id="{elsewhere}"', 1)[1].split("</li>", 1)[0]
    # Another boa's list is not changed.
    assert _open_ids(boa2.get("/veld/").get_data(as_text=True)) == [elsewhere, in_emmen]
    # The polled list keeps the same order.
    assert _open_ids(boa.get("/veld/lijst").get_data(as_text=True)) == [in_emmen, elsewhere]

    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "vaste_boa")).all()
    assert [(e.user_id, e.detail) for e in entries] == [(staff["tnh"].id, f"{emmen.code}: boa1")]

    beheerder = app.test_client()
    login(beheerder, staff["beheerder"])
    assert "Vaste boa van een gebied gewijzigd" in beheerder.get("/beheer/audit").get_data(as_text=True)

    _name_vaste_boa(coordinator, emmen, None)
    assert _open_ids(boa.get("/veld/").get_data(as_text=True)) == [elsewhere, in_emmen]


def test_only_an_active_field_worker_can_be_the_vaste_boa(app, staff, login):
    coordinator = app.test_client()
    login(coordinator, staff["tnh"])
    emmen = _area("Emmen")
    page = _name_vaste_boa(coordinator, emmen, staff["oov"].id).get_data(as_text=True)
    assert "Olga OOV is geen actieve boa of toezichthouder." in page
    db.session.expire_all()
    from meldpunt.staff.vaste_boa import AreaFieldWorker

    assert db.session.get(AreaFieldWorker, emmen.id) is None
