"""Pages with a map, rendered through the test client (printed, not asserted): the report form with its location
picker and a queue page with its map, in milliseconds per page. The map's HTML and script are made once per
profile, map kind and language (meldpunt/maps/cache.py), so after the first page no page builds a folium map."""

import time

from meldpunt.extensions import db
from meldpunt.profiles import PROFILES
from meldpunt.reports.demo import make_demo_reports

PAGES = 50


def _per_page(label, backend, client, url) -> None:
    assert client.get(url).status_code == 200  # the first one fills the caches (templates, map)
    start = time.perf_counter()
    for _ in range(PAGES):
        assert client.get(url).status_code == 200
    ms = (time.perf_counter() - start) * 1000 / PAGES
    print(f"\n[benchmark] {backend:10} {label:40} {ms:9.1f} ms per page  ({PAGES} pages)")


def test_report_form_page(client, backend):
    _per_page("report form page (picker map)", backend, client, "/melden/overlast/vernieling")


def test_queue_page(client, backend, staff, login):
    make_demo_reports(PROFILES["emmen"], 200, seed=3)
    db.session.commit()
    login(client, staff["tnh"])
    _per_page("queue page (map, 200 reports)", backend, client, "/medewerkers/wachtrij/TNH")
