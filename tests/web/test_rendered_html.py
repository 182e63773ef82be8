"""What every page's HTML must say for assistive technology and search engines, checked without a browser: no
attribute rendered from Python's None, and a meta description of its own (what a search result shows)."""

import re

import pytest

NONE_ATTRIBUTE = re.compile(r'[\w-]+="None"')
PUBLIC_PAGES = [
    "/",
    "/melden/straatintimidatie",
    "/melden/straatintimidatie/naroepen",
    "/melden/overlast/vernieling",
    "/melden/onveilige_plek/verlichting",
    "/melden/verdachte_situatie/hennep",
    "/melden/spanningen/online_spanningen",
    "/privacy",
    "/cijfers/",
    "/elders/anoniem_misdrijf",
    "/medewerkers/inloggen",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_attribute_says_none(client, path):
    html = client.get(path).get_data(as_text=True)
    assert NONE_ATTRIBUTE.findall(html) == []


def test_no_attribute_says_none_on_a_form_with_errors(client):
    response = client.post("/melden/overlast/vernieling", data={"action": "review"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert NONE_ATTRIBUTE.findall(html) == []


def test_no_attribute_says_none_on_staff_forms(client, staff, login):
    login(client, staff["beheerder"])
    for path in ("/beheer/gebruikers/nieuw", f"/beheer/gebruikers/{staff['boa'].id}", "/medewerkers/account/tweestaps"):
        assert NONE_ATTRIBUTE.findall(client.get(path).get_data(as_text=True)) == [], path


def _meta_description(html: str) -> str | None:
    found = re.search(r'<meta name="description" content="([^"]*)">', html)
    return found and found.group(1).strip()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_a_meta_description(client, path):
    description = _meta_description(client.get(path).get_data(as_text=True))
    assert description and len(description) > 40, description


def test_pages_describe_themselves(client):
    """Search results show what each page is about, not the same sentence everywhere."""
    start = _meta_description(client.get("/").get_data(as_text=True))
    form = _meta_description(client.get("/melden/overlast/vernieling").get_data(as_text=True))
    privacy = _meta_description(client.get("/privacy").get_data(as_text=True))
    assert "Emmen" in start and form.startswith("Vernieling") and len({start, form, privacy}) == 3
