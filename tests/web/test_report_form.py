"""The reporter's path through the form, and every bad input: a clear message, and nothing typed is lost."""

import html
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.models import Report
from meldpunt.reports.photos import photo_store
from tests.fixtures.reports import COEVORDEN_CENTRE, EMMEN_CENTRE, form_fields, jpeg_with_gps

FORM = "/melden/{kind}/{category}"


class Reporter:
    """A reporter filling in the form with the test client."""

    def __init__(self, client, kind="straatintimidatie", category="naroepen"):
        self.client = client
        self.url = FORM.format(kind=kind, category=category)
        page = client.get(self.url)
        assert page.status_code == 200
        self.hidden = form_fields(page.get_data(as_text=True))

    def post(self, action="review", photo=None, **fields):
        data = dict(self.hidden)
        data.update(
            {
                "lat": str(EMMEN_CENTRE[0]),
                "lon": str(EMMEN_CENTRE[1]),
                "location_method": "map",
                "when": "nu",
                "description": "Twee mannen riepen mij na bij de bushalte.",
                "action": action,
            }
        )
        data.update(fields)
        data = {k: v for k, v in data.items() if v is not None}
        if photo is not None:
            data["photo"] = (io.BytesIO(photo[1]), photo[0])
        # Checking and changing end in a redirect (post/redirect/get): follow it to the page the reporter sees.
        return self.client.post(self.url, data=data, content_type="multipart/form-data",
                                follow_redirects=action in ("review", "edit"))  # fmt: skip

    def send(self, **fields):
        return self.post(action="send", **fields)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def reports():
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Report).order_by(Report.id)))


def test_start_page_puts_112_first_and_offers_the_three_kinds(client):
    page = text(client.get("/"))
    assert page.index("tel:112") < page.index("/melden/straatintimidatie")
    for kind in ("straatintimidatie", "overlast", "onveilige_plek"):
        assert f"/melden/{kind}" in page
    assert "Straatintimidatie" in page and "Onveilige plek" in page  # Dutch by default


def test_report_elsewhere_says_where_to_go(client):
    page = text(client.get("/melden/straatintimidatie"))
    assert "/elders/stalking" in page
    stalking = text(client.get("/elders/stalking"))
    assert "0900-8844" in stalking and "aangifte" in stalking.lower()
    veilig_thuis = text(client.get("/elders/huiselijk_geweld"))
    assert "0800-2000" in veilig_thuis


def test_category_help_is_shown_with_the_form(client):
    page = text(client.get(FORM.format(kind="straatintimidatie", category="seksuele_intimidatie")))
    assert "Slachtofferhulp" in page and "0900-8844" in page


@pytest.mark.parametrize(
    "kind, category, extra, queue",
    [
        ("straatintimidatie", "naroepen", {"when": "eerder", "days_ago": 2, "people_involved": "een"}, "OOV"),
        ("overlast", "vernieling", {"when": "eerder", "days_ago": 2, "frequency": "wekelijks"}, "TNH"),
        ("onveilige_plek", "verlichting", {"lighting": "geen", "unsafe_times": ["avond", "nacht"]}, "OOV"),
    ],
)
def test_each_kind_is_filed_reviewed_and_routed(client, kind, category, extra, queue):
    reporter = Reporter(client, kind, category)
    extra = dict(extra)
    if days_ago := extra.pop("days_ago", None):
        moment = (utcnow() - timedelta(days=days_ago)).astimezone(LOCAL_TZ)
        extra.update(when_date=moment.strftime("%Y-%m-%d"), when_time="21:30")
    review = reporter.post(**extra)
    assert review.status_code == 200
    assert "Controleer uw melding" in text(review)
    assert "Twee mannen riepen mij na" in text(review)
    sent = reporter.send(**extra)
    assert sent.status_code == 303
    confirmation = text(client.get(sent.headers["Location"]))
    reference = re.search(r'id="reference">([^<]+)<', confirmation).group(1)
    [report] = reports()
    assert report.reference == reference
    assert report.queue.code == queue
    assert report.category.code == category
    for name, value in extra.items():
        if name not in ("when", "when_date", "when_time"):
            assert report.answers[name] == value
    tracking = re.search(r'id="tracking-link">([^<]+)<', confirmation).group(1)
    status = text(client.get(tracking.replace("http://localhost", "")))
    assert "Ontvangen" in status and reference in status


def test_safety_question_flags_the_report_and_points_to_112(client):
    reporter = Reporter(client, "overlast", "jeugd")
    review = reporter.post(weapon="ja")
    assert "112" in text(review)
    reporter.send(weapon="ja")
    [report] = reports()
    assert report.safety_flag and report.answers["weapon"] == "ja"


