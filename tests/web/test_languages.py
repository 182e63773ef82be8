"""Six languages: the chooser on every public page, the choice remembered, Accept-Language as the default, Arabic
right to left, and seeded category names in every language."""

import html
import re

import pytest
import sqlalchemy as sa
from babel.dates import format_datetime
from flask_babel import force_locale, gettext, refresh

from meldpunt.extensions import db
from meldpunt.outbox.models import OutboxMessage
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.models import Category, Report

PUBLIC_PAGES = ["/", "/melden/straatintimidatie", "/melden/straatintimidatie/naroepen", "/privacy", "/cijfers/"]
IN_ITSELF = {
    "nl": "Nederlands",
    "en": "English",
    "de": "Deutsch",
    "pl": "Polski",
    "ar": "العربية",
    "uk": "Українська",
}


def translated(lang: str, msgid: str) -> str:
    """The catalogue's text in that language, which must be a translation, not the English msgid."""
    with force_locale(lang):
        text = gettext(msgid)
    assert text != msgid, f"no {lang} translation of {msgid!r}"
    return text


def page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def html_tag(text: str) -> str:
    return re.search(r"<html[^>]*>", text).group(0)


def chooser(text: str) -> str:
    return re.search(r'<nav class="language".*?</nav>', text, re.S).group(0)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_offers_the_six_languages_each_named_in_itself(client, path):
    links = re.findall(r"<a ([^>]*)>([^<]*)</a>", chooser(page(client.get(path))))
    assert [name for _, name in links] == list(IN_ITSELF.values())
    for (attributes, _), lang in zip(links, IN_ITSELF, strict=True):
        assert f'lang="{lang}"' in attributes and f'hreflang="{lang}"' in attributes
        assert f'href="?lang={lang}"' in attributes
    current = [name for attributes, name in links if 'aria-current="true"' in attributes]
    assert current == ["Nederlands"]


def test_the_chooser_keeps_the_page_and_its_query(client):
    # e.g. the closing mail's "were you helped? yes" link, whose answer is preselected from ?antwoord=ja
    text = page(client.get("/privacy?antwoord=ja&x=1&x=2&lang=de"))
    assert 'href="?antwoord=ja&x=1&x=2&lang=uk"' in chooser(text)


def test_dutch_without_a_preference(client):
    assert html_tag(page(client.get("/"))) == '<html lang="nl" dir="ltr">'
    # A language we do not offer falls back to Dutch, not to English.
    french = page(client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}))
    assert html_tag(french) == '<html lang="nl" dir="ltr">'


@pytest.mark.parametrize(
    ("accept", "lang"),
    [("de-DE,de;q=0.9,en;q=0.8", "de"), ("pl", "pl"), ("uk-UA,uk;q=0.9", "uk"), ("fr,en;q=0.5", "en")],
)
def test_the_browser_language_is_the_default(client, accept, lang):
    text = page(client.get("/", headers={"Accept-Language": accept}))
    assert html_tag(text) == f'<html lang="{lang}" dir="ltr">'
    with force_locale(lang):
        assert gettext("What do you want to report?") in text


def test_arabic_reads_right_to_left(client):
    text = page(client.get("/", headers={"Accept-Language": "ar"}))
    assert html_tag(text) == '<html lang="ar" dir="rtl">'
    assert translated("ar", "What do you want to report?") in text
    # In an Arabic page the other languages' names keep their own direction.
    assert 'lang="pl" hreflang="pl" dir="ltr"' in chooser(text)


def test_the_choice_is_remembered_in_a_long_lived_cookie(client, app):
    response = client.get("/?lang=pl", headers={"Accept-Language": "de"})
    assert html_tag(page(response)) == '<html lang="pl" dir="ltr">'
    assert translated("pl", "What do you want to report?") in page(response)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang=")]
    assert "lang=pl;" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    max_age = int(re.search(r"Max-Age=(\d+)", cookie).group(1))
    assert max_age >= 300 * 24 * 3600

    # Same browser, next page: the session keeps it, whatever the browser's language.
    assert html_tag(page(client.get("/privacy", headers={"Accept-Language": "de"}))).startswith('<html lang="pl"')

    # The phone comes back days later: the session is gone, the cookie is not.
    returning = app.test_client()
    returning.set_cookie("lang", "pl")
    assert html_tag(page(returning.get("/", headers={"Accept-Language": "de"}))).startswith('<html lang="pl"')


def test_a_new_choice_replaces_the_old_one(client):
    client.get("/?lang=ar")
    response = client.get("/?lang=uk")
    assert html_tag(page(response)) == '<html lang="uk" dir="ltr">'
    assert client.get_cookie("lang").value == "uk"
    assert html_tag(page(client.get("/"))) == '<html lang="uk" dir="ltr">'


