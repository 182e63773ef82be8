"""Pages with a map reuse the map folium made once (per profile, map kind and language): the same script on every
page, under that page's own CSP nonce; the spot a page shows is data on the map's container."""

import json
import re

import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.reports.models import Queue, Report
from meldpunt.reports.submission import submit_report
from tests.fixtures.reports import EMMEN_CENTRE
from tests.web.test_report_form import Reporter

FORM = "/melden/overlast/jeugd"


def map_of(response) -> tuple[str, str, str]:
    """(the map's container, its script, the nonce on that script) of a page."""
    body = response.get_data(as_text=True)
    container = re.search(r'<div class="folium-map"[^>]*></div>', body).group(0)
    nonce, script = re.search(r'<script nonce="([^"]+)">((?:(?!</script>).)*L\.map\((?:(?!</script>).)*)</script>',
                              body, re.S).groups()  # fmt: skip
    header = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert nonce == header
    return container, script, nonce


def test_every_page_carries_the_same_map_script_under_its_own_nonce(client):
    first_container, first_script, first_nonce = map_of(client.get(FORM))
    second_container, second_script, second_nonce = map_of(client.get(FORM))
    assert first_nonce != second_nonce
    # folium names a map at random when it builds one: the same name on both pages is the same, reused map.
    assert first_script == second_script and first_container == second_container
    assert first_nonce not in first_script and second_nonce not in second_script
    assert "meldpunt:pick" in first_script


def test_the_map_speaks_each_readers_language(client):
    """The zoom buttons' names: a page in one language never gets the map made for another."""
    for lang, zoom_in in (("en", "Zoom in"), ("nl", "Inzoomen"), ("en", "Zoom in"), ("de", "Vergrößern")):
        _container, script, _nonce = map_of(client.get(f"{FORM}?lang={lang}"))
        assert f'"zoomInTitle": {json.dumps(zoom_in)}' in script, (lang, script)


def test_each_profile_opens_its_own_map(make_app):
    for code, center in (("emmen", "[52.7858, 6.8975]"), ("coevorden", "[52.661"), ("emmen", "[52.7858, 6.8975]")):
        client = make_app(PROFILE=code).test_client()
        _container, script, _nonce = map_of(client.get(FORM))
        assert f"center: {center}" in script, (code, script)


def test_a_form_that_comes_back_opens_the_map_at_the_chosen_spot(client):
    _container, fresh_script, _nonce = map_of(client.get(FORM))
    back = Reporter(client, "overlast", "jeugd").post(description="")  # refused: the form comes back
    assert back.status_code == 422
    container, script, _nonce = map_of(back)
    assert f'data-center="{EMMEN_CENTRE[0]},{EMMEN_CENTRE[1]}"' in container
    assert script == fresh_script  # the spot is data, not a map of its own


def test_the_review_shows_the_chosen_spot(client):
    Reporter(client, "overlast", "jeugd")  # the review's map is still and has a marker: a map kind of its own
    review = Reporter(client, "overlast", "jeugd").post(lat="52.7801", lon="6.9002")
    assert review.status_code == 200
    container, script, _nonce = map_of(review)
    assert 'data-center="52.7801,6.9002"' in container
    assert "L.marker(" in script and "dragging" in script


def test_a_report_page_shows_its_own_spot_on_the_shared_map(client, staff, login, new_report):
    field = db.session.scalar(sa.select(Queue).where(Queue.is_field.is_(True)))
    ids = []
    for lat, lon in ((52.7858, 6.8975), (52.7901, 6.9044)):
        report = db.session.get(Report, submit_report(new_report(lat=lat, lon=lon)).report_id)
        report.queue_id = field.id
        ids.append(report.id)
    db.session.commit()
    login(client, staff["tnh"])
    first, second = (map_of(client.get(f"/medewerkers/meldingen/{report_id}")) for report_id in ids)
    assert 'data-center="52.7858,6.8975"' in first[0] and 'data-center="52.7901,6.9044"' in second[0]
    assert first[1] == second[1] and "L.circleMarker(" in first[1]
