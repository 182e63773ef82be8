"""The signal without a spot on the site (issue 10 item 6): the form offers a wijk or dorp instead of the map and the
place search, and works without JavaScript; the policy officer with restricted access finds the signal in OOV's
queue, counted for its area only, and its page shows no map."""

import re
from datetime import timedelta

import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo.areas import signal_area_choices
from meldpunt.reports.models import Report
from meldpunt.reports.submission import submit_report
from tests.fixtures.reports import EMMEN_CENTRE
from tests.web.test_report_form import Reporter, reports, text

SIGNAL_TEXT = "Op een Facebookpagina over de wijk worden bewoners van de flat uitgescholden en bedreigd."


def test_the_form_asks_for_a_wijk_or_dorp_instead_of_a_spot(client):
    page = client.get("/melden/spanningen/online_spanningen")
    assert page.status_code == 200
    body = text(page)
    assert 'name="area_code"' in body
    for area in signal_area_choices():
        assert f'value="{area.code}"' in body
    # No map, no place search, no spot fields, no contact fields, no "how safe do you feel here", no photo.
    for absent in ("folium-map", 'name="place_query"', 'name="lat"', 'name="location_description"', 'name="email"',
                   'name="safety_feeling"', 'name="photo"', "location-picker.js", "leaflet"):  # fmt: skip
        assert absent not in body, absent


def test_a_signal_about_a_dorp_is_reviewed_and_sent_without_javascript(client):
    dorp = signal_area_choices()[0]
    reporter = Reporter(client, "spanningen", "online_spanningen")
    fields = {"lat": None, "lon": None, "location_method": None, "area_code": dorp.code,
              "description": SIGNAL_TEXT, "seen_where": "online"}  # fmt: skip
    review = reporter.post(**fields)
    assert review.status_code == 200
    body = text(review)
    assert dorp.display_name in body and SIGNAL_TEXT in body
    assert "spot-map" not in body and "folium" not in body
    sent = reporter.send(**fields)
    assert sent.status_code == 303
    confirmation = text(client.get(sent.headers["Location"]))
    assert 'id="tracking-link"' not in confirmation  # restricted: no tracking link
    [report] = reports()
    assert report.kind == "spanningen" and report.queue.code == "OOV"
    assert report.location_method == "gebied" and [a.code for a in report.areas] == [dorp.code]
    assert report.answers == {"seen_where": "online"} and report.email is None


def test_a_signal_without_an_area_goes_to_the_municipality(client):
    reporter = Reporter(client, "spanningen", "polarisatie")
    sent = reporter.send(lat=None, lon=None, location_method=None, area_code="", description=SIGNAL_TEXT)
    assert sent.status_code == 303
    [report] = reports()
    assert report.location_method == "gemeente" and report.areas == [] and report.queue.code == "OOV"


def test_an_unknown_area_is_refused_on_the_form_and_the_text_kept(client):
    reporter = Reporter(client, "spanningen", "online_spanningen")
    response = reporter.post(lat=None, lon=None, area_code="nergensdorp", description=SIGNAL_TEXT)
    assert response.status_code == 422
    body = text(response)
    assert 'id="area_code-error"' in body and SIGNAL_TEXT in body
    assert reports() == []


def _signal(new_report, area_code=None) -> Report:
    receipt = submit_report(new_report(kind="spanningen", category_code="online_spanningen", description=SIGNAL_TEXT,
                                       position=None, area_code=area_code,
                                       incident_at=utcnow() - timedelta(hours=2)))  # fmt: skip
    db.session.commit()
    return db.session.get(Report, receipt.report_id)


def test_oov_with_restricted_access_sees_it_counted_for_its_area_only(app, new_report, make_user, login):
    officer = make_user("spanning", "oov", sees_restricted=True)
    dorpen = signal_area_choices()
    here, elsewhere = dorpen[0], dorpen[1]
    signal = _signal(new_report, here.code)
    # An ordinary report at the centre of Emmen, in whatever area lies there.
    submit_report(new_report(kind="overlast", category_code="drugs", lat=EMMEN_CENTRE[0], lon=EMMEN_CENTRE[1]))
    db.session.commit()
    client = app.test_client()
    login(client, officer)
    assert signal.reference in text(client.get(f"/medewerkers/wachtrij/OOV?area={here.id}&state=alle"))
    assert signal.reference not in text(client.get(f"/medewerkers/wachtrij/OOV?area={elsewhere.id}&state=alle"))
    # Its page names the area and shows no spot and no map.
    page = text(client.get(f"/medewerkers/meldingen/{signal.id}"))
    assert SIGNAL_TEXT in page and 'id="no-spot"' in page and here.display_name in page
    assert "spot-map" not in page and "folium" not in page
    # Nor is it on the queue's map.
    data = client.get("/medewerkers/wachtrij/OOV/kaart.geojson?state=alle").get_json()
    assert signal.id not in {f["properties"].get("id") for f in data["features"]}


def test_a_signal_without_an_area_names_the_municipality_on_its_page(app, new_report, make_user, login):
    officer = make_user("spanning", "oov", sees_restricted=True)
    signal = _signal(new_report)
    client = app.test_client()
    login(client, officer)
    page = text(client.get(f"/medewerkers/meldingen/{signal.id}"))
    assert re.search(r'id="no-spot">[^<]*\S', page) and "spot-map" not in page


def test_open311_neither_lists_nor_takes_the_kind(app, new_report):
    """Not a service; a POST naming one of its categories is refused as an unknown service, and nothing is stored."""
    from meldpunt.open311.keys import issue_key

    _key, secret = issue_key("Buurtapp", by=None)
    db.session.commit()
    client = app.test_client()
    services = client.get("/open311/v2/services.json").get_json()
    assert not {s["service_code"] for s in services} & {"online_spanningen", "polarisatie", "spanningen_groepen"}
    response = client.post("/open311/v2/requests.json", data={
        "api_key": secret, "service_code": "online_spanningen", "description": SIGNAL_TEXT,
        "lat": str(EMMEN_CENTRE[0]), "long": str(EMMEN_CENTRE[1]), "attribute[when]": "nu"})  # fmt: skip
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_a_signal_kept_on_the_phone_while_offline_is_sent_with_its_area(client):
    """The queued send (web/offline.py) takes the same form: the area, no spot."""
    import secrets

    from tests.web.test_offline_reporting import send_waiting

    dorp = signal_area_choices()[0]
    fields = {"submission_key": [secrets.token_urlsafe(24)], "when": ["nu"], "description": [SIGNAL_TEXT],
              "area_code": [dorp.code], "lat": [str(EMMEN_CENTRE[0])], "lon": [str(EMMEN_CENTRE[1])]}  # fmt: skip
    response = send_waiting(client, {"kind": "spanningen", "category": "online_spanningen", "fields": fields})
    assert response.status_code == 201, response.get_json()
    [report] = reports()
    assert report.location_method == "gebied" and [a.code for a in report.areas] == [dorp.code]
    assert report.queue.code == "OOV"
