"""Intake on behalf (issue 10, item 4): staff file a report for a resident who phoned, came to the spreekuur or
spoke to a field worker in the street; the channel and the resident's consent are recorded, the staff member
is audited, the receipt is read out or mailed. Works without the map and without JavaScript."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.outbox.models import OutboxMessage
from meldpunt.outbox.worker import drain
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.models import Report, StateChange
from meldpunt.staff.models import AuditEntry
from tests.fixtures.reports import EMMEN_CENTRE, form_fields

URL = "/medewerkers/melding-opnemen/"


@pytest.fixture
def app_settings(mail_settings):
    return mail_settings


def _fields(client) -> dict[str, str]:
    return form_fields(client.get(URL).get_data(as_text=True))


def _file(client, **values):
    data = _fields(client) | {"action": "opslaan"} | values
    return client.post(URL, data=data, follow_redirects=True)


def test_a_phoned_in_report_is_filed_with_its_channel_consent_and_the_staff_member(app, staff, login, smtp_server):
    oov = app.test_client()
    login(oov, staff["oov"])
    earlier = (utcnow() - timedelta(hours=3)).astimezone(LOCAL_TZ)
    page = _file(oov, channel="telefoon", category="naroepen", lat=str(EMMEN_CENTRE[0]), lon=str(EMMEN_CENTRE[1]),
                 when="eerder", incident_at=earlier.strftime("%Y-%m-%dT%H:%M"),
                 description="Mevrouw werd nageroepen bij de bushalte.", email="bewoner@example.org",
                 email_consent="y", locale="en").get_data(as_text=True)  # fmt: skip
    report = db.session.scalar(sa.select(Report))
    assert f"Melding {report.reference} is opgeslagen" in page
    assert report.channel == "telefoon" and report.email_consent and report.locale == "en"
    assert abs((report.incident_at - earlier).total_seconds()) < 60
    assert db.session.scalar(sa.select(StateChange.actor).where(StateChange.report_id == report.id)) == "medewerker"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "report_intake"))
    assert entry.user_id == staff["oov"].id and entry.report_id == report.id and entry.detail == "telefoon"
    drain()
    [(recipients, message)] = smtp_server.mailbox.messages
    assert recipients == ["bewoner@example.org"]
    assert "/volg/" in message.get_body(("plain",)).get_content()  # the tracking link goes by mail, in English


def test_without_consent_no_mail_and_the_reference_is_read_out(app, staff, login):
    tnh = app.test_client()
    login(tnh, staff["tnh"])
    page = _file(tnh, channel="spreekuur", category="vernieling", lat=str(EMMEN_CENTRE[0]),
                 lon=str(EMMEN_CENTRE[1]), description="Bankje vernield.").get_data(as_text=True)  # fmt: skip
    report = db.session.scalar(sa.select(Report))
    assert "Lees het kenmerk voor aan de bewoner: daarmee kan die telefonisch naar de melding vragen." in page
    assert report.email is None and report.channel == "spreekuur"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_an_address_without_consent_is_refused_and_everything_is_kept(app, staff, login):
    oov = app.test_client()
    login(oov, staff["oov"])
    response = _file(oov, channel="telefoon", category="naroepen", lat=str(EMMEN_CENTRE[0]),
                     lon=str(EMMEN_CENTRE[1]), description="Nageroepen bij het station.",
                     email="bewoner@example.org")  # fmt: skip
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Vraag de bewoner of we mogen mailen, of laat het adres leeg." in page
    assert "Nageroepen bij het station.</textarea>" in page and 'value="bewoner@example.org"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_without_the_map_a_place_search_and_a_described_spot_do(app, staff, login):
    boa = app.test_client()
    login(boa, staff["boa"])
    fields = _fields(boa)
    assert re.search(
        r'<input[^>]*checked[^>]*value="straat"', boa.get(URL).get_data(as_text=True)
    )  # a boa is in the street
    typed = fields | {"place_query": "Klazienav", "category": "jeugd", "channel": "straat",
                      "description": "Groep jongeren bij de snackbar."}  # fmt: skip
    page = boa.post(URL, data=typed | {"action": "zoeken"}).get_data(as_text=True)
    value = re.search(r'name="place"[^>]*value="([^"]+)"', page).group(1)
    assert "Klazienaveen" in page and "Groep jongeren bij de snackbar.</textarea>" in page
    missing_spot = boa.post(URL, data=typed | {"action": "opslaan", "place": value})
    assert missing_spot.status_code == 422  # a village centre is not the spot: describe it
    assert "beschrijf" in missing_spot.get_data(as_text=True).lower()
    filed = boa.post(URL, data=typed | {"action": "opslaan", "place": value,
                                        "location_description": "Snackbar aan de Vaart"},
                     follow_redirects=True)  # fmt: skip
    assert filed.status_code == 200
    report = db.session.scalar(sa.select(Report))
    assert report.channel == "straat" and report.location_method == "search"
    assert report.location_description == "Snackbar aan de Vaart"


def test_a_double_submit_files_one_report_and_restricted_kinds_are_not_offered(app, staff, login):
    oov = app.test_client()
    login(oov, staff["oov"])
    fields = _fields(oov) | {"action": "opslaan", "channel": "telefoon", "category": "naroepen",
                             "lat": str(EMMEN_CENTRE[0]), "lon": str(EMMEN_CENTRE[1])}  # fmt: skip
    fields["description"] = "Nageroepen."
    oov.post(URL, data=fields)
    oov.post(URL, data=fields)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 1
    assert 'value="hennep"' not in oov.get(URL).get_data(as_text=True)
    refused = oov.post(URL, data=fields | {"category": "hennep", "submission_key": "another-key-123456789012"})
    assert refused.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 1


def test_a_registered_buurtpreventie_group_reports_through_staff(app, staff, login):
    oov = app.test_client()
    login(oov, staff["oov"])
    page = oov.get(f"{URL}groepen").get_data(as_text=True)
    token = form_fields(page)["csrf_token"]
    registered = oov.post(f"{URL}groepen", data={"csrf_token": token, "name": "Buurtpreventie Angelslo"},
                          follow_redirects=True)  # fmt: skip
    assert "Buurtpreventie Angelslo is geregistreerd" in registered.get_data(as_text=True)
    again = oov.post(f"{URL}groepen", data={"csrf_token": token, "name": "buurtpreventie angelslo"})
    assert again.status_code == 422

    position = {"lat": str(EMMEN_CENTRE[0]), "lon": str(EMMEN_CENTRE[1])}
    without_group = _file(oov, channel="groep", category="vernieling", description="Fietsen vernield.", **position)
    assert without_group.status_code == 422
    assert "Kies de groep waar de melding vandaan komt." in without_group.get_data(as_text=True)
    form = oov.get(URL).get_data(as_text=True)
    group_id = re.search(r'<option value="(\d+)">Buurtpreventie Angelslo</option>', form).group(1)
    _file(oov, channel="groep", group=group_id, category="vernieling", description="Fietsen vernield.", **position)
    report = db.session.scalar(sa.select(Report))
    assert report.channel == "groep"
    detail = oov.get(f"/medewerkers/meldingen/{report.id}").get_data(as_text=True)
    assert "Van een buurtpreventiegroep: Buurtpreventie Angelslo" in detail

    groups_page = oov.get(f"{URL}groepen").get_data(as_text=True)
    toggle = re.search(r'action="(/medewerkers/melding-opnemen/groepen/\d+/actief)"', groups_page).group(1)
    oov.post(toggle, data={"csrf_token": token})
    assert "Buurtpreventie Angelslo</option>" not in oov.get(URL).get_data(as_text=True)
