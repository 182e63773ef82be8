"""Open311 GeoReport v2: a partner's app lists the services, files a report that lands in its queue like a web
report, and reads it back without personal data, in JSON and XML; refusals come in the spec's error format."""

import io
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.open311.keys import ApiKey, issue_key, revoke_key
from meldpunt.outbox.models import OutboxMessage
from meldpunt.reports.models import Report
from meldpunt.reports.photos import photo_store
from meldpunt.reports.submission import submit_report
from meldpunt.staff.models import AuditEntry
from tests.fixtures.reports import AMSTERDAM_DAM, COEVORDEN_CENTRE, EMMEN_CENTRE, jpeg_with_gps

BASE = "/open311/v2"


@pytest.fixture
def api_key(app):
    _record, key = issue_key("Wijkapp politie")
    db.session.commit()
    return key


def _post(client, key, fmt="json", **fields):
    data = {"api_key": key, "service_code": "verlichting", "lat": str(EMMEN_CENTRE[0]), "long": str(EMMEN_CENTRE[1]),
            "description": "De lantaarnpaal bij het fietspad is al een week kapot."} | fields  # fmt: skip
    return client.post(f"{BASE}/requests.{fmt}", data={k: v for k, v in data.items() if v is not None})


def _descriptions(response) -> list[str]:
    return [error["description"] for error in response.get_json()]


def _report(reference) -> Report:
    db.session.expire_all()
    return db.session.scalar(sa.select(Report).where(Report.reference == reference))


def test_services_list_active_categories_but_never_restricted_ones(client):
    services = client.get(f"{BASE}/services.json").get_json()
    codes = {s["service_code"] for s in services}
    assert {"naroepen", "jeugd", "verlichting"} <= codes
    assert not codes & {"dealen_woning", "hennep", "drugsafval", "loods_vakantiepark", "uitbuiting"}
    lighting = next(s for s in services if s["service_code"] == "verlichting")
    assert lighting["service_name"] == "Slechte of kapotte verlichting" and lighting["group"] == "Onveilige plek"
    assert client.get(f"{BASE}/services/hennep.json").status_code == 404


def test_service_definition_names_the_required_attributes(client):
    definition = client.get(f"{BASE}/services/naroepen.json").get_json()
    when = next(a for a in definition["attributes"] if a["code"] == "when")
    assert when["required"] is True and {v["key"] for v in when["values"]} == {"nu", "eerder"}
    xml = ET.fromstring(client.get(f"{BASE}/services/naroepen.xml").data)
    assert xml.tag == "service_definition" and xml.find("attributes/attribute/code").text == "when"


def test_a_report_filed_through_the_api_is_routed_mailed_and_audited_not_logged_as_staff(client, api_key):
    response = _post(client, api_key, email="bewoner@example.org", **{"attribute[email_consent]": "true"})
    assert response.status_code == 201, response.get_data(as_text=True)
    [answer] = response.get_json()
    report = _report(answer["service_request_id"])
    assert report.channel == "api" and report.queue.code == "OOV" and report.state == "nieuw"
    assert report.history[0].actor == "melder"
    mails = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.report_id == report.id)).all()
    assert [m.kind for m in mails] == ["confirmation"] and mails[0].recipient == "bewoner@example.org"
    uses = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.report_id == report.id)).all()
    assert [(u.action, u.user_id) for u in uses] == [("api_key_used", None)]
    assert uses[0].detail.startswith("Wijkapp politie: POST")


def test_reading_back_shows_no_personal_data_in_json_and_xml(client, api_key):
    answer = _post(client, api_key, email="bewoner@example.org", **{"attribute[email_consent]": "true"}).get_json()
    reference = answer[0]["service_request_id"]
    [row] = client.get(f"{BASE}/requests/{reference}.json").get_json()
    assert row["status"] == "open" and row["service_code"] == "verlichting"
    assert row["agency_responsible"] == _report(reference).queue.name("nl")
    assert row["description"] == "De lantaarnpaal bij het fietspad is al een week kapot."
    assert row["status_notes"] == "Ontvangen"
    assert "bewoner@example.org" not in client.get(f"{BASE}/requests/{reference}.json").get_data(as_text=True)
    xml = client.get(f"{BASE}/requests/{reference}.xml")
    assert xml.mimetype == "text/xml"
    request = ET.fromstring(xml.data).find("request")
    assert request.find("service_request_id").text == reference and request.find("status").text == "open"
    assert b"bewoner@example.org" not in xml.data
    assert abs(float(request.find("lat").text) - EMMEN_CENTRE[0]) < 1e-5  # an unsafe place, recent: exact


