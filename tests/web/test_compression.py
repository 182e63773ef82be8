"""Static files travel gzipped when the browser accepts it (a phone on a weak connection loads the report form's
~200 KB of Leaflet and styles as ~65 KB); pages never do (BREACH: they hold a CSRF token or a tracking link next
to what the visitor typed)."""

import gzip
from pathlib import Path

import pytest

pytestmark = pytest.mark.only_backends("spatialite")  # nothing here reads the database
STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.mark.parametrize("path", ["vendor/leaflet-1.9.4/leaflet.js", "css/app.css", "js/location-picker.js"])
def test_static_files_are_gzipped_when_accepted(client, path):
    with client.get(f"/static/{path}", headers={"Accept-Encoding": "gzip, deflate, br"}) as response:
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["Vary"]
        body = response.get_data()
    assert gzip.decompress(body) == (STATIC / path).read_bytes()
    assert len(body) < (STATIC / path).stat().st_size / 2


def test_a_revalidation_of_the_gzipped_file_is_not_modified(client):
    with client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"}) as first:
        etag = first.headers["ETag"]
    with client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip", "If-None-Match": etag}) as again:
        assert again.status_code == 304
        assert again.get_data() == b""


def test_nothing_is_compressed_for_a_client_that_does_not_ask(client):
    with client.get("/static/css/app.css") as response:
        assert "Content-Encoding" not in response.headers
        assert response.get_data() == (STATIC / "css/app.css").read_bytes()


def test_pages_are_not_compressed(client):
    response = client.get("/melden/overlast/vernieling", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert b"<form" in response.get_data()
