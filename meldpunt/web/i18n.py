"""Locale and timezone selection. Request-safe: outside a request (CLI, outbox worker) the defaults apply."""

from flask import current_app, has_request_context, request, session


def select_locale():
    if not has_request_context():
        return None
    if (lang := request.args.get("lang")) in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        return lang
    if (lang := session.get("lang")) in current_app.config["LANGUAGES"]:
        return lang
    return request.accept_languages.best_match(current_app.config["LANGUAGES"])


def select_timezone():
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
