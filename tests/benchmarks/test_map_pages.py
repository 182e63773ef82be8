"""Pages with a map, rendered through the test client (printed, not asserted): the report form with its location
picker and a queue page with its map, in milliseconds per page, wall clock and this process's CPU time (the CPU
figure is steadier on a shared machine; the database's own work is not in it). And the maps alone: folium renders
each map kind once per profile and language (meldpunt/maps/base.py), so only the first call builds one."""

import time

from flask import current_app

from meldpunt.extensions import db
from meldpunt.maps.picker import location_picker_map
from meldpunt.maps.staff_maps import queue_map
from meldpunt.profiles import PROFILES, current_profile
from meldpunt.reports.demo import make_demo_reports

PAGES = 50


def _per_page(label, backend, client, url) -> None:
    assert client.get(url).status_code == 200  # the first one fills the caches (templates, map)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(PAGES):
        assert client.get(url).status_code == 200
    wall, cpu = (time.perf_counter() - wall) * 1000 / PAGES, (time.process_time() - cpu) * 1000 / PAGES
    print(f"\n[benchmark] {backend:10} {label:40} {wall:7.1f} ms per page, {cpu:5.1f} ms CPU  ({PAGES} pages)")


def test_report_form_page(client, backend):
    _per_page("report form page (picker map)", backend, client, "/melden/overlast/vernieling")


def test_queue_page(client, backend, staff, login):
    make_demo_reports(PROFILES["emmen"], 200, seed=3)
    db.session.commit()
    login(client, staff["tnh"])
    _per_page("queue page (map, 200 reports)", backend, client, "/medewerkers/wachtrij/TNH")


def test_maps_alone(app, backend):
    # A language no other benchmark here asks for, so the first call builds the map; on the second backend the
    # process has kept it (the cache does not depend on the database), so there "first" is already a reuse.
    with app.test_request_context("/?lang=pl"):
        for label, make in (("picker map", location_picker_map), ("queue map", queue_map)):
            timings = []
            for _ in range(20):
                start = time.process_time()
                make(current_profile(), current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"])
                timings.append((time.process_time() - start) * 1000)
            later = sum(timings[1:]) / len(timings[1:])
            print(f"\n[benchmark] {backend:10} {label:40} first {timings[0]:6.2f} ms CPU, later {later:6.3f} ms CPU")