def test_a_description_with_contact_data_is_not_published(client, api_key):
    text = "Lamp kapot. Bel mij op 06-12345678 of mail jan@example.org"
    reference = _post(client, api_key, description=text).get_json()[0]["service_request_id"]
    body = client.get(f"{BASE}/requests/{reference}.json").get_data(as_text=True)
    assert "06-12345678" not in body and "jan@example.org" not in body
    assert client.get(f"{BASE}/requests/{reference}.json").get_json()[0]["description"] is None


def test_the_audit_line_of_a_read_never_holds_the_key(client, api_key):
    assert client.get(f"{BASE}/requests.json?api_key={api_key}&status=open").status_code == 200
    db.session.expire_all()
    details = [e.detail for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "api_key_used"))]
    assert details and all(api_key not in d for d in details)
    assert any("status=open" in d for d in details)


def test_straatintimidatie_is_coarsened_and_without_description(client, api_key):
    response = _post(client, api_key, service_code="naroepen", description="Hij riep mij na, ik woon op nr 12.",
                     lat="52.78123", long="6.89456", **{"attribute[when]": "nu"})  # fmt: skip
    reference = response.get_json()[0]["service_request_id"]
    [row] = client.get(f"{BASE}/requests/{reference}.json").get_json()
    assert row["description"] is None
    assert (row["lat"], row["long"]) != (52.78123, 6.89456)
    # The centre of the public 250 m cell: every report in that cell shows the same point.
    other = _post(client, api_key, service_code="naroepen", description="Weer nageroepen.", lat="52.78130",
                  long="6.89460", **{"attribute[when]": "nu"}).get_json()[0]["service_request_id"]  # fmt: skip
    [row2] = client.get(f"{BASE}/requests/{other}.json").get_json()
    assert (row2["lat"], row2["long"]) == (row["lat"], row["long"])


def test_old_reports_are_coarsened_and_closed_ones_show_only_a_generic_outcome(app, client, new_report):
    receipt = submit_report(new_report(kind="onveilige_plek", category_code="donker", lat=52.78123, lon=6.89456))
    report = db.session.get(Report, receipt.report_id)
    report.created_at = utcnow() - timedelta(days=app.config["RETENTION_EXACT_LOCATION_DAYS"] + 1)
    report.state, report.outcome, report.closed_at = "afgehandeld", "politie_ingeschakeld", utcnow()
    db.session.commit()
    [row] = client.get(f"{BASE}/requests/{receipt.reference}.json").get_json()
    assert row["status"] == "closed"
    assert row["status_notes"] == "Afgehandeld: Overgedragen aan een partner"  # not "police called in"
    assert (row["lat"], row["long"]) != (52.78123, 6.89456)


def test_restricted_reports_are_never_returned(client, new_report):
    receipt = submit_report(new_report(kind="verdachte_situatie", category_code="hennep"))
    db.session.commit()
    assert client.get(f"{BASE}/requests/{receipt.reference}.json").status_code == 404
    listed = client.get(f"{BASE}/requests.json").get_json()
    assert receipt.reference not in {r["service_request_id"] for r in listed}


def test_filters_of_the_spec(client, api_key):
    lamp = _post(client, api_key).get_json()[0]["service_request_id"]
    shout = _post(client, api_key, service_code="naroepen", description="Nageroepen.",
                  **{"attribute[when]": "nu"}).get_json()[0]["service_request_id"]  # fmt: skip
    ids = lambda q: {r["service_request_id"] for r in client.get(f"{BASE}/requests.json?{q}").get_json()}  # noqa: E731
    assert ids("service_code=naroepen") == {shout}
    assert ids(f"service_request_id={lamp},{shout}") == {lamp, shout}
    assert ids("status=closed") == set() and ids("status=open") == {lamp, shout}
    tomorrow = (utcnow() + timedelta(days=1)).isoformat()
    assert ids(f"start_date={tomorrow.replace('+', '%2B')}") == set()


