"""Property-based fuzzing of the reporter's tracking pages (issue 12): any token, any answer to "were you helped?",
any comment: a page, never a server error, and the comment never comes back as markup."""

from urllib.parse import quote

from hypothesis import example, given
from hypothesis import strategies as st

from tests.feedback.test_feedback import _closed
from tests.web.fuzzing import FUZZ, IMG, SCRIPT, any_text, assert_no_markup_from, under_test_client_limit

answers = st.fixed_dictionaries(
    {},
    optional={
        "helped": st.one_of(st.sampled_from(["ja", "nee"]), any_text),
        "comment": any_text,
        "reopen": st.one_of(st.just("ja"), any_text),
        "confirm": st.one_of(st.just("ja"), any_text),
    },
)


@FUZZ
@given(
    route=st.sampled_from(["", "/gegevens", "/tevredenheid", "/intrekken"]),
    forged=st.one_of(st.none(), any_text),
    data=answers,
)
@example(route="/tevredenheid", forged=None, data={"helped": "nee", "comment": SCRIPT + IMG, "reopen": "ja"})
def test_tracking_pages_answer_any_token_and_answer(client, staff, new_report, route, forged, data):
    under_test_client_limit(data)
    receipt, _report = _closed(new_report, staff)
    token = receipt.tracking_token if forged is None else quote(forged, safe="")
    url = f"/volg/{token}{route}"
    response = client.post(url, data=data) if route in ("/tevredenheid", "/intrekken") else client.get(url)
    assert response.status_code in ((404, 405, 308) if forged is not None else (200, 422)), response.status_code
    assert_no_markup_from(response.get_data(as_text=True))
    if forged is None:
        assert_no_markup_from(client.get(f"/volg/{receipt.tracking_token}").get_data(as_text=True))
