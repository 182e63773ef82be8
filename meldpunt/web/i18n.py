"""Locale and timezone selection, and the language chooser's memory. Request-safe: outside a request (CLI,
outbox worker) the defaults apply.

The language is, in this order: the one just chosen (`?lang=`), the one chosen earlier in this browser (session,
then the long-lived cookie, so a phone that comes back days later keeps it), the browser's Accept-Language, and
Dutch."""

from datetime import date
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_skeleton
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import format_decimal, format_percent, get_locale, refresh

# Each language named in itself, as a person looking for their own language recognises it.
LANGUAGE_NAMES = {
    "nl": "Nederlands",
    "en": "English",
    "de": "Deutsch",
    "pl": "Polski",
    "ar": "العربية",
    "uk": "Українська",
}


def text_direction(locale: str) -> str:
    """ "rtl" or "ltr", from the CLDR data Babel carries (Arabic is right to left)."""
    return Locale.parse(locale).text_direction


def _supported(lang) -> str | None:
    return lang if lang in current_app.config["LANGUAGES"] else None


def decimal(value, places: int = 0) -> str:
    """A number as the reader writes it: 1.234,5 in Dutch and German, 1 234,5 in Polish and Ukrainian, 1,234.5
    in English."""
    return format_decimal(value, format="#,##0" + ("." + "0" * places if places else ""))


def percent(share: float) -> str:
    """0.45 as the reader writes a percentage: 45%, 45 %, 45 %."""
    return format_percent(share)


def month_label(year_month: str) -> str:
    """'2026-03' as the reader names that month: "mrt 2026", "März 2026", "mar 2026", "مارس 2026"."""
    year, month = (int(part) for part in year_month.split("-"))
    return format_skeleton("yMMM", date(year, month, 1), locale=get_locale())


def language_url(lang: str) -> str:
    """This page in another language: its query kept (a mail's preselected answer, a page's filters) and lang=
    set. A query-only link keeps the page's own path, so the page never repeats its address (an error page for
    a wrong tracking link looks the same whatever was asked)."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return "?" + urlencode([*args, ("lang", lang)])


def select_locale():
    if not has_request_context():
        return None
    if lang := _supported(request.args.get("lang")):
        session["lang"] = lang
        g.remember_language = lang
        return lang
    if lang := _supported(session.get("lang")):
        return lang
    if lang := _supported(request.cookies.get(current_app.config["LANGUAGE_COOKIE_NAME"])):
        return lang
    return request.accept_languages.best_match(current_app.config["LANGUAGES"])


def select_timezone():
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def init_i18n(app: Flask) -> None:
    @app.before_request
    def choose_language_anew():
        # Flask-Babel keeps the chosen locale in the app context; tests share one app context across requests, so
        # each request forgets the last one's choice, as each request in a server starts afresh.
        refresh()

    @app.after_request
    def remember_language(response):
        if lang := g.pop("remember_language", None):
            response.set_cookie(
                app.config["LANGUAGE_COOKIE_NAME"],
                lang,
                max_age=app.config["LANGUAGE_COOKIE_MAX_AGE"],
                secure=app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
                samesite="Lax",
            )
        return response

    app.add_template_filter(decimal, "decimal")
    app.add_template_filter(month_label, "month_label")
    app.add_template_filter(percent, "percent")
    app.add_template_global(LANGUAGE_NAMES, "language_names")
    app.add_template_global(text_direction, "text_direction")
    app.add_template_global(language_url, "language_url")