def test_review_then_change_keeps_everything(client):
    reporter = Reporter(client)
    reporter.post()
    edit = text(reporter.post(action="edit", email="melder@example.org", email_consent="y"))
    assert "Twee mannen riepen mij na bij de bushalte." in edit
    assert 'value="melder@example.org"' in edit
    assert reports() == []


def test_a_point_in_another_municipality_is_refused_by_name_and_keeps_the_input(client):
    reporter = Reporter(client)
    response = reporter.post(
        lat=str(COEVORDEN_CENTRE[0]), lon=str(COEVORDEN_CENTRE[1]), photo=("bushalte.jpg", jpeg_with_gps())
    )
    page = text(response)
    assert response.status_code == 422
    assert "Deze plek ligt in de gemeente Coevorden, niet in Emmen" in page
    assert "Twee mannen riepen mij na bij de bushalte." in page
    assert "Foto toegevoegd: bushalte.jpg" in page
    assert reports() == []


def test_a_time_in_the_future_is_refused(client):
    tomorrow = (utcnow() + timedelta(days=1)).astimezone(LOCAL_TZ)
    response = Reporter(client).post(when="eerder", when_date=tomorrow.strftime("%Y-%m-%d"), when_time="10:00")
    assert response.status_code == 422
    page = text(response)
    assert "Dit tijdstip ligt in de toekomst" in page
    assert tomorrow.strftime("%Y-%m-%d") in page and "Twee mannen" in page


def test_earlier_without_a_date_asks_for_it(client):
    response = Reporter(client).post(when="eerder")
    assert response.status_code == 422
    assert 'id="when_date-error"' in text(response)


def test_an_empty_description_is_refused(client):
    response = Reporter(client).post(description="   ", email="melder@example.org", email_consent="y")
    assert response.status_code == 422
    page = text(response)
    assert "Beschrijf wat er is gebeurd." in page
    assert 'value="melder@example.org"' in page


def test_an_oversized_description_is_refused_and_kept(client):
    long_text = "Heel lang verhaal. " * 120  # 2280 characters
    response = Reporter(client).post(description=long_text)
    assert response.status_code == 422
    page = text(response)
    assert 'id="description-error"' in page and "2000" in page
    assert long_text.strip() in page


def test_without_a_location_the_reporter_is_asked_to_choose_one(client):
    response = Reporter(client).post(lat="", lon="")
    assert response.status_code == 422
    assert 'id="location-error"' in text(response)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("notes.pdf", b"%PDF-1.7 this is not a photo", "We kunnen dit bestand niet als foto lezen"),
        ("kapot.jpg", jpeg_with_gps()[:300], "We kunnen dit bestand niet als foto lezen"),
    ],
)
def test_a_non_image_or_corrupt_upload_is_refused_and_the_rest_kept(client, name, data, message):
    response = Reporter(client).post(photo=(name, data))
    assert response.status_code == 422
    page = text(response)
    assert message in page and 'id="photo-error"' in page
    assert "Twee mannen riepen mij na bij de bushalte." in page
    assert reports() == []


def test_an_oversized_upload_is_refused_and_the_rest_kept(make_app):
    # Kept under 500 KB: larger test bodies make Werkzeug's test client leak a temporary file.
    app = make_app(PHOTO_MAX_BYTES=256 * 1024)
    with app.app_context():
        client = app.test_client()
        big = b"\xff\xd8\xff\xe0" + b"\0" * (256 * 1024 + 10)
        response = Reporter(client).post(photo=("groot.jpg", big))
        assert response.status_code == 422
        page = text(response)
        assert "maximaal 0,25 MB" in page
        assert "Twee mannen riepen mij na bij de bushalte." in page


def test_a_request_over_the_hard_limit_gets_a_clear_page(make_app):
    app = make_app(MAX_CONTENT_LENGTH=2048)
    with app.app_context():
        client = app.test_client()
        response = Reporter(client).post(photo=("groot.jpg", b"x" * 4096))
        assert response.status_code == 413
        assert "te groot" in text(response)


def test_the_photo_chosen_once_survives_an_error_and_is_stored_clean(client):
    reporter = Reporter(client)
    first = reporter.post(description="", photo=("IMG_2041.jpg", jpeg_with_gps()))
    assert first.status_code == 422
    kept = form_fields(text(first))
    assert kept["photo_token"] and kept["photo_name"] == "IMG_2041.jpg"
    reporter.hidden.update(photo_token=kept["photo_token"], photo_name=kept["photo_name"])
    assert reporter.send().status_code == 303
    [report] = reports()
    [photo] = report.photos
    stored = photo_store().path_of(photo.storage_key).read_bytes()
    assert b"PhoneModel" not in stored and b"Exif" not in stored


