"""Boa field mode: nearest first by the database, live reports on top, claim, on site, close."""

import re
from datetime import timedelta

import sqlalchemy as sa
from flask import g
from sqlalchemy.dialects import postgresql

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo import LatLon, spatial
from meldpunt.reports.models import Report
from meldpunt.reports.queries import open_field_reports_near
from meldpunt.reports.submission import submit_report

HERE = (52.7858, 6.8975)  # lat, lon


def _file(new_report, lat, lon, *, hours_ago, **extra):
    now = utcnow() - timedelta(hours=hours_ago)
    values = dict(kind="overlast", category_code="vernieling", lat=lat, lon=lon,
                  incident_at=now - timedelta(days=1))  # fmt: skip
    values.update(extra)
    report = db.session.get(Report, submit_report(new_report(**values), now=now).report_id)
    db.session.commit()
    return report


def test_live_reports_first_then_each_group_nearest_first(app, new_report):
    far_old = _file(new_report, 52.7950, 6.8975, hours_ago=30)  # ~1 km
    near_old = _file(new_report, 52.7860, 6.8975, hours_ago=30)  # ~22 m
    far_live = _file(new_report, 52.7900, 6.8975, hours_ago=1)  # ~470 m
    near_live = _file(new_report, 52.7865, 6.8975, hours_ago=1)  # ~78 m
    closed = _file(new_report, 52.7858, 6.8975, hours_ago=1)
    closed.state = "geannuleerd"
    _file(new_report, 52.7858, 6.8976, hours_ago=1, kind="onveilige_plek", category_code="donker")  # OOV queue
    db.session.commit()
    rows = open_field_reports_near(LatLon(*HERE))
    assert [r.id for r, _, _ in rows] == [near_live.id, far_live.id, near_old.id, far_old.id]
    assert [live for _, _, live in rows] == [True, True, False, False]
    distances = [round(d) for _, d, _ in rows]
    assert abs(distances[0] - 78) <= 3 and abs(distances[2] - 22) <= 3 and abs(distances[3] - 1023) <= 10


def test_postgis_orders_with_the_knn_index_operator():
    here = spatial.to_rd(spatial.point(LatLon(52.7858, 6.8975)))
    sql = str(
        sa.select(Report.id)
        .order_by(spatial.NearestFirst(Report.location_rd, here))
        .compile(dialect=postgresql.dialect())
    )
    assert "report.location_rd <-> ST_Transform" in sql


def test_field_page_lists_distances_and_never_contact(client, staff, login, new_report):
    _file(new_report, 52.7865, 6.8975, hours_ago=0.5, email="melder@example.org", email_consent=True)
    login(client, staff["boa"])
    page = client.get("/veld/").get_data(as_text=True)
    assert "Live" in page
    assert "melder@example.org" not in page
    assert 'data-refresh="10"' in page and "js/field.js" in page


def test_the_list_fragment_shows_a_new_report(client, staff, login, new_report):
    login(client, staff["boa"])
    before = client.get("/veld/lijst").get_data(as_text=True)
    report = _file(new_report, 52.7865, 6.8975, hours_ago=0)
    after = client.get("/veld/lijst").get_data(as_text=True)
    assert f"/veld/meldingen/{report.id}" not in before and f"/veld/meldingen/{report.id}" in after


def test_claim_on_site_close(client, staff, login, new_report):
    report = _file(new_report, 52.7865, 6.8975, hours_ago=0.2)
    login(client, staff["boa"])
    assert client.post(f"/veld/meldingen/{report.id}/claim", data={"version": 1}).status_code == 302
    assert client.post(f"/veld/meldingen/{report.id}/ter-plaatse", data={"version": 2}).status_code == 302
    empty = client.post(f"/veld/meldingen/{report.id}/afronden", data={"version": 3, "outcome": ""})
    assert empty.status_code == 422
    page = empty.get_data(as_text=True)  # the reason where the page opens, before the heading
    assert "Kies een uitkomst." in page[page.index('id="field-errors"') : page.index("<h1>")]
    closing = {"version": 3, "outcome": "niets_aangetroffen", "note": "Niemand meer aanwezig"}
    done = client.post(f"/veld/meldingen/{report.id}/afronden", data=closing)
    assert done.status_code == 302
    db.session.expire_all()
    report = db.session.get(Report, report.id)
    assert report.state == "afgehandeld" and report.outcome == "niets_aangetroffen"
    assert [h.event for h in report.history][-3:] == ["claim", "on_site", "close"]