def test_an_unknown_language_changes_nothing(client):
    client.get("/?lang=de")
    response = client.get("/?lang=xx")
    assert html_tag(page(response)).startswith('<html lang="de"')
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang=")]
    fresh = client.application.test_client()
    fresh.set_cookie("lang", "klingon")
    assert html_tag(page(fresh.get("/"))).startswith('<html lang="nl"')


def test_seed_gives_existing_categories_their_names_in_every_language(app, runner, client):
    # A database seeded when only Dutch and English existed; a beheerder renamed one category in German.
    naroepen = db.session.scalar(sa.select(Category).where(Category.code == "naroepen"))
    naroepen.names = {"nl": "Naroepen of nafluiten", "en": "Calling after or whistling at someone", "de": "Rufen"}
    volgen = db.session.scalar(sa.select(Category).where(Category.code == "volgen"))
    volgen.names = {"nl": "Hinderlijk volgen", "en": "Persistently following someone"}
    db.session.commit()

    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output

    db.session.expire_all()
    assert naroepen.names["pl"] == translated("pl", "Calling after or whistling at someone")
    assert naroepen.names["ar"] == translated("ar", "Calling after or whistling at someone")
    assert naroepen.names["de"] == "Rufen"  # a name someone chose is kept
    assert set(volgen.names) == set(IN_ITSELF)  # every language, now that the catalogues have them
    text = page(client.get("/melden/straatintimidatie?lang=pl"))
    assert naroepen.names["pl"] in text


# -- dates and numbers as the reader writes them -----------------------------------------------------------


def test_numbers_and_months_follow_the_language(app):
    from meldpunt.web.i18n import decimal, month_label, percent

    expected = {
        "nl": ("1.234,5", "45%", "mrt 2026"),
        "en": ("1,234.5", "45%", "Mar 2026"),
        "de": ("1.234,5", "45\xa0%", "März 2026"),
        "pl": ("1\xa0234,5", "45%", "mar 2026"),
        "uk": ("1\xa0234,5", "45%", "бер. 2026\u202fр."),
        "ar": ("1,234.5", "45%", "مارس 2026"),
    }
    for lang, written in expected.items():
        with app.test_request_context(f"/?lang={lang}"):
            refresh()  # the tests' shared app context remembers the last locale; a server's request would not
            assert (decimal(1234.5, 1), percent(0.451), month_label("2026-03")) == written


def test_the_tracking_page_dates_in_the_readers_language(client, new_report):
    from meldpunt.reports.submission import submit_report

    receipt = submit_report(new_report())
    db.session.commit()
    created = db.session.scalar(sa.select(Report.created_at).where(Report.id == receipt.report_id))
    written = {
        lang: format_datetime(created, "medium", tzinfo=LOCAL_TZ, locale=lang) for lang in ("nl", "pl", "de", "ar")
    }
    assert len(set(written.values())) == 4  # "1 dec 2026, 02:10:00", "1 gru 2026, …", "01.12.2026, …", "01‏/12‏/2026، …"
    for lang in ("pl", "de", "ar"):
        text = page(client.get(f"/volg/{receipt.tracking_token}?lang={lang}"))
        assert written[lang] in text and written["nl"] not in text


# -- mails in the language the report was made in ----------------------------------------------------------


@pytest.mark.parametrize("lang", list(IN_ITSELF))
def test_a_report_made_in_a_language_gets_its_mail_in_that_language(client, lang):
    from tests.web.test_report_form import Reporter

    client.get(f"/?lang={lang}")
    response = Reporter(client).send(email="melder@example.org", email_consent="y")
    assert response.status_code == 303

    report = db.session.scalar(sa.select(Report))
    assert report.locale == lang
    [mail] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert mail.locale == lang
    with force_locale(lang):
        thanks = gettext("Thank you. We have received your report.")
        assert gettext("Your report %(reference)s", reference=report.reference) == mail.subject
    assert thanks in mail.body_text and thanks in html.unescape(mail.body_html)
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in mail.body_html
    if lang != "en":
        assert thanks == translated(lang, "Thank you. We have received your report.")


def test_the_data_held_names_the_reports_language(client, new_report):
    from meldpunt.reports.submission import submit_report

    receipt = submit_report(new_report(locale="uk"))
    db.session.commit()
    text = page(client.get(f"/volg/{receipt.tracking_token}/gegevens"))
    assert '<dd lang="uk" dir="ltr">Українська</dd>' in text