def test_a_kept_photo_can_be_removed(client):
    reporter = Reporter(client)
    first = form_fields(text(reporter.post(description="", photo=("a.jpg", jpeg_with_gps()))))
    reporter.hidden.update(photo_token=first["photo_token"], photo_name=first["photo_name"])
    assert reporter.send(remove_photo="y").status_code == 303
    assert reports()[0].photos == []


def test_the_same_form_sent_twice_makes_one_report(client):
    reporter = Reporter(client)
    first = reporter.send()
    first_page = text(client.get(first.headers["Location"]))
    second = reporter.send()  # a phone retrying after a lost answer
    second_page = text(client.get(second.headers["Location"]))
    assert second.status_code == 303
    assert len(reports()) == 1
    ref = re.compile(r'id="reference">([^<]+)<')
    link = re.compile(r'id="tracking-link">([^<]+)<')
    assert ref.search(first_page).group(1) == ref.search(second_page).group(1)
    assert link.search(first_page).group(1) == link.search(second_page).group(1)


def test_email_without_consent_is_questioned(client):
    response = Reporter(client).post(email="melder@example.org")
    assert response.status_code == 422
    assert 'id="email_consent-error"' in text(response)


def test_an_invalid_email_is_refused(client):
    response = Reporter(client).post(email="melder@", email_consent="y")
    assert response.status_code == 422
    assert 'id="email-error"' in text(response)


def test_restricted_kind_asks_no_contact_data(client):
    page = text(client.get(FORM.format(kind="verdachte_situatie", category="hennep")))
    assert 'name="email"' not in page
    assert "0800-7000" in text(client.get("/melden/verdachte_situatie"))


def test_a_category_restricted_by_its_data_asks_no_contact_data_either(client, new_report):
    """Data can restrict one category of an ordinary kind (Category.restricted): the form, the review and the
    stored report then hold no contact data, as for the restricted kind."""
    from meldpunt.reports.models import Category
    from meldpunt.reports.submission import submit_report

    category = db.session.scalar(sa.select(Category).where(Category.code == "naroepen"))
    category.restricted = True
    db.session.commit()
    reporter = Reporter(client)
    assert 'name="email"' not in text(client.get(reporter.url))
    review = text(reporter.post(email="melder@example.org", email_consent="y"))
    assert "melder@example.org" not in review
    assert reporter.send(email="melder@example.org", email_consent="y").status_code == 303
    # The one path for every report drops it too, whatever a caller passes.
    submit_report(new_report(email="ander@example.org", email_consent=True))
    db.session.commit()
    assert [r.email for r in reports()] == [None, None]


def test_place_search_without_javascript(client):
    reporter = Reporter(client)
    results = text(reporter.post(action="search", lat="", lon="", place_query="Klazien"))
    assert "Klazienaveen, Emmen" in results
    value = re.search(r'name="place" value="([^"]+)"[^>]*>Klazienaveen, Emmen', results).group(1)
    chosen = reporter.post(action="ignored", lat="", lon="", place=value)
    fields = form_fields(text(chosen))
    assert fields["location_method"] == "search" and fields["location_precision"] == "place"
    assert fields["lat"] and fields["lon"]
    # A village centre is not a spot: the reporter must tap the map or describe the spot.
    reporter.hidden.update(fields)
    no_spot = reporter.post(lat=fields["lat"], lon=fields["lon"], location_method="search")
    assert no_spot.status_code == 422 and 'id="location_description-error"' in text(no_spot)
    sent = reporter.send(
        lat=fields["lat"], lon=fields["lon"], location_method="search",
        location_description="Bij de bushalte op de Klazienaveen-Parc",
    )  # fmt: skip
    assert sent.status_code == 303
    report = reports()[0]
    assert report.location_method == "search"
    assert report.location_description.startswith("Bij de bushalte")


def test_place_search_json_for_the_map(client):
    places = client.get("/melden/plaatsen?q=barger").get_json()
    assert [p["label"] for p in places] == ["Barger-Compascuum, Emmen", "Nieuw-Dordrecht, Emmen"] or any(
        p["label"] == "Barger-Compascuum, Emmen" for p in places
    )
    assert all(p["precision"] == "place" for p in places)


