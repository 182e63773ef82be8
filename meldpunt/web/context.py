"""What every template can use."""

from flask import Flask, has_request_context, request
from flask_babel import get_locale

from meldpunt.profiles import current_profile
from meldpunt.reports.photos import megabytes
from meldpunt.web.report_forms import choice_label

# Every page a resident may see gets the quick exit button (templates/public/_quick_exit.html), error pages
# included; staff pages do not.
STAFF_BLUEPRINTS = frozenset({"auth", "staff", "field", "admin", "analysis"})


def init_context(app: Flask) -> None:
    @app.context_processor
    def inject_profile():
        locale = str(get_locale() or "nl")
        return {"profile": current_profile(), "locale": locale, "languages": app.config["LANGUAGES"],
                "quick_exit": has_request_context() and request.blueprint not in STAFF_BLUEPRINTS}  # fmt: skip

    app.add_template_filter(choice_label, "choice_label")
    app.add_template_filter(megabytes, "megabytes")

    @app.template_filter("localname")
    def localname(obj):
        return obj.name(str(get_locale() or "nl"))
