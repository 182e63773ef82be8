"""Reporting offline (issue 11), server side: the manifest and icons that make the site installable, the public
service worker's address and scope, and the queued send of a report kept on the phone — accepted without the
form's (possibly expired) CSRF token only as a same-origin script request, stored once per submission key, and
held to its own send limit."""

import io
import json
import secrets

import sqlalchemy as sa
from PIL import Image

from meldpunt.extensions import db
from meldpunt.reports.models import Report
from tests.fixtures.reports import EMMEN_CENTRE

QUEUED = "/melden/wachtend"
SCRIPT_HEADERS = {"X-Samen-Alert-Queued": "1", "Sec-Fetch-Site": "same-origin"}


def waiting_report(key=None, **fields):
    values = {
        "submission_key": [key or secrets.token_urlsafe(24)],
        "lat": [str(EMMEN_CENTRE[0])],
        "lon": [str(EMMEN_CENTRE[1])],
        "location_method": ["map"],
        "location_precision": ["exact"],
        "when": ["nu"],
        "description": ["Twee mannen riepen mij na bij de bushalte."],
    }
    values.update({name: [value] for name, value in fields.items()})
    return {"kind": "straatintimidatie", "category": "naroepen", "fields": values}


def send_waiting(client, body, headers=SCRIPT_HEADERS, address="198.51.100.7"):
    return client.post(QUEUED, data=json.dumps(body), content_type="application/json",
                       headers={**headers, "X-Forwarded-For": address})  # fmt: skip


def stored():
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Report).order_by(Report.id)))


def test_the_manifest_makes_the_site_installable_with_the_municipalitys_name_and_colour(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert "Emmen" in manifest["name"]
    assert manifest["theme_color"] == "#00652e"
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = set()
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200 and image.mimetype == "image/png"
            data = image.get_data()
        with Image.open(io.BytesIO(data)) as png:
            assert f"{png.width}x{png.height}" == icon["sizes"]
            sizes.add(png.width)
    assert {192, 512} <= sizes
    page = client.get("/").get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert '<meta name="theme-color" content="#00652e">' in page


def test_the_public_service_worker_is_served_from_the_root_and_field_mode_keeps_its_own(client):
    with client.get("/sw.js") as public, client.get("/veld/sw.js") as field:
        assert public.status_code == 200 and public.mimetype == "text/javascript"
        assert public.headers["Cache-Control"] == "no-cache"  # a new version is picked up at once
        assert field.status_code == 200 and field.get_data() != public.get_data()


def test_a_waiting_report_is_stored_once_however_often_it_is_sent(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)  # as in production: the queued send carries no CSRF token
    with app.app_context():
        client = app.test_client()
        body = waiting_report()
        first = send_waiting(client, body)
        assert first.status_code == 201, first.get_data(as_text=True)
        again = send_waiting(client, body)  # the second reconnect, or a second tab
        assert again.status_code == 200
        assert first.get_json()["reference"] == again.get_json()["reference"]
        reports = stored()
        assert len(reports) == 1 and reports[0].description == "Twee mannen riepen mij na bij de bushalte."
        # The receipt page shows the reference and, once, the tracking link.
        receipt = client.get(first.get_json()["receipt"]).get_data(as_text=True)
        assert reports[0].reference in receipt and "/volg/" in receipt


def test_another_site_cannot_send_a_waiting_report(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        body = waiting_report()
        assert send_waiting(client, body, headers={}).status_code == 400  # a plain form post cannot set headers
        cross_site = {**SCRIPT_HEADERS, "Sec-Fetch-Site": "cross-site"}
        assert send_waiting(client, body, headers=cross_site).status_code == 400
        other_origin = {"X-Samen-Alert-Queued": "1", "Origin": "https://evil.example"}
        assert send_waiting(client, body, headers=other_origin).status_code == 400
        as_form = client.post(QUEUED, data={"fields": "x"}, headers=SCRIPT_HEADERS)
        assert as_form.status_code == 400
        assert send_waiting(client, waiting_report(key="short")).status_code == 400
        assert stored() == []


def test_a_waiting_report_with_a_problem_is_refused_with_the_reason_in_dutch(client):
    response = send_waiting(client, waiting_report(description=""))
    assert response.status_code == 422
    assert "Beschrijf wat er is gebeurd." in response.get_json()["errors"]
    outside = send_waiting(client, waiting_report(lat="52.37", lon="4.89"))
    assert outside.status_code == 422
    assert any("Amsterdam" in error for error in outside.get_json()["errors"])
    assert stored() == []


def test_a_report_made_offline_is_not_refused_by_the_ordinary_send_limit_but_floods_still_stop(make_app):
    from tests.web.test_rate_limits import _send

    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", RATELIMIT_SUBMIT="1 per minute",
                   RATELIMIT_FORM_STEPS="100 per minute", RATELIMIT_QUEUED_SEND="2 per minute")  # fmt: skip
    with app.app_context():
        client = app.test_client()
        assert _send(client, "198.51.100.7").status_code == 303
        assert _send(client, "198.51.100.7").status_code == 429  # the ordinary limit is reached
        first = waiting_report()
        assert send_waiting(client, first).status_code == 201  # made earlier, offline: still taken
        assert send_waiting(client, first).status_code == 200  # a repeat costs nothing
        assert send_waiting(client, waiting_report()).status_code == 201
        assert send_waiting(client, waiting_report()).status_code == 429  # a flood of new ones stops
        assert len(stored()) == 3


def test_a_queued_report_of_a_category_restricted_by_its_data_is_not_held_to_contact_fields(client):
    """The queued send builds the same form as the page (kinds.asks_contact with the category): a category that
    asks no contact data does not refuse the report over an address it never asked for, and stores none."""
    from meldpunt.reports.models import Category

    category = db.session.scalar(sa.select(Category).where(Category.code == "naroepen"))
    category.restricted = True
    db.session.commit()
    sent = send_waiting(client, waiting_report(email="not-an-address", email_consent="y"))
    assert sent.status_code == 201, sent.get_json()
    assert [r.email for r in stored()] == [None]
