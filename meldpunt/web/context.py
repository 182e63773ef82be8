"""What every template can use."""

from flask import Flask
from flask_babel import get_locale

from meldpunt.profiles import current_profile
from meldpunt.reports.photos import megabytes
from meldpunt.web.report_forms import choice_label


def init_context(app: Flask) -> None:
    @app.context_processor
    def inject_profile():
        locale = str(get_locale() or "nl")
        return {"profile": current_profile(), "locale": locale, "languages": app.config["LANGUAGES"]}

    app.add_template_filter(choice_label, "choice_label")
    app.add_template_filter(megabytes, "megabytes")

    @app.template_filter("localname")
    def localname(obj):
        return obj.name(str(get_locale() or "nl"))
