"""Property-based fuzzing of the public report form (issue 12): whatever is sent to any step of any kind's form,
the answer is a page a person can act on (never a server error), and nothing typed comes back as markup."""

import io
from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fixtures.reports import jpeg_with_gps, png_bytes
from tests.web.fuzzing import (
    FUZZ,
    IMG,
    SCRIPT,
    any_text,
    assert_no_markup_from,
    dates,
    huge_text,
    lats,
    lons,
    times,
    under_test_client_limit,
)

CATEGORIES = (
    ("straatintimidatie", "naroepen"),
    ("straatintimidatie", "volgen"),
    ("overlast", "jeugd"),
    ("overlast", "verward"),
    ("overlast", "woonoverlast"),
    ("onveilige_plek", "verlichting"),
    ("verdachte_situatie", "hennep"),
)
CHOICE_FIELDS = (
    "when", "people_involved", "directed_at", "weapon", "frequency", "minors", "group_size", "danger", "worried",
    "woon_subtype", "spoken_to_neighbours", "lighting", "visibility", "people_around", "alternative_route",
    "unsafe_score", "location_method", "location_precision",
)  # fmt: skip
choice_values = st.one_of(st.sampled_from(["nu", "eerder", "ja", "nee", "een", "groep", "3", "None", ""]), any_text)
photos = st.one_of(
    st.none(),
    st.sampled_from(
        [
            ("IMG.jpg", jpeg_with_gps()),
            ("p.png", png_bytes()),
            ("leeg.jpg", b""),
            ("x.gif", b"GIF89a\x01\x00"),
            ("../../etc/passwd", b"\xff\xd8\xff\xe0junk"),
            (IMG + ".jpg", b"\x89PNG\r\n\x1a\n"),
        ]
    ),
)
form_data = st.fixed_dictionaries(
    {},
    optional={
        "description": any_text,
        "location_description": any_text,
        "place_query": any_text,
        "lat": lats,
        "lon": lons,
        "when_date": dates,
        "when_time": times,
        "email": st.one_of(any_text, st.emails().map(str)),
        "email_consent": st.sampled_from(["y", "", "on", "0"]),
        "submission_key": st.one_of(any_text, st.just("k" * 32)),
        "photo_token": st.one_of(any_text, st.just("0" * 24 + "-" + "f" * 32)),
        "photo_name": any_text,
        "remove_photo": st.sampled_from(["y", ""]),
        "unsafe_times": st.lists(st.one_of(st.sampled_from(["dag", "avond", "nacht"]), any_text), max_size=4),
        "place": st.one_of(any_text, st.tuples(lats, lons).map(",".join)),
        **{name: choice_values for name in CHOICE_FIELDS},
    },
)


# A complete, valid answer; the fuzzed fields replace parts of it, so that sending gets past the simple checks and
# reaches the rules, the routing and the database.
VALID = {"description": "Twee mannen riepen mij na bij de bushalte.", "lat": "52.7858", "lon": "6.8975", "when": "nu"}


def post(client, kind, category, data, photo=None):
    under_test_client_limit(data)
    data = dict(data)
    if photo is not None:
        data["photo"] = (io.BytesIO(photo[1]), photo[0])
    return client.post(f"/melden/{kind}/{category}", data=data, content_type="multipart/form-data")


@pytest.mark.only_backends("spatialite")  # the form's steps do not differ per backend; sending does (below)
@FUZZ
@given(
    where=st.sampled_from(CATEGORIES),
    action=st.one_of(st.sampled_from(["review", "edit", "search", "send", ""]), any_text),
    data=form_data,
    complete=st.booleans(),
    photo=photos,
)
@example(where=("straatintimidatie", "naroepen"), action="review", data={"description": SCRIPT, "lat": "52.78",
         "lon": "6.9", "location_description": IMG, "place_query": SCRIPT}, complete=False, photo=None)  # fmt: skip
def test_every_step_of_the_form_answers_without_a_server_error(client, where, action, data, complete, photo):
    response = post(client, *where, {**(VALID if complete else {}), **data, "action": action}, photo)
    assert response.status_code in (200, 303, 422), response.status_code
    assert_no_markup_from(response.get_data(as_text=True))


@FUZZ
@given(where=st.sampled_from(CATEGORIES), data=form_data, earlier=st.booleans(), photo=photos)
@example(where=("overlast", "jeugd"), data={"description": SCRIPT, "lat": "52.785", "lon": "6.897", "when": "nu",
         "email": "a@example.org", "email_consent": "y", "location_description": IMG}, earlier=False,
         photo=None)  # fmt: skip
def test_sending_anything_stores_a_report_or_explains_why_not(client, where, data, earlier, photo):
    sent = {**VALID, **({"when": "eerder"} if earlier else {}), **data, "action": "send"}
    response = post(client, *where, sent, photo)
    # A search result chosen without JavaScript ("place") brings the form back with that place filled in.
    assert response.status_code in ((200,) if "place" in data else (303, 422)), response.status_code
    if response.status_code == 303:
        assert_no_markup_from(client.get(response.headers["Location"]).get_data(as_text=True))
    else:
        assert_no_markup_from(response.get_data(as_text=True))


@pytest.mark.only_backends("spatialite")
@FUZZ
@given(kind=st.one_of(st.sampled_from(["overlast", "verdachte_situatie"]), any_text), category=any_text)
def test_unknown_kinds_and_categories_are_not_found(client, kind, category):
    response = client.get(f"/melden/{quote(kind, safe='')}/{quote(category, safe='')}")
    assert response.status_code in (200, 404, 308), response.status_code
    assert_no_markup_from(response.get_data(as_text=True))


@pytest.mark.only_backends("spatialite")
@FUZZ
@given(query=st.one_of(any_text, huge_text))
def test_place_search_answers_json_for_any_query(client, query):
    response = client.get("/melden/plaatsen", query_string={"q": query})
    assert response.status_code == 200
    assert isinstance(response.get_json(), list)