def test_claiming_a_report_with_a_safety_flag_asks_how_and_shows_why_at_the_top(client, staff, login, new_report):
    report = _file(new_report, 52.7865, 6.8975, hours_ago=0.2, answers={"weapon": "ja"})
    login(client, staff["boa"])
    first = client.post(f"/veld/meldingen/{report.id}/claim", data={"version": 1})
    assert first.status_code == 422
    page = first.get_data(as_text=True)
    # The reason comes first on the page, before the heading, where a phone opens it.
    assert page.index('id="field-errors"') < page.index("<h1>")
    assert "Kies hoe u gaat: niet alleen." in page[page.index('id="field-errors"') : page.index("<h1>")]
    for step in ("met_collega", "wacht_op_collega", "politie"):
        assert f'value="{step}"' in page
    db.session.expire_all()
    assert db.session.get(Report, report.id).assigned_to_id is None
    confirmed = client.post(f"/veld/meldingen/{report.id}/claim", data={"version": 1, "safety_step": "met_collega"})
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Report, report.id).history[-1].reason == "Ik ga erheen met een collega"


def test_a_report_claimed_by_a_colleague_cannot_be_claimed(app, staff, login, new_report):
    report = _file(new_report, 52.7865, 6.8975, hours_ago=0.2)
    first, second = app.test_client(), app.test_client()
    login(first, staff["boa"])
    login(second, staff["boa2"])
    assert first.post(f"/veld/meldingen/{report.id}/claim", data={"version": 1}).status_code == 302
    # The test keeps one app context for both clients; Flask-Login caches the user on it.
    g.pop("_login_user", None)
    late = second.post(f"/veld/meldingen/{report.id}/claim", data={"version": 2})
    assert late.status_code == 422


def test_the_position_travels_in_a_header_not_in_the_address(client, staff, login, new_report):
    _file(new_report, 52.7865, 6.8975, hours_ago=0.5)
    login(client, staff["boa"])
    by_header = client.get("/veld/lijst", headers={"X-Position": f"{HERE[0]},{HERE[1]}"}).get_data(as_text=True)
    assert re.search(r"\b7[0-9] m\b", by_header)  # ~78 m
    by_query = client.get(f"/veld/lijst?lat={HERE[0]}&lon={HERE[1]}").get_data(as_text=True)
    assert not re.search(r"\b7[0-9] m\b", by_query)  # a position in the URL ends up in logs: not read
    for bad in ("nan,nan", "91,0", "a,b", "52.78"):
        assert client.get("/veld/lijst", headers={"X-Position": bad}).status_code == 200


def test_a_closed_field_report_is_closed_to_field_mode_with_its_photos(client, staff, login, new_report):
    from meldpunt.reports.photos import CleanPhoto, photo_store
    from tests.fixtures.reports import jpeg_with_gps

    token = photo_store().save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
    report = _file(new_report, 52.7865, 6.8975, hours_ago=0.2, pending_photo_tokens=[token])
    [photo] = report.photos
    login(client, staff["boa"])
    assert client.get(f"/veld/meldingen/{report.id}").status_code == 200
    with client.get(f"/medewerkers/fotos/{photo.id}") as shown:
        assert shown.status_code == 200
    report.state = "geannuleerd"
    db.session.commit()
    closed = client.get(f"/veld/meldingen/{report.id}")
    assert closed.status_code == 410 and "niet meer open" in closed.get_data(as_text=True)
    assert report.description not in closed.get_data(as_text=True)
    assert client.get(f"/medewerkers/fotos/{photo.id}").status_code == 403


def test_safety_reports_lead_the_list_and_my_reports_have_their_own_section(client, staff, login, new_report):
    near = _file(new_report, 52.7859, 6.8975, hours_ago=0.2)  # ~11 m
    danger = _file(new_report, 52.7950, 6.8975, hours_ago=30, answers={"weapon": "ja"})  # ~1 km, old
    mine = _file(new_report, 52.7900, 6.8975, hours_ago=0.5)
    rows = open_field_reports_near(LatLon(*HERE))
    assert [r.id for r, _, _ in rows] == [danger.id, near.id, mine.id]
    login(client, staff["boa"])
    assert client.post(f"/veld/meldingen/{mine.id}/claim", data={"version": 1}).status_code == 302
    page = client.get("/veld/lijst", headers={"X-Position": f"{HERE[0]},{HERE[1]}"}).get_data(as_text=True)
    assert page.index("Mijn meldingen") < page.index(f"/veld/meldingen/{mine.id}") < page.index("Open meldingen")
    assert page.count(f"/veld/meldingen/{mine.id}") == 1
    assert page.index(f"/veld/meldingen/{danger.id}") < page.index(f"/veld/meldingen/{near.id}")


