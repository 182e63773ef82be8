"""Property-based fuzzing of the routes scripts and maps fetch (issue 12): the boa's field list with any X-Position,
the analysis layers and pages with any filters (as OOV), the queue with any filters, the public figures. Never a
server error; always the format the page's script expects."""

import json
from datetime import timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.reports.submission import submit_report
from tests.web.fuzzing import FUZZ, SCRIPT, any_text, assert_no_markup_from, dates, numbers, query_ints

header_text = st.text(st.characters(max_codepoint=0xFF, blacklist_categories=("Cc",)), max_size=60)
positions = st.one_of(header_text, st.tuples(numbers, numbers).map(",".join), st.sampled_from(["52.78,6.89", ","]))
ANALYSIS_FILTERS = {
    "soort": st.one_of(st.sampled_from(["overlast", "straatintimidatie", "verdachte_situatie"]), any_text),
    "categorie": st.one_of(st.sampled_from(["jeugd", "hennep"]), any_text),
    "van": dates,
    "tot": dates,
    "weekdag": query_ints,
    "uur": query_ints,
    "gebied": query_ints,
    "status": st.one_of(st.sampled_from(["open", "closed"]), any_text),
    "cel": query_ints,
    "afstand": query_ints,
    "minimum": query_ints,
}
analysis_args = st.fixed_dictionaries({}, optional=ANALYSIS_FILTERS)
QUEUE_FILTERS = {
    "state": st.one_of(st.sampled_from(["nieuw", "in_behandeling", "afgesloten"]), any_text),
    "kind": any_text,
    "category": any_text,
    "area": query_ints,
    "period": any_text,
    "overdue": st.sampled_from(["1", "0", ""]),
    "sort": st.one_of(st.sampled_from(["newest", "oldest", "due"]), any_text),
    "page": query_ints,  # old numbered links: redirected to the first page
    "after": st.one_of(any_text, st.builds("{}~{}".format, st.datetimes(timezones=st.timezones()), query_ints)),
    "before": st.one_of(any_text, st.builds("{}~{}~{}".format, any_text, st.datetimes(), query_ints)),
    "last": st.sampled_from(["1", "0", ""]),
}


@pytest.fixture
def some_reports(app, new_report):
    now = utcnow()
    for i in range(6):
        submit_report(new_report(kind="overlast", category_code="jeugd", lat=52.7858 + i * 0.0003, lon=6.8975,
                                 description=SCRIPT, location_description=SCRIPT,
                                 incident_at=now - timedelta(hours=i)))  # fmt: skip
    db.session.commit()


@FUZZ
@given(position=positions)
@example(position="1e309,6.9")
def test_the_field_list_answers_any_position(client, staff, login, some_reports, position):
    login(client, staff["boa"])
    response = client.get("/veld/lijst", headers={"X-Position": position})
    assert response.status_code == 200
    assert_no_markup_from(response.get_data(as_text=True))


@FUZZ
@given(layer=st.sampled_from(["raster.geojson", "warmte.json", "clusters.geojson"]), args=analysis_args)
@example(layer="raster.geojson", args={"van": "0001-01-01"})
@example(layer="clusters.geojson", args={"tot": "9999-12-31"})
def test_analysis_layers_answer_json_for_any_filters(client, staff, login, some_reports, layer, args):
    login(client, staff["oov"])
    response = client.get(f"/analyse/lagen/{layer}", query_string=args)
    assert response.status_code == 200
    json.loads(response.get_data(as_text=True))


@FUZZ
@given(page=st.sampled_from(["/analyse/", "/analyse/trends", "/analyse/doorlooptijden", "/analyse/onveilige-plekken",
                             "/analyse/woonoverlast", "/analyse/export.csv"]), args=analysis_args)  # fmt: skip
@example(page="/analyse/", args={"van": "0001-01-01", "tot": "0001-01-01"})
@example(page="/analyse/trends", args={"tot": "9999-12-31"})
def test_analysis_pages_answer_any_filters(client, staff, login, some_reports, page, args):
    login(client, staff["oov"])
    response = client.get(page, query_string=args)
    assert response.status_code == 200
    assert_no_markup_from(response.get_data(as_text=True))


@FUZZ
@given(queue=st.sampled_from(["TNH", "OOV"]), args=st.fixed_dictionaries({}, optional=QUEUE_FILTERS))
@example(queue="TNH", args={"after": "0001-01-01T00:00:00+05:00~1"})
@example(queue="TNH", args={"before": "9999-12-31T23:59:59-05:00~1", "sort": "oldest"})
def test_the_queue_answers_any_filters(client, staff, login, some_reports, queue, args):
    login(client, staff["oov"])
    response = client.get(f"/medewerkers/wachtrij/{queue}", query_string=args, follow_redirects=True)
    assert response.status_code == 200
    assert_no_markup_from(response.get_data(as_text=True))


@pytest.mark.only_backends("spatialite")
@FUZZ
@given(path=st.sampled_from(["/cijfers/", "/cijfers/cellen.geojson"]), args=analysis_args)
def test_public_figures_answer_any_query(client, path, args):
    response = client.get(path, query_string=args)
    assert response.status_code == 200
