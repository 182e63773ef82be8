"""Each municipality's own numbers: where to go instead, its phone number and public-space page, and the care
contact the form offers when a reporter is worried about the person (issue 10, item 2)."""

import html

import pytest

from meldpunt.profiles import PROFILES
from tests.fixtures.reports import form_fields

PROFILE_CODES = ["emmen", "coevorden", "midden-drenthe"]
FORM = "/melden/overlast/verward"


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture(params=PROFILE_CODES)
def profile_client(request, make_app):
    app = make_app(PROFILE=request.param)
    with app.app_context():
        yield PROFILES[request.param], app.test_client()


def test_public_space_page_and_number_are_the_municipalitys_own(profile_client):
    profile, client = profile_client
    page = text(client.get("/elders/openbare_ruimte"))
    own = profile.help_numbers["openbare_ruimte"]
    assert f'href="{own.url}"' in page
    assert f'href="tel:{own.phone.replace(" ", "")}"' in page
    others = [p for p in PROFILES.values() if p.code != profile.code]
    assert all(other.help_numbers["openbare_ruimte"].url not in page for other in others)
    assert profile.municipality_phone in text(client.get("/"))


def test_a_national_number_stays_national(profile_client):
    _, client = profile_client
    page = text(client.get("/elders/anoniem_misdrijf"))
    assert 'href="tel:08007000"' in page
    assert "https://www.meldmisdaadanoniem.nl" in page


def test_worried_about_the_person_offers_the_care_contact(profile_client):
    profile, client = profile_client
    care = profile.care_contact
    form = text(client.get(FORM))
    # On the form but hidden until the answer is given (report-form.js shows it at once).
    assert 'id="care-contact" role="status" hidden' in form
    data = form_fields(form)
    data.update({"lat": str(profile.map_center[0]), "lon": str(profile.map_center[1]), "location_method": "map",
                 "when": "nu", "description": "Een man loopt verward over straat en roept.", "worried": "ja",
                 "action": "review"})  # fmt: skip
    review = text(client.post(FORM, data=data, content_type="multipart/form-data", follow_redirects=True))
    assert 'id="care-contact"' in review and 'id="care-contact" role="status" hidden' not in review
    assert care.name in review
    assert f'href="tel:{care.phone.replace(" ", "").replace("-", "")}"' in review
    # Back on the form, the answer is kept and the contact is shown without script.
    edit = text(client.get(FORM))
    assert 'id="care-contact" role="status">' in edit


def test_not_worried_shows_no_care_contact(profile_client):
    profile, client = profile_client
    data = form_fields(text(client.get(FORM)))
    data.update({"lat": str(profile.map_center[0]), "lon": str(profile.map_center[1]), "location_method": "map",
                 "when": "nu", "description": "Een man loopt verward over straat en roept.", "worried": "nee",
                 "action": "review"})  # fmt: skip
    review = text(client.post(FORM, data=data, content_type="multipart/form-data", follow_redirects=True))
    assert "Check your report" in review or "Controleer" in review
    assert 'id="care-contact"' not in review


def test_every_profile_marks_its_unconfirmed_numbers():
    for profile in PROFILES.values():
        assert profile.care_contact is not None
        assert profile.care_contact.assumed  # until the municipality confirms (README, "Profiles")
        assert profile.help_numbers["openbare_ruimte"].assumed