def test_csrf_missing_or_stale_keeps_everything(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        reporter = Reporter(client)
        good_token = reporter.hidden["csrf_token"]
        for bad in ("", "IjAxMjM0NTY3ODki.stale.token"):
            reporter.hidden["csrf_token"] = bad
            response = reporter.send(photo=("foto.jpg", jpeg_with_gps()))
            page = text(response)
            assert response.status_code == 422
            assert "Deze pagina stond lang open" in page
            assert "Twee mannen riepen mij na bij de bushalte." in page
            assert "Foto toegevoegd: foto.jpg" in page
            assert reports() == []
        reporter.hidden["csrf_token"] = good_token
        reporter.hidden.update({k: v for k, v in form_fields(page).items() if k.startswith("photo_")})
        assert reporter.send().status_code == 303
        assert len(reports()[0].photos) == 1


def test_english_on_request(client):
    page = text(client.get("/", headers={"Accept-Language": "en"}))
    assert "What do you want to report?" in page and 'lang="en"' in page
    assert 'lang="nl"' in text(client.get("/?lang=nl"))


def test_a_fresh_form_shows_no_search_message(client):
    page = text(client.get(FORM.format(kind="overlast", category="jeugd")))
    assert "Zoeken lukt nu niet" not in page
    assert "error-summary" not in page and 'class="error" id="location-error"' not in page


def test_the_error_summary_is_in_dutch(client):
    page = text(Reporter(client).post(description=""))
    assert "Controleer het volgende" in page and "Please check the following" not in page


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "1e999"])
def test_a_coordinate_that_is_not_a_number_asks_for_the_spot_and_keeps_everything(client, value):
    response = Reporter(client).post(lat=value, lon=value, email="melder@example.org", email_consent="y")
    assert response.status_code == 422
    page = text(response)
    assert 'id="location-error"' in page
    assert "Twee mannen riepen mij na bij de bushalte." in page and 'value="melder@example.org"' in page


def test_control_characters_are_removed_before_anything_is_stored_or_shown(client):
    typed = "Twee mannen\x00 riepen\x08 mij na.\r\nBij de bushalte.\tEcht."
    reporter = Reporter(client)
    review = reporter.post(description=typed, location_description="Bij\x00 de kerk")
    assert review.status_code == 200
    assert "\x00" not in review.get_data(as_text=True) and "\x08" not in review.get_data(as_text=True)
    assert reporter.send(description=typed, location_description="Bij\x00 de kerk").status_code == 303
    [report] = reports()
    assert report.description == "Twee mannen riepen mij na.\r\nBij de bushalte.\tEcht."
    assert report.location_description == "Bij de kerk"


def test_a_nul_character_in_a_staff_form_does_not_break_the_database(client, staff, login):
    login(client, staff["beheerder"])
    response = client.post(
        "/beheer/gebruikers/nieuw",
        data={"username": "nul\x00user", "name": "N\x00ul", "roles": ["boa"], "password": "Wq8#lamp-post-river"},
    )
    assert response.status_code == 302
    from meldpunt.staff.models import User

    assert db.session.scalar(sa.select(User.name).where(User.username == "nuluser")) == "Nul"
    client.post("/medewerkers/uitloggen")
    assert client.post("/medewerkers/inloggen", data={"username": "x\x00y", "password": "p\x00"}).status_code == 422


@pytest.mark.parametrize("years_ago", [2, 126])
def test_a_date_long_ago_is_refused(client, years_ago):
    long_ago = (utcnow() - timedelta(days=365 * years_ago)).astimezone(LOCAL_TZ)
    response = Reporter(client).post(when="eerder", when_date=long_ago.strftime("%Y-%m-%d"), when_time="10:00")
    assert response.status_code == 422
    page = text(response)
    assert 'id="when_date-error"' in page and "meer dan een jaar geleden" in page
    assert "Twee mannen riepen mij na bij de bushalte." in page


