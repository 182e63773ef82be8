"""An independent Open311 client from PyPI (georeport) against the app served over HTTP: it lists the services and
reads a filed report back, in JSON and in XML, without personal data.

georeport 0.3.1 only reads (get_service_list, get_service_definition, get_service_requests, get_service_request:
each a requests.get; see its georeport.py); it has no call that files a report. The report is therefore filed by a
second independent means, plain `requests`, form-encoded exactly as the spec shows, over HTTP: still no Flask test
client and none of our code on the client side."""

import pytest
import requests
import sqlalchemy as sa
from georeport import GeoReport

from meldpunt.extensions import db
from meldpunt.open311.keys import issue_key
from meldpunt.reports.models import Report
from tests.fixtures.reports import EMMEN_CENTRE


@pytest.fixture
def served(make_live_server):
    app, base = make_live_server()
    with app.app_context():
        _record, key = issue_key("Datalab Drenthe")
        db.session.commit()
    return app, f"{base}/open311/v2", key


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_an_independent_client_lists_files_and_reads_back_without_personal_data(served, output_format):
    app, root, key = served
    client = GeoReport(root, api_key=key, output_format=output_format)
    services = client.get_service_list()
    codes = {s["service_code"] for s in services}
    assert "verlichting" in codes and "hennep" not in codes
    definition = client.get_service_definition("naroepen")
    assert "when" in str(definition["attributes"])

    filed = requests.post(
        f"{root}/requests.{output_format}",
        data={"api_key": key, "service_code": "verlichting", "lat": EMMEN_CENTRE[0], "long": EMMEN_CENTRE[1],
              "description": "Lantaarnpaal kapot bij de brug.", "email": "bewoner@example.org",
              "address_string": "Naast mijn huis, Hoofdstraat 12",
              "attribute[email_consent]": "true"},
        timeout=30,
    )  # fmt: skip
    assert filed.status_code == 201, filed.text
    reference = filed.json()[0]["service_request_id"] if output_format == "json" else filed.text.split(
        "<service_request_id>")[1].split("<")[0]  # fmt: skip

    one = client.get_service_request(reference)
    assert one["service_request_id"] == reference and one["status"] == "open"
    assert one["service_code"] == "verlichting" and one["address"] == "bij Emmen"  # a place, not what was typed
    with app.app_context():
        report = db.session.scalar(sa.select(Report).where(Report.reference == reference))
        assert report.channel == "api" and one["agency_responsible"] == report.queue.name("nl")
    listed = client.get_service_requests(service_code="verlichting", status="open")
    listed = listed if isinstance(listed, list) else [listed]  # xmltodict: one element is not a list
    assert reference in {r["service_request_id"] for r in listed}
    everything = requests.get(f"{root}/requests.{output_format}", timeout=30).text
    assert "bewoner@example.org" not in everything and "Hoofdstraat" not in everything


def test_a_revoked_key_is_refused_over_http(served):
    app, root, key = served
    from meldpunt.open311.keys import ApiKey, revoke_key

    with app.app_context():
        revoke_key(db.session.scalar(sa.select(ApiKey)))
        db.session.commit()
    refused = requests.post(f"{root}/requests.json", data={"api_key": key, "service_code": "verlichting"}, timeout=30)
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403
