"""Security headers, no third-party assets, rate limits on anonymous endpoints."""

import re

import pytest
import redis

from meldpunt.web.security import content_security_policy
from tests.web.test_report_form import Reporter

PAGES = ["/", "/melden/overlast", "/melden/overlast/jeugd", "/elders/politie"]


@pytest.mark.parametrize("path", PAGES)
def test_strict_csp_with_a_fresh_nonce_per_response(client, path):
    first, second = client.get(path), client.get(path)
    csp = first.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert nonce != re.search(r"'nonce-([^']+)'", second.headers["Content-Security-Policy"]).group(1)
    body = first.get_data(as_text=True)
    # Every inline script carries the nonce; every other script is ours.
    for tag in re.findall(r"<script[^>]*>", body):
        assert f'nonce="{nonce}"' in tag or 'src="/static/' in tag, tag
    assert first.headers["Referrer-Policy"] == "no-referrer"
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["Cache-Control"] == "no-store"


def test_the_map_page_loads_nothing_from_a_cdn(client):
    body = client.get("/melden/overlast/jeugd").get_data(as_text=True)
    assert "folium-map" in body and "meldpunt:pick" in body
    for cdn in ("cdn.jsdelivr", "cdnjs", "unpkg", "code.jquery", "bootstrapcdn", "googleapis"):
        assert cdn not in body
    for src in re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', body):
        assert src.startswith("/static/"), src


def test_tile_host_is_the_only_other_image_origin():
    csp = content_security_policy("n", "https://service.pdok.nl/brt/{z}/{x}/{y}.png")
    assert "img-src 'self' data: blob: https://service.pdok.nl" in csp
    assert "https://service.pdok.nl" not in csp.split("img-src")[0]


def _limited_app(make_app, storage):
    return make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage, RATELIMIT_SUBMIT="2 per minute",
                    RATELIMIT_FORM_STEPS="6 per minute", RATELIMIT_SEARCH="3 per minute")  # fmt: skip


@pytest.mark.only_backends("spatialite")
@pytest.mark.parametrize("storage", ["memory://", "redis://127.0.0.1:6379/15"])
def test_anonymous_endpoints_are_rate_limited(make_app, storage):
    if storage.startswith("redis"):
        redis.Redis.from_url(storage).flushdb()
    app = _limited_app(make_app, storage)
    with app.app_context():
        client = app.test_client()
        url = "/melden/overlast/jeugd"
        # Checking and correcting the form is not held against the reporter; sending is limited hard.
        reviews = [client.post(url, data={"action": "review"}).status_code for _ in range(3)]
        sends = [Reporter(client, "overlast", "jeugd").send().status_code for _ in range(3)]
        assert reviews == [422, 422, 422] and sends == [303, 303, 429]
        assert client.post(url, data={"action": "review"}).status_code == 429  # the looser limit on all steps
        assert client.get("/melden/overlast/jeugd").status_code == 200  # reading the form is not limited
        searches = [client.get("/melden/plaatsen?q=emmen").status_code for _ in range(4)]
        assert searches == [200, 200, 200, 429]
        assert "112" in client.get("/melden/plaatsen?q=emmen").get_data(as_text=True)
    if storage.startswith("redis"):
        redis.Redis.from_url(storage).flushdb()


def test_strict_transport_security_is_sent(client):
    assert "max-age=31536000" in client.get("/").headers["Strict-Transport-Security"]


@pytest.mark.parametrize(
    "role, path",
    [
        ("oov", "/medewerkers/meldingen/2147483648"),
        ("oov", "/medewerkers/meldingen/99999999999999999999999"),
        ("oov", "/medewerkers/fotos/18446744073709551616"),
        ("boa", "/veld/meldingen/99999999999999999999999"),
        ("beheerder", "/beheer/gebruikers/99999999999999999999999"),
    ],
)
def test_ids_beyond_the_database_range_are_not_found(client, staff, login, role, path):
    login(client, staff[role])
    assert client.get(path).status_code == 404


def test_a_huge_area_filter_is_ignored(client, staff, login):
    login(client, staff["oov"])
    huge = "99999999999999999999999"
    # An old page number leads to the first page (keyset paging); the huge area id is ignored on the way.
    response = client.get(f"/medewerkers/wachtrij/OOV?area={huge}&page={huge}", follow_redirects=True)
    assert response.status_code == 200 and response.request.path == "/medewerkers/wachtrij/OOV"


@pytest.mark.only_backends("spatialite")
def test_an_unhandled_error_logs_the_route_not_the_secret_path(make_app, new_report, caplog):
    import sqlalchemy as sa

    from meldpunt.extensions import db
    from meldpunt.reports.submission import submit_report

    app = make_app(PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        receipt = submit_report(new_report())
        db.session.commit()
        # A broken row (a kind the code does not know) makes the tracking page fail.
        db.session.execute(sa.text("PRAGMA ignore_check_constraints = ON"))
        db.session.execute(sa.text("UPDATE report SET kind = 'onbekend'"))
        db.session.commit()
        with caplog.at_level("DEBUG"):
            response = app.test_client().get(f"/volg/{receipt.tracking_token}")
    assert response.status_code == 500
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    assert "tracking.track" in logged
    assert receipt.tracking_token not in logged and receipt.tracking_token not in caplog.text


def test_a_nul_in_a_path_or_a_queued_send_never_reaches_the_database(client, staff, login):
    """Found by schemathesis on PostgreSQL (which refuses NUL in text): query and form values were cleaned, the
    URL's own values and the queued send's JSON were not, and answered 500."""
    assert client.get("/open311/v2/requests/EMN-AB%00CD.json").status_code == 404
    body = {"kind": "overlast", "category": "jeugd\x00", "fields": {"submission_key": "k" * 24}}
    queued = client.post("/melden/wachtend", headers={"X-Samen-Alert-Queued": "1"}, json=body)
    assert queued.status_code in (404, 422)
    login(client, staff["oov"])
    assert client.get("/medewerkers/wachtrij/OO%00V/kaart.geojson").status_code in (200, 404)