def test_the_expired_form_message_is_dutch_on_a_dutch_page(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        reporter = Reporter(app.test_client())
        page = text(reporter.send(csrf_token="IjAxMjM0NTY3ODki.stale.token"))
        assert "Deze pagina stond lang open" in page
        assert "CSRF token" not in page and "Please check the following" not in page


def test_the_tracking_link_is_shown_once_and_not_kept_in_the_cookie(client):
    reporter = Reporter(client)
    sent = reporter.send()
    first = text(client.get(sent.headers["Location"]))
    link = re.search(r'id="tracking-link">([^<]+)<', first).group(1)
    with client.session_transaction() as session:
        assert link.rsplit("/", 1)[1] not in str(dict(session))
    again = text(client.get(sent.headers["Location"]))
    assert link not in again
    assert re.search(r'id="reference">([^<]+)<', again)  # the reference can still be quoted
    assert "één keer" in again


def _pending_files(app):
    from pathlib import Path

    return sorted(p for p in (Path(app.config["UPLOAD_FOLDER"]) / "pending").rglob("*.jpg"))


def test_a_photo_is_processed_once_and_a_form_keeps_at_most_one_waiting(app, client):
    from tests.fixtures.reports import png_bytes

    reporter = Reporter(client)
    first = form_fields(text(reporter.post(description="", photo=("a.jpg", jpeg_with_gps()))))
    again = form_fields(text(reporter.post(description="", photo=("a.jpg", jpeg_with_gps()))))
    assert again["photo_token"] == first["photo_token"]  # the same photo is not decoded and stored again
    assert len(_pending_files(app)) == 1
    other = form_fields(text(reporter.post(description="", photo=("b.png", png_bytes(40, 40)))))
    assert other["photo_token"] != first["photo_token"]
    assert len(_pending_files(app)) == 1  # the photo it replaced is gone
    reporter.hidden.update(photo_token=other["photo_token"], photo_name=other["photo_name"])
    assert reporter.send().status_code == 303
    assert _pending_files(app) == [] and len(reports()[0].photos) == 1


def test_when_waiting_photos_fill_their_space_a_photo_is_refused_and_the_rest_kept(make_app):
    app = make_app(PHOTO_PENDING_MAX_BYTES=1)
    with app.app_context():
        client = app.test_client()
        assert form_fields(text(Reporter(client).post(description="", photo=("a.jpg", jpeg_with_gps()))))["photo_token"]
        refused = Reporter(client).post(photo=("b.jpg", jpeg_with_gps(colour=(0, 0, 200))))
        page = text(refused)
        assert refused.status_code == 422
        assert 'id="photo-error"' in page and "zonder foto" in page
        assert "Twee mannen riepen mij na bij de bushalte." in page


def test_restricted_reporter_may_keep_a_link_that_only_withdraws(client):
    """A verdachte situatie gets no tracking link. The reporter may choose a link to withdraw it; nothing behind
    that link says what the report is about (for whoever else picks up the phone)."""
    reporter = Reporter(client, kind="verdachte_situatie", category="hennep")
    assert reporter.send(description="Wietlucht bij de schuur.").status_code == 303
    receipt = text(client.get("/melding/ontvangen"))
    assert "/volg/" not in receipt  # not unless chosen
    chosen = text(client.post("/melding/intrekkoppeling"))
    link = re.search(r'id="withdraw-link">[^<]*(/volg/[^<]+)</a>', chosen).group(1)
    # Shown once: choosing again gives no link.
    assert "/volg/" not in text(client.post("/melding/intrekkoppeling", follow_redirects=True))
    for url in (link, link + "/gegevens"):
        page = text(client.get(url))
        assert "Withdraw report" in page or "Melding intrekken" in page
        for naming in ("hennep", "Hennep", "Cannabis", "Verdacht", "verdacht", "Suspicious", "Wietlucht"):
            assert naming not in page, (url, naming)
    assert client.post(link + "/tevredenheid", data={"helped": "ja"}).status_code == 404
    refused = text(client.post(link + "/intrekken", data={}))
    assert "hennep" not in refused.lower() and 'id="confirm-error"' in refused
    done = client.post(link + "/intrekken", data={"confirm": "ja"})
    assert done.status_code == 200 and "hennep" not in text(done).lower()
    assert reports()[0].withdrawn_at is not None and reports()[0].description is None


def test_a_category_restricted_by_its_data_gets_the_link_that_only_withdraws(client):
    """The receipt's rule (feedback/receipts.link_only_withdraws) follows the category's flag inside an ordinary
    kind as it follows a restricted kind: no tracking link, only the choice of a link that withdraws."""
    from meldpunt.reports.models import Category

    category = db.session.scalar(sa.select(Category).where(Category.code == "naroepen"))
    category.restricted = True
    db.session.commit()
    assert Reporter(client).send().status_code == 303
    receipt = text(client.get("/melding/ontvangen"))
    assert "/volg/" not in receipt and "keep-withdraw-link" in receipt
    chosen = text(client.post("/melding/intrekkoppeling"))
    link = re.search(r'id="withdraw-link">[^<]*(/volg/[^<]+)</a>', chosen).group(1)
    page = text(client.get(link))
    assert "Melding intrekken" in page and "Naroepen" not in page and "naroepen" not in page


def test_ordinary_report_offers_no_withdraw_link_choice(client):
    assert Reporter(client).send().status_code == 303
    assert "keep-withdraw-link" not in text(client.get("/melding/ontvangen"))
    assert "/volg/" not in text(client.post("/melding/intrekkoppeling", follow_redirects=True))