@pytest.mark.parametrize(
    ("query", "status"),
    [("start_date=gisteren", 400), ("end_date=2026-13-01T00:00:00Z", 400), ("status=dicht", 400), ("page=0", 400)],
)
def test_bad_filters_are_refused_in_the_spec_error_format(client, query, status):
    response = client.get(f"{BASE}/requests.json?{query}")
    assert response.status_code == status
    [error] = response.get_json()
    assert error["code"] == status and error["description"]


def test_missing_or_revoked_keys_are_refused_with_403(client, api_key):
    assert _post(client, None).status_code == 403
    assert _post(client, "sa_not-a-key").status_code == 403
    record = db.session.scalar(sa.select(ApiKey))
    revoke_key(record)
    db.session.commit()
    response = _post(client, api_key, fmt="xml")
    assert response.status_code == 403
    error = ET.fromstring(response.data).find("error")
    assert error.find("code").text == "403" and error.find("description").text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_refusals_name_the_problem(client, api_key):
    unknown = _post(client, api_key, service_code="hennep")
    assert unknown.status_code == 400 and "service_code" in unknown.get_json()[0]["description"]
    coevorden = _post(client, api_key, lat=str(COEVORDEN_CENTRE[0]), long=str(COEVORDEN_CENTRE[1]))
    assert coevorden.status_code == 400 and "Coevorden" in coevorden.get_json()[0]["description"]
    amsterdam = _post(client, api_key, lat=str(AMSTERDAM_DAM[0]), long=str(AMSTERDAM_DAM[1]))
    assert "Amsterdam" in amsterdam.get_json()[0]["description"]
    no_when = _post(client, api_key, service_code="naroepen")
    assert no_when.status_code == 400 and "attribute[when]" in no_when.get_json()[0]["description"]
    no_text = _post(client, api_key, description="")
    assert no_text.status_code == 400 and no_text.get_json()[0]["description"].startswith("description")
    no_consent = _post(client, api_key, email="bewoner@example.org")
    assert no_consent.status_code == 400 and "email_consent" in no_consent.get_json()[0]["description"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_english_on_request(client):
    services = client.get(f"{BASE}/services.json", headers={"Accept-Language": "en"}).get_json()
    assert next(s for s in services if s["service_code"] == "verlichting")["service_name"] == "Poor or broken lighting"


def _limited_app(make_app, **limits):
    return make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", **limits)


def test_each_key_has_its_own_rate_limit_answered_in_the_spec_format(make_app):
    app = _limited_app(make_app, RATELIMIT_OPEN311_KEY="2 per minute", RATELIMIT_OPEN311_ADDRESS="100 per minute")
    with app.app_context():
        _record, key = issue_key("Datalab")
        _other, other_key = issue_key("Gemeente-app")
        db.session.commit()
        client = app.test_client()
        assert [_post(client, key).status_code for _ in range(3)] == [201, 201, 429]
        refused = _post(client, key, fmt="xml")
        assert refused.status_code == 429 and refused.headers["Retry-After"]
        assert ET.fromstring(refused.data).find("error/code").text == "429"
        assert _post(client, other_key).status_code == 201


def test_each_address_has_its_own_rate_limit(make_app):
    app = _limited_app(make_app, RATELIMIT_OPEN311_ADDRESS="3 per minute")
    with app.app_context():
        client = app.test_client()
        assert [client.get(f"{BASE}/services.json").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert client.get(f"{BASE}/requests.json").get_json()[0]["code"] == 429
        assert client.get(f"{BASE}/services.json", environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 200


def test_any_w3c_date_time_is_a_date_even_long_ago(client):
    """Found by schemathesis: a valid date-time from the year 151 was refused as "not a date"."""
    assert client.get(f"{BASE}/requests.json?start_date=0151-09-03T11:21:28.594686Z").status_code == 200
    assert client.get(f"{BASE}/requests.json?end_date=2026-11-30t21:00:00z").status_code == 200
    assert client.get(f"{BASE}/requests.json?end_date=2026-11-30T21:00:00").status_code == 400  # no zone


def test_service_definitions_are_the_forms_own_questions(app, client):
    from meldpunt.web.report_forms import form_for_kind

    for kind, code in (("overlast", "jeugd"), ("overlast", "woonoverlast"), ("onveilige_plek", "verlichting")):
        definition = client.get(f"{BASE}/services/{code}.json").get_json()
        attribute_codes = [a["code"] for a in definition["attributes"]]
        with app.test_request_context():
            form_questions = [f.name for f in form_for_kind(kind, formdata={}).questions_for(code)]
        assert [c for c in attribute_codes if c in form_questions] == form_questions and form_questions
    lighting = client.get(f"{BASE}/services/verlichting.json").get_json()["attributes"]
    times = next(a for a in lighting if a["code"] == "unsafe_times")
    assert times["datatype"] == "multivaluelist" and {v["key"] for v in times["values"]} == {"dag", "avond", "nacht"}


def test_answers_sent_as_attributes_are_stored_and_a_weapon_flags_the_report(client, api_key):
    answers = {"attribute[when]": "nu", "attribute[weapon]": "ja", "attribute[people_involved]": "groep"}
    shout = _post(client, api_key, service_code="naroepen", description="Ze bedreigden mij met een mes.", **answers)
    report = _report(shout.get_json()[0]["service_request_id"])
    assert report.answers == {"weapon": "ja", "people_involved": "groep"} and report.safety_flag
    place = _post(client, api_key, **{"attribute[unsafe_times][]": ["avond", "nacht"]})
    assert _report(place.get_json()[0]["service_request_id"]).answers == {"unsafe_times": ["avond", "nacht"]}
    wrong = _post(client, api_key, **{"attribute[lighting]": "fel"})
    assert wrong.status_code == 400 and wrong.get_json()[0]["description"].startswith("attribute[lighting]")


def test_discovery_names_the_endpoint_in_both_formats(client):
    discovery = client.get(f"{BASE}/discovery.json").get_json()
    [endpoint] = discovery["endpoints"]
    assert endpoint["url"].endswith("/open311/v2") and endpoint["formats"] == ["application/json", "text/xml"]
    xml = ET.fromstring(client.get(f"{BASE}/discovery.xml").data)
    assert xml.tag == "discovery" and xml.find("endpoints/endpoint/specification").text.endswith("GeoReport_v2")


def test_every_problem_of_a_post_comes_at_once_in_the_spec_error_list(client, api_key):
    response = _post(client, api_key, service_code="naroepen", lat=None, long=None, description="",
                     email="bewoner@example.org", **{"attribute[weapon]": "bazooka"})  # fmt: skip
    assert response.status_code == 400
    named = [d.split()[0].rstrip(":") for d in _descriptions(response)]
    assert sorted(named) == sorted(["description", "lat/long", "attribute[when]", "attribute[email_consent]",
                                    "attribute[weapon]"]), named  # fmt: skip
    assert all(e["code"] == 400 for e in response.get_json())
    unknown = _post(client, api_key, service_code="bestaat-niet", lat="52,78", description=" ")
    [service_code, description, position] = _descriptions(unknown)
    assert "service_code" in service_code and description.startswith("description:")
    assert position.startswith("lat/long:")
    restricted = _post(client, api_key, service_code="hennep", lat=None)
    assert len(_descriptions(restricted)) == 2  # its own rules (a time, no e-mail) are not told
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_address_is_the_place_near_the_cell_never_the_reporters_own_words(client, api_key):
    typed = "Voor mijn huis, Hoofdstraat 12"
    place = _post(client, api_key, address_string=typed).get_json()[0]["service_request_id"]
    assert _report(place).location_description == typed  # kept for staff
    shout = _post(client, api_key, service_code="naroepen", description="Nageroepen.", address_string=typed,
                  **{"attribute[when]": "nu"}).get_json()[0]["service_request_id"]  # fmt: skip
    for reference in (place, shout):
        [row] = client.get(f"{BASE}/requests/{reference}.json").get_json()
        assert row["address"] == "bij Emmen", row
        assert "Hoofdstraat" not in client.get(f"{BASE}/requests/{reference}.xml").get_data(as_text=True)
    english = client.get(f"{BASE}/requests/{place}.json", headers={"Accept-Language": "en"}).get_json()
    assert english[0]["address"] == "near Emmen"


def test_a_photo_sent_as_media_is_stored_clean_for_staff_and_never_published(client, api_key):
    data = {"api_key": api_key, "service_code": "verlichting", "lat": str(EMMEN_CENTRE[0]),
            "long": str(EMMEN_CENTRE[1]), "description": "Lamp kapot, zie foto.",
            "media": (io.BytesIO(jpeg_with_gps()), "IMG_2041.jpg")}  # fmt: skip
    response = client.post(f"{BASE}/requests.json", data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    reference = response.get_json()[0]["service_request_id"]
    [photo] = _report(reference).photos
    assert b"Exif" not in photo_store().path_of(photo.storage_key).read_bytes()
    [row] = client.get(f"{BASE}/requests/{reference}.json").get_json()
    assert row["media_url"] is None
    not_a_photo = data | {"media": (io.BytesIO(b"%PDF-1.4 factuur"), "factuur.pdf"), "description": ""}
    refused = client.post(f"{BASE}/requests.json", data=not_a_photo, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert {d.partition(":")[0] for d in _descriptions(refused)} == {"media", "description"}


def _count_reports() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report))


def _post_with_key(client, api_key, idempotency_key, fmt="json", **fields):
    data = {"api_key": api_key, "service_code": "verlichting", "lat": str(EMMEN_CENTRE[0]),
            "long": str(EMMEN_CENTRE[1]), "description": "De lantaarnpaal bij het fietspad is al een week kapot.",
            "email": "bewoner@example.org", "attribute[email_consent]": "true"} | fields  # fmt: skip
    return client.post(f"{BASE}/requests.{fmt}", data=data, headers={"Idempotency-Key": idempotency_key})


def test_a_retried_post_with_the_same_idempotency_key_stores_one_report(client, api_key):
    """A partner's app that lost the reply sends the same POST again: it hears the same service_request_id, and
    nothing is stored (or mailed) twice."""
    first = _post_with_key(client, api_key, '"8e03978e-40d5-43e8-bc93-6894a57f9324"')
    assert first.status_code == 201, first.get_data(as_text=True)
    again = _post_with_key(client, api_key, '"8e03978e-40d5-43e8-bc93-6894a57f9324"')
    assert again.status_code == 201, again.get_data(as_text=True)
    reference = first.get_json()[0]["service_request_id"]
    assert again.get_json()[0]["service_request_id"] == reference
    in_xml = _post_with_key(client, api_key, "8e03978e-40d5-43e8-bc93-6894a57f9324", fmt="xml")  # unquoted: the same
    assert ET.fromstring(in_xml.data).find("request/service_request_id").text == reference
    assert _count_reports() == 1
    report = _report(reference)
    mails = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.report_id == report.id)).all()
    assert [m.kind for m in mails] == ["confirmation"]
    uses = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.report_id == report.id)).all()
    assert len(uses) == 3  # every use of the key is audited, the retries too

    other = _post_with_key(client, api_key, "b1c2d3e4-second-report")
    assert other.status_code == 201 and other.get_json()[0]["service_request_id"] != reference
    without = _post(client, api_key)  # no key: every POST is a new report, as before
    assert without.status_code == 201
    assert _count_reports() == 3


def test_the_same_idempotency_key_from_another_partner_is_another_report(client, api_key):
    _record, other_key = issue_key("Datalab")
    db.session.commit()
    first = _post_with_key(client, api_key, "shared-key-0001").get_json()[0]["service_request_id"]
    response = _post_with_key(client, other_key, "shared-key-0001", description="Een andere melding, ander park.")
    assert response.status_code == 201, response.get_data(as_text=True)
    second = response.get_json()[0]["service_request_id"]
    assert second != first and _count_reports() == 2
    assert _report(second).description == "Een andere melding, ander park."


@pytest.mark.parametrize("value", ["", '""', "x" * 256, "sleutel\u00e9"])
def test_an_unusable_idempotency_key_is_refused_in_the_spec_format(client, api_key, value):
    response = client.post(f"{BASE}/requests.json", headers={"Idempotency-Key": value},
                           data={"api_key": api_key, "service_code": "verlichting", "lat": str(EMMEN_CENTRE[0]),
                                 "long": str(EMMEN_CENTRE[1]), "description": "Lamp kapot."})  # fmt: skip
    assert response.status_code == 400
    assert _descriptions(response)[0].startswith("Idempotency-Key")
    assert _count_reports() == 0
