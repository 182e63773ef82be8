"""Static files are linked under their content hash and cached for a year; a changed file gets a new link."""

import re

from tests.web.test_report_form import text


def test_pages_link_static_files_by_content_and_those_are_cached_for_a_year(make_app):
    app = make_app()
    with app.app_context():
        client = app.test_client()
        page = text(client.get("/"))
        links = re.findall(r'(/static/[^"\']+\?v=[0-9a-f]{12})', page)
        assert any(link.startswith("/static/css/") for link in links), page[:2000]
        with client.get(links[0]) as response:
            assert response.status_code == 200
            assert response.cache_control.max_age == 365 * 24 * 3600
            assert response.cache_control.immutable and not response.cache_control.no_cache
        # Without the version a browser must revalidate: the same URL may later hold another file.
        with client.get(links[0].split("?")[0]) as plain:
            assert plain.status_code == 200 and plain.cache_control.max_age != 365 * 24 * 3600


def test_only_the_files_own_version_is_kept_for_a_year_also_after_revalidating(make_app):
    app = make_app()
    with app.app_context():
        client = app.test_client()
        [link] = re.findall(r'(/static/css/[^"\']+\?v=[0-9a-f]{12})', text(client.get("/")))[:1]
        with client.get(link) as first:
            etag = first.headers["ETag"]
        # A revalidation of the right version stays cached for a year (a 304 replaces the stored headers).
        with client.get(link, headers={"If-None-Match": etag}) as again:
            assert again.status_code == 304 and again.cache_control.max_age == 365 * 24 * 3600
        # Another version's hash (old bytes during a rolling deploy) must not be cached for a year.
        with client.get(link.split("?")[0] + "?v=000000000000") as other:
            assert other.status_code == 200 and other.cache_control.max_age != 365 * 24 * 3600


def test_a_changed_file_gets_a_new_link(make_app, tmp_path):
    app = make_app()
    app.static_folder = str(tmp_path)
    (tmp_path / "site.css").write_text("body { color: black }")
    with app.test_request_context():
        from flask import url_for

        before = url_for("static", filename="site.css")
        (tmp_path / "site.css").write_text("body { color: #111; margin: 0 }")
        after = url_for("static", filename="site.css")
    assert before != after and "?v=" in before