def test_the_report_page_says_where_in_words_with_reference_age_and_navigation(client, staff, login, new_report):
    report = _file(new_report, 52.7865, 6.8975, hours_ago=0.2)  # 12 minutes ago
    login(client, staff["boa"])
    page = client.get(f"/veld/meldingen/{report.id}").get_data(as_text=True)
    assert report.area is not None and report.area.display_name in page
    assert '<strong class="street">bij Emmen</strong>' in page  # the nearest place of the gazetteer
    assert report.reference in page
    assert "12 minuten geleden" in page
    assert 'href="geo:52.786500,6.897500?q=52.786500,6.897500"' in page
    assert 'href="https://maps.apple.com/?daddr=52.786500,6.897500"' in page
    # The facts come before the map, and the actions are in the bar at the end.
    assert page.index("12 minuten geleden") < page.index("folium-map") < page.index('id="action-bar"')


def test_handing_back_needs_a_reason_and_puts_the_report_back(client, staff, login, new_report):
    report = _file(new_report, 52.7865, 6.8975, hours_ago=0.2)
    login(client, staff["boa"])
    client.post(f"/veld/meldingen/{report.id}/claim", data={"version": 1})
    form = client.get(f"/veld/meldingen/{report.id}/teruggeven").get_data(as_text=True)
    assert 'value="einde_dienst"' in form
    refused = client.post(f"/veld/meldingen/{report.id}/teruggeven", data={"version": 2, "reason": "anders"})
    assert refused.status_code == 422
    # The same summary as on the report page: first, with the reason, before the heading.
    page = refused.get_data(as_text=True)
    summary = page[page.index('<div id="field-errors" class="error-summary" role="alert"') : page.index("<h1>")]
    assert "Niet gelukt:" in summary and "<li>Geef een reden om de melding terug te geven.</li>" in summary
    done = client.post(f"/veld/meldingen/{report.id}/teruggeven",
                       data={"version": 2, "reason": "einde_dienst", "explanation": "Dienst zit erop"})  # fmt: skip
    assert done.status_code == 302
    db.session.expire_all()
    report = db.session.get(Report, report.id)
    assert report.assigned_to_id is None
    assert report.history[-1].reason == "Teruggegeven: Einde dienst: Dienst zit erop"


def test_an_outcome_sent_twice_with_its_key_closes_once(client, staff, login, new_report):
    report = _file(new_report, 52.7865, 6.8975, hours_ago=0.2)
    login(client, staff["boa"])
    client.post(f"/veld/meldingen/{report.id}/claim", data={"version": 1})
    key = "3f1c9a52-7d4e-4b8a-9c61-0e2f5d7a8b90"
    closing = {"version": 2, "outcome": "aangesproken", "action_key": key}
    json = {"Accept": "application/json"}
    first = client.post(f"/veld/meldingen/{report.id}/afronden", data=closing, headers=json)
    again = client.post(f"/veld/meldingen/{report.id}/afronden", data=closing, headers=json)
    assert (first.status_code, first.json, again.status_code, again.json) == (200, {"ok": True}, 200, {"ok": True})
    db.session.expire_all()
    report = db.session.get(Report, report.id)
    assert [h.event for h in report.history].count("close") == 1 and len(report.messages) == 1
    # Another key is another action: refused (the report is closed), with the reason for the phone.
    other = client.post(f"/veld/meldingen/{report.id}/afronden", headers=json,
                        data=closing | {"action_key": "0e2f5d7a-8b90-4b8a-9c61-3f1c9a527d4e"})  # fmt: skip
    assert other.status_code == 410


def test_a_signed_out_phone_sending_an_outcome_gets_401_not_a_page(client, new_report):
    report = _file(new_report, 52.7865, 6.8975, hours_ago=0.2)
    answer = client.post(f"/veld/meldingen/{report.id}/afronden", data={"version": 2, "outcome": "aangesproken"},
                         headers={"Accept": "application/json"})  # fmt: skip
    assert answer.status_code == 401 and answer.json["signed_out"] is True


def test_the_service_worker_is_served_from_field_mode(client):
    with client.get("/veld/sw.js") as answer:
        assert answer.status_code == 200 and answer.mimetype == "text/javascript"
        assert b"samen-alert-veld" in answer.data
